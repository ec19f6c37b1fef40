package zhangban.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tencent Cloud SMS's SendSms API as a stub on loopback, for the real SDK to talk to: it keeps
 * every request (and its Authorization header) and answers Ok with a serial number, or the status
 * code set for a number ({@link #answer}); a code starting with "Error:" answers as an API error.
 * Refusals name the number in their words, as a provider's may: what is kept of them must not.
 */
public final class FakeSms implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final AtomicInteger serial = new AtomicInteger();

  public FakeSms() {
    HttpServer listening;
    try {
      listening = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      JsonObject in = body.toJsonObject();
      received.add(in);
      authorizations.add(req.getHeader("Authorization") + " | " + req.getHeader("X-TC-Action"));
      String phone = in.getJsonArray("PhoneNumberSet").getString(0);
      String code = answers.getOrDefault(phone, "Ok");
      JsonObject response = new JsonObject().put("RequestId", "req-" + received.size());
      if (code.startsWith("Error:")) {
        response.put("Error", new JsonObject().put("Code", code.substring(6))
            .put("Message", "the stub says " + code + " for " + phone));
      } else {
        response.put("SendStatusSet", new JsonArray().add(new JsonObject()
            .put("SerialNo", "serial-" + serial.incrementAndGet())
            .put("PhoneNumber", phone).put("Fee", 1).put("SessionContext", in.getString("SessionContext", ""))
            .put("Code", code).put("Message", "Ok".equals(code) ? "send success" : "the stub says " + code + " for " + phone)
            .put("IsoCode", "CN")));
      }
      req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("Response", response).encode());
      })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the SMS stub did not start", e);
    }
    server = listening;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** Answers {@code code} for {@code phone} (E.164) from now on; null answers Ok again. */
  public void answer(String phone, String code) {
    if (code == null) {
      answers.remove(phone);
    } else {
      answers.put(phone, code);
    }
  }

  /** Every SendSms request so far, as the SDK sent it. */
  public List<JsonObject> received() {
    return List.copyOf(received);
  }

  /** The requests to {@code phone} (E.164). */
  public List<JsonObject> to(String phone) {
    return received.stream().filter(r -> phone.equals(r.getJsonArray("PhoneNumberSet").getString(0))).toList();
  }

  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
