package zhangban.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multipart body with one file part, received into a spool file only once the caller has been
 * authenticated and authorized: nothing is written to disk for a request that would be refused.
 * The spool file is removed when the exchange ends, however it ends (answered, refused, cut off,
 * timed out, or the connection closed); {@link #sweep} removes what a killed process left.
 */
public final class FileUploads {
  private static final Logger LOG = LoggerFactory.getLogger(FileUploads.class);
  /** How long a refused request's body is read and dropped before its connection is closed. */
  static final long LINGER_MILLIS = 5000;

  private FileUploads() {}

  /** The file part as received: the spool file, the name and type the client gave, its size. */
  public record Received(Path file, String fileName, String declaredType, long size) {}

  /**
   * Reads the request's body (paused until now) into a file in {@code dir}: exactly one part, named
   * {@code partName}, of at most {@code maxBytes}. Fails with a 400 when the body ends before its
   * file part does, has another part, or has none; with a 413 past {@code maxBytes}.
   */
  public static Future<Received> receive(RoutingContext rc, Path dir, String partName, long maxBytes) {
    HttpServerRequest request = rc.request();
    if (request.isEnded()) {
      return Future.failedFuture(badPart("The request has no multipart body."));
    }
    Vertx vertx = rc.vertx();
    Promise<Received> result = Promise.promise();
    Path path = dir.resolve("upload-" + UUID.randomUUID());
    Spool spool = new Spool(vertx, request, path, result);
    // every end of the exchange removes the file: after the answer, or when the connection went away
    rc.addEndHandler(v -> spool.delete());
    request.setExpectMultipart(true);
    request.uploadHandler(upload -> {
      if (spool.failed) {
        return;
      }
      if (spool.parts++ > 0 || !partName.equals(upload.name())) {
        spool.fail(badPart("Send exactly one file, in a part named " + partName + "."), true);
        return;
      }
      spool.fileName = upload.filename();
      spool.declaredType = upload.contentType();
      Promise<AsyncFile> ready = Promise.promise();
      spool.opened = ready.future();
      vertx.fileSystem().open(path.toString(), new OpenOptions().setCreateNew(true).setWrite(true))
          .onComplete(opened -> {
            if (opened.failed()) {
              ready.fail(opened.cause());
              spool.fail(storageFailed(opened.cause()), true);
              return;
            }
            spool.file = opened.result();
            spool.waiting.forEach(spool::write);
            spool.waiting = null;
            ready.complete(spool.file); // closing waits for this: after the chunks that came first
          });
      // the part's bytes are taken as they come (the request, not the part, is paused for a slow disk),
      // so that the part's end, if the body has one, is seen before the request's end
      upload.handler(chunk -> {
        if (spool.failed) {
          return;
        }
        spool.size += chunk.length();
        if (spool.size > maxBytes) {
          spool.fail(ApiException.tooLarge("The file is larger than " + maxBytes + " bytes."), true);
          return;
        }
        // the decoder reuses the chunk's memory once this handler returns; the write may come later
        spool.write(chunk.copy());
      });
      upload.exceptionHandler(e -> spool.fail(badPart("The file part could not be read: " + e.getMessage()), true));
      upload.endHandler(v -> spool.partEnded = true);
    });
    request.exceptionHandler(e -> spool.fail(badPart("The upload was cut off before it was complete."), false));
    request.endHandler(v -> {
      if (spool.failed) {
        return;
      }
      if (spool.parts == 0) {
        spool.fail(badPart("Send exactly one file, in a part named " + partName + "."), false);
      } else if (!spool.partEnded) {
        spool.fail(badPart("The multipart body ended before its file part did."), false);
      } else {
        spool.opened.compose(AsyncFile::close)
            .onSuccess(c -> result.tryComplete(new Received(path, spool.fileName, spool.declaredType, spool.size)))
            .onFailure(e -> spool.fail(storageFailed(e), false));
      }
    });
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      rc.response().writeContinue();
    }
    request.resume();
    return result.future();
  }

  /** Removes spool files of an earlier process: those not written to for {@code idle} or more. */
  public static void sweep(Path dir, java.time.Duration idle) {
    Instant before = Instant.now().minus(idle);
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> {
        try {
          return Files.isRegularFile(f) && Files.getLastModifiedTime(f).toInstant().isBefore(before);
        } catch (IOException e) {
          return false;
        }
      }).forEach(f -> {
        try {
          Files.deleteIfExists(f);
          LOG.info("Removed the leftover upload {}", f.getFileName());
        } catch (IOException e) {
          LOG.warn("Cannot remove the leftover upload {}", f, e);
        }
      });
    } catch (IOException e) {
      LOG.warn("Cannot list {}", dir, e);
    }
  }

  /**
   * Closing at once while the client is still sending makes its TCP stack reset the connection, and
   * the client may lose the answer with it. Read and drop what is still coming, then close: when
   * the body has arrived, or after a few seconds at most.
   */
  public static void discardAndClose(Vertx vertx, HttpServerRequest request) {
    HttpConnection connection = request.connection();
    long timer = vertx.setTimer(LINGER_MILLIS, t -> connection.close());
    request.handler(chunk -> { })
        .exceptionHandler(e -> { })
        .endHandler(v -> {
          vertx.cancelTimer(timer);
          connection.close();
        });
    request.resume();
  }

  private static ApiException badPart(String message) {
    return ApiException.invalid("/body/file", message);
  }

  private static ApiException storageFailed(Throwable e) {
    LOG.warn("Cannot spool an upload", e);
    return new ApiException(ProblemType.UNAVAILABLE, "The upload could not be stored; try again.",
        new JsonObject().put("retryAfterSeconds", 1));
  }

  /** The state of one upload, confined to the request's event loop. */
  private static final class Spool {
    final Vertx vertx;
    final HttpServerRequest request;
    final Path path;
    final Promise<Received> result;
    /** Completes once the file is open and the chunks that came before are written. */
    Future<AsyncFile> opened;
    /** Set once open: the chunks that came before are written first, in order, from {@link #waiting}. */
    AsyncFile file;
    java.util.List<Buffer> waiting = new java.util.ArrayList<>();
    int parts;
    long size;
    boolean partEnded;
    boolean failed;
    String fileName;
    String declaredType;

    Spool(Vertx vertx, HttpServerRequest request, Path path, Promise<Received> result) {
      this.vertx = vertx;
      this.request = request;
      this.path = path;
      this.result = result;
    }

    void write(Buffer data) {
      if (file == null) {
        waiting.add(data);
        return;
      }
      file.write(data);
      if (file.writeQueueFull()) {
        request.pause();
        file.drainHandler(d -> request.resume());
      }
    }

    /** Refuses the upload; {@code stillSending} when the body has not all arrived yet. */
    void fail(ApiException problem, boolean stillSending) {
      if (failed) {
        return;
      }
      failed = true;
      delete();
      if (stillSending) {
        request.response().putHeader("Connection", "close");
        discardAndClose(vertx, request);
      }
      result.tryFail(problem);
    }

    void delete() {
      Future<AsyncFile> file = opened;
      if (file == null) {
        return;
      }
      file.compose(f -> f.close().recover(e -> Future.succeededFuture()))
          .eventually(() -> vertx.fileSystem().delete(path.toString()))
          .onFailure(e -> { }); // removed already, by the other end of the exchange
    }
  }
}
