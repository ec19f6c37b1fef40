package zhangban.support;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import zhangban.reporting.Profile;

/**
 * A provincial platform on a free loopback port, as strict as a real one should be: each record
 * (one a request at {@code /platform/<type>}, or a batch at {@code /platform/batch}) must carry a
 * valid HMAC-SHA256 signature of its exact body (or an OAuth2 bearer token this fake issued at
 * {@code /oauth/token}), a fresh timestamp and nonce, and a body the profile's JSON Schema
 * accepts for one of the kinds of its type. It dedupes by the record's key: a resend of an
 * accepted key is answered with the profile's duplicate code and counted, never accepted twice.
 * On demand it answers business errors for chosen records, an HTTP status (429 with Retry-After,
 * 500, 503) for a while, or nothing at all. A request that breaks the rules is answered 400 and
 * fails the test class at {@link #close()}.
 */
public final class FakePlatform implements AutoCloseable {
  public static final String APP_KEY = "zhangban-test";
  public static final String APP_SECRET = "platform-shared-secret";
  public static final String CLIENT_ID = "zhangban-client";
  public static final String CLIENT_SECRET = "client-secret";

  /** A record the platform accepted, in the order it accepted them. */
  public record Accepted(long sequence, String type, String key, JsonObject body) {}

  /** A rule for the next requests: what to answer instead of accepting. */
  private record Rule(Predicate<String> keys, int status, String code, String message, Integer retryAfter, boolean hang,
                      AtomicInteger remaining) {
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

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Profile profile;
  private final SchemaRepository schemas;
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final Map<String, Accepted> byKey = new ConcurrentHashMap<>();
  private final Set<String> nonces = ConcurrentHashMap.newKeySet();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger resends = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final AtomicInteger largestBatch = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean oauth;
  private volatile long delayMillis;

  private FakePlatform(String profileName) {
    this.profile = Profile.load(profileName);
    this.schemas = schemas(profile);
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
    server.requestHandler(req -> req.body().onSuccess(body -> {
      if (delayMillis > 0) {
        vertx.setTimer(delayMillis, t -> handle(req, body));
      } else {
        handle(req, body);
      }
    }));
    try {
      server.listen().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("Cannot start the fake platform", e);
    }
  }

  /** A platform taking records in the shape of a shipped profile, signed with {@link #APP_KEY}. */
  public static FakePlatform start(String profile) {
    return new FakePlatform(profile);
  }

  /** From now on requests carry an OAuth2 bearer token from {@link #tokenUrl()} instead of a signature. */
  public FakePlatform requireOAuth2() {
    oauth = true;
    return this;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort() + "/platform";
  }

  public String tokenUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/oauth/token";
  }

  /** The server's configuration for this platform. */
  public Map<String, String> env() {
    return oauth
        ? Map.of("REPORTING_PROFILE", profile.name(), "REPORTING_ENDPOINT", endpoint(), "REPORTING_AUTH", "oauth2",
            "REPORTING_TOKEN_URL", tokenUrl(), "REPORTING_CLIENT_ID", CLIENT_ID, "REPORTING_CLIENT_SECRET", CLIENT_SECRET)
        : Map.of("REPORTING_PROFILE", profile.name(), "REPORTING_ENDPOINT", endpoint(), "REPORTING_AUTH", "hmac",
            "REPORTING_APP_KEY", APP_KEY, "REPORTING_APP_SECRET", APP_SECRET);
  }

  /** Answers {@code status} (with Retry-After when given) to the next {@code times} requests (negative: until cleared). */
  public FakePlatform failNext(int times, int status, Integer retryAfterSeconds) {
    rules.add(new Rule(k -> true, status, null, null, retryAfterSeconds, false, new AtomicInteger(times)));
    return this;
  }

  /** Rejects the records whose key contains {@code keyPart} with a business error, until cleared. */
  public FakePlatform reject(String keyPart, String code, String message) {
    rules.add(new Rule(k -> k.contains(keyPart), 200, code, message, null, false, new AtomicInteger(-1)));
    return this;
  }

  /** Never answers the next {@code times} requests. */
  public FakePlatform hang(int times) {
    rules.add(new Rule(k -> true, 0, null, null, null, true, new AtomicInteger(times)));
    return this;
  }

  /** Takes this long over every request, as a busy platform does: more records are in flight at once. */
  public FakePlatform delay(long millis) {
    delayMillis = millis;
    return this;
  }

