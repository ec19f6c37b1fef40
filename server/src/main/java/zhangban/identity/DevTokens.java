package zhangban.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import zhangban.config.Config;

/**
 * Signs demo tokens with a local key (DEV_MODE only). The key is kept in the data folder (with the
 * embedded database) or in the database (an external one, which replicas share), so tokens survive
 * a restart and every replica accepts them; its public half is one of the keys {@link JwksKeys}
 * trusts in DEV_MODE.
 */
public final class DevTokens {
  private final RSAKey key;
  private final Clock clock;

  private DevTokens(RSAKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
  }

  /**
   * Loads the key from {@code dataDir}, creating it on first use (readable by this user only).
   * Blocking: call at start-up. For the embedded database, which lives in the same folder.
   */
  public static DevTokens loadOrCreate(Path dataDir, Clock clock) {
    Path file = dataDir.resolve("dev-signing-key.jwk.json");
    try {
      if (Files.exists(file)) {
        return new DevTokens(RSAKey.parse(Files.readString(file)), clock);
      }
      RSAKey key = generate();
      Files.createDirectories(dataDir);
      Path written = Files.createTempFile(dataDir, "dev-signing-key", ".tmp", ownerOnly());
      Files.writeString(written, key.toJSONString());
      Files.move(written, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new DevTokens(key, clock);
    } catch (IOException | java.text.ParseException | JOSEException e) {
      throw new IllegalStateException("Cannot load or create the dev signing key in " + file, e);
    }
  }

  private static final String OFFER_KEY = """
      insert into dev_signing_key (id, jwk) values (1, ?) on conflict (id) do nothing
      """;
  private static final String SHARED_KEY = "select jwk from dev_signing_key where id = 1";

  /**
   * The key every replica on this (migrated, external) database signs with: the first to start
   * offers one, the others take it. Blocking: call at start-up, after migrations.
   */
  public static DevTokens sharedThrough(java.sql.Connection c, Clock clock) {
    try (java.sql.PreparedStatement offer = c.prepareStatement(OFFER_KEY);
         java.sql.PreparedStatement shared = c.prepareStatement(SHARED_KEY)) {
      offer.setString(1, generate().toJSONString());
      offer.executeUpdate();
      try (java.sql.ResultSet rs = shared.executeQuery()) {
        rs.next();
        return new DevTokens(RSAKey.parse(rs.getString(1)), clock);
      }
    } catch (java.sql.SQLException | java.text.ParseException | JOSEException e) {
      throw new IllegalStateException("Cannot share the dev signing key through the database", e);
    }
  }

  private static RSAKey generate() throws JOSEException {
    return new RSAKeyGenerator(2048)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.RS256)
        .keyID("dev-" + UUID.randomUUID())
        .generate();
  }

  /** rw------- where the file system has POSIX permissions; nothing otherwise. */
  private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly() {
    if (!java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new java.nio.file.attribute.FileAttribute<?>[0];
    }
    return new java.nio.file.attribute.FileAttribute<?>[] {java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))};
  }

  public RSAKey publicKey() {
    return key.toPublicJWK();
  }

  public record Issued(String token, Instant expiresAt) {}

  public Issued issue(DemoUser user, long ttlSeconds) {
    Instant now = clock.instant();
    Instant exp = now.plusSeconds(ttlSeconds);
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(Config.DEV_ISSUER)
        .audience(Config.DEV_AUDIENCE)
        .subject(user.id())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(exp))
        .jwtID(UUID.randomUUID().toString())
        .claim("name", user.name())
        .claim("roles", user.roles());
    user.department().ifPresent(d -> claims.claim("dept", d));
    user.uscc().ifPresent(u -> claims.claim("uscc", u));
    user.region().ifPresent(r -> claims.claim("region", r));
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        claims.build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("Signing a dev token failed", e);
    }
    return new Issued(jwt.serialize(), exp);
  }

  /** A demo user a token can be issued for. */
  public record DemoUser(String id, String name, java.util.List<String> roles,
                         java.util.Optional<String> department, java.util.Optional<String> uscc,
                         java.util.Optional<String> region) {
    public io.vertx.core.json.JsonObject toJson() {
      return new io.vertx.core.json.JsonObject()
          .put("id", id).put("name", name)
          .put("roles", new io.vertx.core.json.JsonArray(roles))
          .put("department", department.orElse(null))
          .put("uscc", uscc.orElse(null))
          .put("region", region.orElse(null));
    }
  }
}
