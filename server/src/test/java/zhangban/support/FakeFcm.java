package zhangban.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake FCM HTTP v1 endpoint on a free loopback port, for the real Firebase Admin SDK to talk to
 * (through {@code FcmTransport}'s base URL). It answers {@code POST /v1/projects/{project}/messages:send}:
 * 200 with a message name by default, or, for tokens given rules, an FCM-shaped error (status,
 * {@code details[].errorCode}, optional {@code Retry-After}) or no answer at all. It records every
 * request body in arrival order and counts, per token, the requests received and the ones answered 200.
 */
public final class FakeFcm implements AutoCloseable {
  /**
   * A data key of the pushes tests write straight into the outbox (probes, load): the server did
   * not make them, so they are not held to the contract.
   */
  public static final String SYNTHETIC = "synthetic";
  private static final Pattern SEND = Pattern.compile("^/v1/projects/([^/]+)/messages:send$");
  private static final Map<Integer, String> STATUS = Map.of(400, "INVALID_ARGUMENT", 401, "UNAUTHENTICATED",
      403, "PERMISSION_DENIED", 404, "NOT_FOUND", 429, "RESOURCE_EXHAUSTED", 500, "INTERNAL", 503, "UNAVAILABLE");

  /** One request as received, with the status it was answered (0: never answered). */
  public record Received(String project, String token, JsonObject body, String authorization, int answered) {
    /** {@code message.data.<key>}, or null. */
    public String data(String key) {
      return body.getJsonObject("message", new JsonObject()).getJsonObject("data", new JsonObject()).getString(key);
    }
  }

  private static final class Rule {
    final String token;
    final int status;
    final String errorCode;
    final Integer retryAfterSeconds;
    final boolean hang;
    final AtomicInteger remaining; // negative: forever

    Rule(String token, int status, String errorCode, Integer retryAfterSeconds, boolean hang, int times) {
      this.token = token;
      this.status = status;
      this.errorCode = errorCode;
      this.retryAfterSeconds = retryAfterSeconds;
      this.hang = hang;
      this.remaining = new AtomicInteger(times);
    }

    /** Takes one use of the rule; false when it is used up. */
    boolean take() {
      while (true) {
        int n = remaining.get();
        if (n < 0) {
          return true;
        }
        if (n == 0) {
          return false;
        }
        if (remaining.compareAndSet(n, n - 1)) {
          return true;
        }
      }
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> receivedByToken = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> deliveredByToken = new ConcurrentHashMap<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private record Held(HttpServerRequest request, Received received) {}

  private final List<Held> held = new CopyOnWriteArrayList<>();
  private final AtomicLong messageIds = new AtomicLong();
  private final List<String> contractViolations = new CopyOnWriteArrayList<>();

  private FakeFcm() {
    this.vertx = Vertx.vertx();
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setDecompressionSupported(true));
    server.requestHandler(this::handle);
    try {
      server.listen().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("Cannot start the fake FCM", e);
    }
  }

  public static FakeFcm start() {
    return new FakeFcm();
  }

  /** What to give {@code FcmGateway} as its base URL. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * A Firebase service-account JSON (a fresh RSA key) whose token endpoint is this fake, for a server
   * process configured through {@code FIREBASE_SERVICE_ACCOUNT_JSON} and {@code FCM_BASE_URL} as an
   * operator would configure it for a load test.
   */
  public String serviceAccountJson(String project) {
    try {
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      java.security.KeyPair keys = generator.generateKeyPair();
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .encodeToString(keys.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      return new JsonObject()
          .put("type", "service_account")
          .put("project_id", project)
          .put("private_key_id", "fake-key-1")
          .put("private_key", pem)
          .put("client_email", "push@" + project + ".iam.gserviceaccount.com")
          .put("client_id", "1")
          .put("token_uri", baseUrl() + "/token")
          .encode();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- programming the answers --------------------------------------------------------------

  /** Answers every request for {@code token} with this FCM error, until {@link #clear(String)}. */
  public FakeFcm failToken(String token, int status, String fcmErrorCode, Integer retryAfterSeconds) {
    return failToken(token, status, fcmErrorCode, retryAfterSeconds, -1);
  }

  /** Answers the next request for {@code token} with this FCM error, then the default again. */
  public FakeFcm failTokenOnce(String token, int status, String fcmErrorCode, Integer retryAfterSeconds) {
    return failToken(token, status, fcmErrorCode, retryAfterSeconds, 1);
  }

  /** Answers the next {@code times} requests for {@code token} with this error ({@code times < 0}: always). */
  public FakeFcm failToken(String token, int status, String fcmErrorCode, Integer retryAfterSeconds, int times) {
    rules.add(new Rule(token, status, fcmErrorCode, retryAfterSeconds, false, times));
    return this;
  }

  /** Never answers requests for {@code token} (the client must time out), until {@link #clear(String)}. */
  public FakeFcm hang(String token) {
    rules.add(new Rule(token, 0, null, null, true, -1));
    return this;
  }

  /** Never answers the next {@code times} requests for {@code token}. */
  public FakeFcm hang(String token, int times) {
    rules.add(new Rule(token, 0, null, null, true, times));
    return this;
  }

  /**
   * Holds requests for {@code token} unanswered until {@link #release} (the client waits up to its
   * time-out), until {@link #clear(String)}.
   */
  public FakeFcm hold(String token) {
    rules.add(new Rule(token, 0, null, null, true, -1));
    return this;
  }

  /** Answers the requests held for {@code token}: 200, or the FCM error given. Answers how many. */
  public int release(String token, int status, String fcmErrorCode) {
    clear(token);
    int n = 0;
    for (Held h : held) {
      if (h.received().token().equals(token) && held.remove(h)) {
        n++;
        Received r = h.received();
        int at = received.indexOf(r);
        Received answered = new Received(r.project(), r.token(), r.body(), r.authorization(), status);
        if (at >= 0) {
          received.set(at, answered);
        }
        if (status == 200) {
          deliveredByToken.computeIfAbsent(token, k -> new AtomicInteger()).incrementAndGet();
          ok(h.request(), r.project());
        } else {
          error(h.request(), status, fcmErrorCode, null, "fake FCM says " + fcmErrorCode);
        }
      }
    }
    return n;
  }

  /** Removes the rules of {@code token}: it is answered 200 from now on. */
  public FakeFcm clear(String token) {
    rules.removeIf(r -> r.token.equals(token));
    return this;
  }

  // ---- what was received --------------------------------------------------------------------

  /** Every request, in arrival order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The request bodies for {@code token}, in arrival order. */
  public List<JsonObject> bodiesFor(String token) {
    List<JsonObject> out = new ArrayList<>();
    for (Received r : received) {
      if (token.equals(r.token())) {
        out.add(r.body());
      }
    }
    return out;
  }

  /** Requests received for {@code token}, whatever the answer. */
  /** The {@code data.kind} of every message sent to {@code token}, oldest first. */
  public List<String> kindsFor(String token) {
    return bodiesFor(token).stream().map(b -> b.getJsonObject("message").getJsonObject("data").getString("kind"))
        .toList();
  }

  /** The last message of {@code kind} sent to {@code token}. */
  public JsonObject lastMessage(String token, String kind) {
    List<JsonObject> found = bodiesFor(token).stream().map(b -> b.getJsonObject("message"))
        .filter(m -> kind.equals(m.getJsonObject("data").getString("kind"))).toList();
    return found.get(found.size() - 1);
  }

  public int receivedCount(String token) {
    AtomicInteger n = receivedByToken.get(token);
    return n == null ? 0 : n.get();
  }

  /** Requests for {@code token} answered 200 (messages FCM would have delivered). */
  public int deliveredCount(String token) {
    AtomicInteger n = deliveredByToken.get(token);
    return n == null ? 0 : n.get();
  }

  /** Tokens answered 200, each with how many times. */
  public Map<String, Integer> deliveredCounts() {
    Map<String, Integer> out = new java.util.HashMap<>();
    deliveredByToken.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public int totalReceived() {
    return received.size();
  }

  // ---- serving ------------------------------------------------------------------------------

  private void handle(HttpServerRequest req) {
    if ("POST".equals(req.method().name()) && req.path().equals("/token")) {
      // Google's OAuth token endpoint, for service-account credentials whose token_uri points here
      req.body().onComplete(ar -> req.response().setStatusCode(200)
          .putHeader("Content-Type", "application/json; charset=UTF-8")
          .end(new JsonObject().put("access_token", "fake-access-token").put("expires_in", 3600)
              .put("token_type", "Bearer").encode()));
      return;
    }
    Matcher m = SEND.matcher(req.path());
    if (!"POST".equals(req.method().name()) || !m.matches()) {
      req.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("not found");
      return;
    }
    String project = m.group(1);
    String authorization = req.getHeader("Authorization");
    req.body().onSuccess(buf -> answer(req, project, authorization, buf))
        .onFailure(err -> req.response().setStatusCode(400).end());
  }

  private void answer(HttpServerRequest req, String project, String authorization, Buffer buf) {
    JsonObject body;
    try {
      body = buf.toJsonObject();
    } catch (RuntimeException e) {
      error(req, 400, "INVALID_ARGUMENT", null, "body is not JSON");
      return;
    }
    JsonObject message = body.getJsonObject("message", new JsonObject());
    String token = message.getString("token");
    checkAgainstContract(message);
    if (token != null) {
      receivedByToken.computeIfAbsent(token, k -> new AtomicInteger()).incrementAndGet();
    }
    for (Rule rule : rules) {
      if (rule.token.equals(token) && rule.take()) {
        if (rule.hang) {
          Received r = new Received(project, token, body, authorization, 0);
          received.add(r);
          held.add(new Held(req, r));
          return;
        }
        received.add(new Received(project, token, body, authorization, rule.status));
        error(req, rule.status, rule.errorCode, rule.retryAfterSeconds, "fake FCM says " + rule.errorCode);
        return;
      }
    }
    received.add(new Received(project, token, body, authorization, 200));
    if (token != null) {
      deliveredByToken.computeIfAbsent(token, k -> new AtomicInteger()).incrementAndGet();
    }
    ok(req, project);
  }

  private void ok(HttpServerRequest req, String project) {
    req.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=UTF-8")
        .end(new JsonObject().put("name", "projects/" + project + "/messages/" + messageIds.incrementAndGet())
            .encode());
  }

  private static void error(HttpServerRequest req, int status, String errorCode, Integer retryAfter, String text) {
    JsonObject error = new JsonObject().put("code", status).put("message", text)
        .put("status", STATUS.getOrDefault(status, "UNKNOWN"));
    if (errorCode != null) {
      error.put("details", new JsonArray().add(new JsonObject()
          .put("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError")
          .put("errorCode", errorCode)));
    }
    var response = req.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=UTF-8");
    if (retryAfter != null) {
      response.putHeader("Retry-After", String.valueOf(retryAfter));
    }
    response.end(new JsonObject().put("error", error).encode());
  }

  /**
   * What the phone would receive, as the contract's {@code PushNotification} describes it: the
   * title and body shown and the data. Violations are kept; {@link #close()} fails on any.
   */
  private void checkAgainstContract(JsonObject message) {
    if ("true".equals(message.getJsonObject("data", new JsonObject()).getString(SYNTHETIC))) {
      return;
    }
    JsonObject notification = message.getJsonObject("notification", new JsonObject());
    JsonObject push = new JsonObject().put("title", notification.getString("title"))
        .put("body", notification.getString("body")).put("data", message.getJsonObject("data"));
    String errors = ContractSchemas.errors("PushNotification", push);
    if (errors != null) {
      contractViolations.add(errors + " in " + push.encode());
    }
  }

  /** Pushes received that the contract does not describe (see {@link #checkAgainstContract}). */
  public List<String> contractViolations() {
    return List.copyOf(contractViolations);
  }

  /** Stops the fake; fails when a push it received broke the contract. */
  @Override
  public void close() {
    if (!contractViolations.isEmpty()) {
      stop();
      throw new AssertionError("Pushes that break the contract's PushNotification: " + contractViolations);
    }
    stop();
  }

  private void stop() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort
    }
  }
}
