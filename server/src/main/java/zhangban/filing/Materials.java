package zhangban.filing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import zhangban.http.ApiException;
import zhangban.identity.Principal;

/**
 * Uploaded materials. Files live in PostgreSQL with their SHA-256, so every replica serves them.
 * The type is taken from the bytes, not from what the client claims.
 */
public final class Materials {
  private final FilingService filing;
  private final Vertx vertx;

  public Materials(FilingService filing, Vertx vertx) {
    this.filing = filing;
    this.vertx = vertx;
  }

  public Future<JsonArray> list(Principal p, UUID id) {
    FilingStore store = filing.store();
    return filing.visible(filing.pool(), p, id)
        .compose(a -> store.materials(filing.pool(), id))
        .map(m -> new JsonArray(new java.util.ArrayList<>(m.values())));
  }

  public Future<FilingStore.Content> content(Principal p, UUID id, String code) {
    FilingStore store = filing.store();
    return filing.visible(filing.pool(), p, id)
        .compose(a -> store.content(filing.pool(), id, code))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No file for material " + code + ".")));
  }

  /** An upload as received: the temporary file, the name and type the client gave. */
  public record Upload(String tempFile, String fileName, String declaredType, long size) {}

  /**
   * Whether {@code p} may upload material {@code code} to application {@code id} now, asked before
   * any byte of the file is read: answers the largest file the material takes, or fails as the
   * upload itself would. The upload checks again, under the application's lock.
   */
  public Future<Long> admit(Principal p, UUID id, String code) {
    return filing.visibleWithGuide(filing.pool(), p, id).map(a -> admissible(p, a, code).getLong("maxBytes"));
  }

  /** The material an upload by {@code p} goes to, or the refusal. */
  private JsonObject admissible(Principal p, ApplicationRow a, String code) {
    if (!Access.isApplicantOf(p, a)) {
      throw ApiException.forbidden("Only the applicant uploads materials.");
    }
    JsonObject material = a.material(code);
    if (material == null) {
      throw ApiException.notFound("Item " + a.itemCode + " has no material " + code + ".");
    }
    if (a.state != ApplicationState.DRAFT && a.state != ApplicationState.SUPPLEMENT_REQUESTED
        && !supplementingMissing(a, code)) {
      throw filing.conflict(p, a, "Materials can be uploaded to a draft, while supplements are awaited, "
          + "or for a material accepted as missing (容缺).");
    }
    return material;
  }

  private static boolean supplementingMissing(ApplicationRow a, String code) {
    return a.missingMaterials.contains(code)
        && (a.state == ApplicationState.ACCEPTED || a.state == ApplicationState.IN_REVIEW
            || a.state == ApplicationState.APPROVED);
  }

  public Future<JsonObject> upload(Principal p, UUID id, String code, Upload upload) {
    // hashing up to MAX_UPLOAD_BYTES is CPU work for a worker thread, not an event loop
    return vertx.fileSystem().readFile(upload.tempFile())
        .compose(bytes -> vertx.executeBlocking(() -> sha256(bytes), false)
            .compose(hash -> store(p, id, code, upload, bytes, hash)));
  }

  private Future<JsonObject> store(Principal p, UUID id, String code, Upload upload, Buffer bytes, String hash) {
    FilingStore store = filing.store();
    return filing.pool().withTransaction(tx -> filing.lockVisible(tx, p, id).compose(a -> {
      JsonObject material = admissible(p, a, code);
      boolean supplementingMissing = supplementingMissing(a, code);
      String type = checkFile(material, upload, bytes);
      java.time.Instant now = filing.now();
      Future<JsonObject> saved = store.putMaterial(tx, id, code, safeName(upload.fileName()), type, bytes,
          hash, p.subject(), now);
      if (a.state == ApplicationState.SUPPLEMENT_REQUESTED && a.supplementOutstanding.remove(code)) {
        a.updatedAt = now;
        return saved.compose(file -> store.update(tx, a).map(file));
      }
      if (!supplementingMissing) {
        return saved;
      }
      return saved.compose(file -> {
        a.missingMaterials.remove(code);
        a.updatedAt = now;
        return store.update(tx, a)
            .compose(v -> store.addEvent(tx, a.id, "supplement_material", a.state, a.state, p.subject(),
                p.primaryRole(), null, new JsonObject().put("materialCode", code), now))
            .map(file);
      });
    }));
  }

  public Future<Void> remove(Principal p, UUID id, String code) {
    FilingStore store = filing.store();
    return filing.pool().withTransaction(tx -> filing.lockVisible(tx, p, id).compose(a -> {
      if (!Access.isApplicantOf(p, a)) {
        throw ApiException.forbidden("Only the applicant removes materials.");
      }
      if (a.state != ApplicationState.DRAFT && a.state != ApplicationState.SUPPLEMENT_REQUESTED) {
        throw filing.conflict(p, a, "Materials can be removed from a draft or while supplements are awaited.");
      }
      return store.deleteMaterial(tx, id, code).map(deleted -> {
        if (!deleted) {
          throw ApiException.notFound("No file for material " + code + ".");
        }
        return null;
      });
    }));
  }

  /** The type found in the bytes; refuses empty, oversize, unaccepted or mislabelled files. */
  static String checkFile(JsonObject material, Upload upload, Buffer bytes) {
    if (bytes.length() == 0) {
      throw ApiException.badRequest("The file is empty.");
    }
    long max = material.getLong("maxBytes");
    if (bytes.length() > max) {
      throw ApiException.tooLarge("Material " + material.getString("code") + " takes files up to " + max + " bytes.");
    }
    Optional<String> sniffed = sniff(bytes);
    JsonArray accepted = material.getJsonArray("acceptedTypes");
    if (sniffed.isEmpty() || !accepted.contains(sniffed.get())) {
      throw ApiException.unsupportedMediaType("Material " + material.getString("code") + " takes " + accepted.encode()
          + "; this file is " + sniffed.orElse("of an unrecognised type") + ".");
    }
    String declared = upload.declaredType() == null ? "" : upload.declaredType().toLowerCase().split(";")[0].trim();
    if (!declared.isEmpty() && !declared.equals("application/octet-stream") && !declared.equals(sniffed.get())
        && !(declared.equals("image/jpg") && sniffed.get().equals("image/jpeg"))) {
      throw ApiException.unsupportedMediaType("The file is declared as " + declared + " but its content is " + sniffed.get() + ".");
    }
    return sniffed.get();
  }

  static Optional<String> sniff(Buffer b) {
    if (startsWith(b, new int[] {0x25, 0x50, 0x44, 0x46, 0x2D})) return Optional.of("application/pdf");
    if (startsWith(b, new int[] {0xFF, 0xD8, 0xFF})) return Optional.of("image/jpeg");
    if (startsWith(b, new int[] {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A})) return Optional.of("image/png");
    if (startsWith(b, new int[] {0x50, 0x4B, 0x03, 0x04})) return Optional.of("application/ofd");
    return Optional.empty();
  }

  private static boolean startsWith(Buffer b, int[] magic) {
    if (b.length() < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b.getByte(i) & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  static String safeName(String name) {
    String n = name == null ? "" : name.replace('\\', '/');
    n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}\"]", "").trim();
    if (n.isEmpty()) {
      n = "file";
    }
    return n.length() > 200 ? n.substring(n.length() - 200) : n;
  }

  static String sha256(Buffer bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
