package zhangban.support;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client as the mobile app behaves behind a load balancer: each request goes to one of the
 * replicas in turn, and a request that got no answer, or a 5xx, is sent again (to the next replica,
 * with the same Idempotency-Key) until it gets a real answer. A 4xx is an answer: it is returned.
 */
public final class MobileClient {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private final List<String> bases;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong retries = new AtomicLong();
  private final Duration giveUpAfter;

  public record Reply(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  public MobileClient(List<String> bases, Duration giveUpAfter) {
    this.bases = List.copyOf(bases);
    this.giveUpAfter = giveUpAfter;
  }

  private final java.util.Map<Integer, java.util.concurrent.atomic.AtomicLong> serverErrors =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong withoutRetryAfter = new java.util.concurrent.atomic.AtomicLong();
  private volatile String lastWithoutRetryAfter;

  /** How many answers of each 5xx status came (each was tried again). */
  public java.util.Map<Integer, Long> serverErrors() {
    java.util.Map<Integer, Long> out = new java.util.TreeMap<>();
    serverErrors.forEach((status, n) -> out.put(status, n.get()));
    return out;
  }

  /** 503 answers without Retry-After, and the body of the last of them. */
  public long withoutRetryAfter() {
    return withoutRetryAfter.get();
  }

  public String lastWithoutRetryAfter() {
    return lastWithoutRetryAfter;
  }

  /** Requests sent again after no answer or a 5xx. */
  public long retries() {
    return retries.get();
  }

  public Reply json(String method, String path, String token, String idempotencyKey, JsonObject body) {
    return send(method, path, token, idempotencyKey, "application/json",
        body == null ? new byte[0] : body.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** One file in the multipart field {@code file}, as the app uploads a material. */
  public Reply upload(String path, String token, String filename, byte[] content, String type) {
    String boundary = "zb" + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
        + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    out.writeBytes(head);
    out.writeBytes(content);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send("PUT", path, token, null, "multipart/form-data; boundary=" + boundary, out.toByteArray());
  }

  private Reply send(String method, String path, String token, String idempotencyKey, String type, byte[] body) {
    long deadline = System.nanoTime() + giveUpAfter.toNanos();
    String last = "nothing tried";
    while (System.nanoTime() < deadline) {
      String base = bases.get(Math.floorMod(next.getAndIncrement(), bases.size()));
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(20))
          .header("Authorization", "Bearer " + token)
          .method(method, body.length == 0 && !method.equals("POST") && !method.equals("PUT")
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      if (body.length > 0) {
        request.header("Content-Type", type);
      }
      if (idempotencyKey != null) {
        request.header("Idempotency-Key", idempotencyKey);
      }
      try {
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 500) {
          return new Reply(r.statusCode(), r.body());
        }
        serverErrors.computeIfAbsent(r.statusCode(), k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isEmpty()) {
          withoutRetryAfter.incrementAndGet();
          lastWithoutRetryAfter = r.body();
        }
        last = base + " answered " + r.statusCode() + ": " + r.body();
      } catch (IOException e) {
        last = base + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      retries.incrementAndGet();
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(method + " " + path + " got no answer within " + giveUpAfter + "; last: " + last);
  }
}