  /** Back to accepting everything valid. */
  public FakePlatform clear() {
    rules.clear();
    return this;
  }

  public List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  /** Requests for a key already accepted: resends a crash or a lost answer caused. */
  public int resends() {
    return resends.get();
  }

  public int requests() {
    return requests.get();
  }

  /** The most records one batch request carried. */
  public int largestBatch() {
    return largestBatch.get();
  }

  public int tokensIssued() {
    return tokensIssued.get();
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }

  private void handle(HttpServerRequest req, Buffer body) {
    requests.incrementAndGet();
    String path = req.path();
    if (path.equals("/oauth/token")) {
      issueToken(req, body);
      return;
    }
    if (!path.startsWith("/platform/") || !req.method().name().equals("POST")) {
      req.response().setStatusCode(404).end();
      return;
    }
    String auth = req.getHeader("Authorization");
    if (oauth && auth != null && revoked.contains(auth.substring("Bearer ".length()))) {
      req.response().setStatusCode(401).end("the token was revoked");
      return;
    }
    String problem = authProblem(req, body);
    if (problem != null) {
      violation(problem);
      req.response().setStatusCode(problem.startsWith("token") ? 401 : 400).end(problem);
      return;
    }
    Profile.Transport t = profile.transport();
    if (t.batches() && path.equals("/platform" + t.batchPath())) {
      JsonArray results = new JsonArray();
      Rule hang = null;
      JsonArray records = new JsonObject(body.toString(t.charset())).getJsonArray("records");
      largestBatch.accumulateAndGet(records.size(), Math::max);
      for (Object o : records) {
        JsonObject r = (JsonObject) o;
        Rule rule = ruleFor(r.getString("key"));
        if (rule != null && (rule.hang() || rule.status() != 200)) {
          hang = rule;
          break;
        }
        results.add(accept(r.getString("type"), r.getString("key"), r.getJsonObject("body"), rule)
            .put(t.answer().key(), r.getString("key")));
      }
      if (hang != null) {
        answerStatus(req, hang);
        return;
      }
      req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put(t.answer().code(), first(t.answer().success()))
              .put(t.answer().results(), results).encode());
      return;
    }
    String type = path.substring("/platform/".length());
    String key = req.getHeader("Idempotency-Key");
    if (key == null || key.isBlank()) {
      violation("a record without an Idempotency-Key");
      req.response().setStatusCode(400).end();
      return;
    }
    Rule rule = ruleFor(key);
    if (rule != null && (rule.hang() || rule.status() != 200)) {
      answerStatus(req, rule);
      return;
    }
    JsonObject record = t.format().equals("form") ? form(body.toString(t.charset()), t.charset()) : new JsonObject(body.toString(t.charset()));
    req.response().putHeader("Content-Type", "application/json; charset=" + t.charset().name())
        .end(Buffer.buffer(accept(type, key, record, rule).encode().getBytes(t.charset())));
  }

  private Rule ruleFor(String key) {
    for (Rule r : rules) {
      if (r.keys().test(key) && r.take()) {
        return r;
      }
    }
    return null;
  }

  private void answerStatus(HttpServerRequest req, Rule rule) {
    if (rule.hang()) {
      return; // the connection stays open, unanswered
    }
    if (rule.retryAfter() != null) {
      req.response().putHeader("Retry-After", String.valueOf(rule.retryAfter()));
    }
    req.response().setStatusCode(rule.status()).end("the fake platform answers " + rule.status());
  }

  /** Validates and accepts one record, or rejects it by its rule; answers in the profile's terms. */
  private synchronized JsonObject accept(String type, String key, JsonObject body, Rule rule) {
    Profile.Answer a = profile.transport().answer();
    List<String> kinds = profile.kindsOf(type);
    String schemaProblem = kinds.isEmpty() ? "no record type " + type : schemaProblem(kinds, body);
    if (schemaProblem != null) {
      violation(type + " " + key + ": " + schemaProblem);
      return new JsonObject().put(a.code(), "invalid").put(a.message(), schemaProblem);
    }
    if (rule != null) {
      return new JsonObject().put(a.code(), rule.code()).put(a.message(), rule.message());
    }
    Accepted before = byKey.get(key);
    if (before != null) {
      resends.incrementAndGet();
      return new JsonObject().put(a.code(), first(a.duplicate())).put(a.message(), "already received")
          .put(a.receipt(), "R" + before.sequence());
    }
    Accepted now = new Accepted(sequence.incrementAndGet(), type, key, body);
    byKey.put(key, now);
    accepted.add(now);
    return new JsonObject().put(a.code(), first(a.success())).put(a.message(), "ok").put(a.receipt(), "R" + now.sequence());
  }

  private String schemaProblem(List<String> kinds, JsonObject body) {
    List<String> errors = new ArrayList<>();
    for (String kind : kinds) {
      OutputUnit out = schemas.validator(JsonSchema.of(new JsonObject().put("$ref",
          "https://zhangban.gov.cn/reporting/" + profile.name() + ".schema.json#/$defs/" + kind)))
          .validate(typed(kind, body));
      if (out.getValid()) {
        return null;
      }
      errors.add(kind + ": " + out.getErrors());
    }
    return String.join("; ", errors);
  }

  /** A form carries strings: the schema's integer fields read back as integers. */
  private JsonObject typed(String kind, JsonObject body) {
    if (!profile.transport().format().equals("form")) {
      return body;
    }
    JsonObject properties = schemaJson(profile).getJsonObject("$defs").getJsonObject(kind).getJsonObject("properties");
    JsonObject typed = body.copy();
    body.forEach(f -> {
      JsonObject p = properties.getJsonObject(f.getKey());
      if (p != null && "integer".equals(p.getString("type")) && String.valueOf(f.getValue()).matches("-?[0-9]{1,9}")) {
        typed.put(f.getKey(), Integer.parseInt(String.valueOf(f.getValue())));
      }
    });
    return typed;
  }

  private String authProblem(HttpServerRequest req, Buffer body) {
    if (oauth) {
      String auth = req.getHeader("Authorization");
      return auth != null && auth.startsWith("Bearer ") && tokens.contains(auth.substring(7)) ? null
          : "token missing or not issued here";
    }
    String appKey = req.getHeader("X-App-Key");
    String timestamp = req.getHeader("X-Timestamp");
    String nonce = req.getHeader("X-Nonce");
    String signature = req.getHeader("X-Signature");
    if (!APP_KEY.equals(appKey) || timestamp == null || nonce == null || signature == null) {
      return "a request without the app key, timestamp, nonce and signature";
    }
    if (!nonces.add(nonce)) {
      return "a nonce used twice";
    }
    long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp));
    if (age > 300) {
      return "a timestamp " + age + " s away";
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((appKey + "\n" + timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
      byte[] expected = mac.doFinal(body.getBytes());
      return MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature)) ? null : "a wrong signature";
    } catch (Exception e) {
      return "an unreadable signature: " + e;
    }
  }

  private void issueToken(HttpServerRequest req, Buffer body) {
    String basic = req.getHeader("Authorization");
    String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
        .getBytes(StandardCharsets.UTF_8));
    JsonObject form = form(body.toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    boolean byBasic = expected.equals(basic);
    boolean byForm = CLIENT_ID.equals(form.getString("client_id")) && CLIENT_SECRET.equals(form.getString("client_secret"));
    if (!"client_credentials".equals(form.getString("grant_type")) || !(byBasic || byForm)) {
      req.response().setStatusCode(401).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", "invalid_client").encode());
      return;
    }
    String token = "token-" + tokensIssued.incrementAndGet();
    tokens.add(token);
    req.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("access_token", token).put("token_type", "Bearer").put("expires_in", 3600).encode());
  }

  /** Forgets the tokens issued so far: the next request with one is answered 401. */
  public void revokeTokens() {
    revoked.addAll(tokens);
    tokens.clear();
  }

  private void violation(String what) {
    violations.add(what);
  }

  private static JsonObject form(String body, Charset charset) {
    JsonObject o = new JsonObject();
    new QueryStringDecoder(body, charset, false).parameters().forEach((k, v) -> o.put(k, v.get(0)));
    return o;
  }

  private static String first(Set<String> codes) {
    return codes.stream().sorted().findFirst().orElseThrow();
  }

  private static JsonObject schemaJson(Profile profile) {
    try (InputStream in = Profile.class.getResourceAsStream(profile.schemaResource())) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SchemaRepository schemas(Profile profile) {
    JsonObject schema = schemaJson(profile);
    return SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
            .setOutputFormat(OutputFormat.Basic).setBaseUri("https://zhangban.gov.cn/"))
        .dereference(schema.getString("$id"), JsonSchema.of(schema));
  }

  /** Stops the platform; fails when a request broke its rules. */
  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort
    }
    if (!violations.isEmpty()) {
      throw new AssertionError("Requests the platform refused: " + violations);
    }
  }
}
