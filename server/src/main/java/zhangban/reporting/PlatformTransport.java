package zhangban.reporting;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import zhangban.outbox.Outcome;
import zhangban.outbox.RetryAfter;
import zhangban.outbox.Sender;

/**
 * Sends records to the platform over HTTP(S) in the profile's shape: one record a request, its key
 * as the {@code Idempotency-Key} (a platform that dedupes recognises a resend after a crash), or a
 * batch of records a request where the profile says the platform takes them, each with its key.
 *
 * <p>What the answer means: accepted or already accepted (a code the profile lists) is sent; any
 * other code in a 2xx answer, or a 4xx other than 401, 403, 408 and 429, rejects the record (a
 * dead letter with the platform's reason, the other applications' records unaffected); 401, 403,
 * 408, 429, 5xx, time-outs and unreachable platforms are tried again (after Retry-After when given).
 */
final class PlatformTransport implements Sender<ReportQueue.Job> {
  /** The longest reason kept from a platform's answer. */
  private static final int REASON_CHARS = 500;

  private final Profile profile;
  private final Profile.Transport transport;
  private final URI endpoint;
  private final PlatformAuth auth;
  private final WebClient client;
  private final long timeoutMillis;
  private final Clock clock;

  PlatformTransport(Vertx vertx, Profile profile, URI endpoint, PlatformAuth auth, long timeoutMillis, Clock clock) {
    this.clock = clock;
    this.profile = profile;
    this.transport = profile.transport();
    // the profile's paths start with '/': a base URL given with a trailing one must not double it
    this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
    this.auth = auth;
    this.timeoutMillis = timeoutMillis;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) timeoutMillis)
        .setIdleTimeout((int) Math.max(1, timeoutMillis / 1000))
        .setKeepAlive(true)
        .setUserAgent("Zhangban platform reporting"), new PoolOptions().setHttp1MaxSize(32));
  }

  @Override
  public String describe() {
    return endpoint + " (profile " + profile.name() + ", " + auth.describe() + ")";
  }

  @Override
  public List<Future<Outcome>> send(List<ReportQueue.Job> jobs) {
    List<Future<Outcome>> outcomes = new ArrayList<>(jobs.size());
    if (!transport.batches()) {
      jobs.forEach(job -> outcomes.add(sendOne(job)));
      return outcomes;
    }
    for (int from = 0; from < jobs.size(); from += transport.batchSize()) {
      outcomes.addAll(sendBatch(jobs.subList(from, Math.min(jobs.size(), from + transport.batchSize()))));
    }
    return outcomes;
  }

  private Future<Outcome> sendOne(ReportQueue.Job job) {
    Profile.Rendered r;
    try {
      r = profile.render(job.toRecord());
    } catch (RuntimeException e) {
      return Future.succeededFuture(new Outcome.Rejected("unrenderable", String.valueOf(e.getMessage())));
    }
    Buffer body = encode(r.body());
    String path = transport.path().replace("{type}", URLEncoder.encode(r.type(), transport.charset()));
    return post(path, body, MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", r.key()).add("X-Record-Type", r.type()))
        .map(response -> outcomeOf(response, r.key()))
        .recover(err -> Future.succeededFuture(unreachable(err)));
  }

  /** One request for the batch; each record's outcome read from the platform's results by its key. */
  private List<Future<Outcome>> sendBatch(List<ReportQueue.Job> jobs) {
    List<Promise<Outcome>> outcomes = new ArrayList<>();
    Map<String, Promise<Outcome>> byKey = new HashMap<>();
    JsonArray records = new JsonArray();
    for (ReportQueue.Job job : jobs) {
      Promise<Outcome> p = Promise.promise();
      outcomes.add(p);
      try {
        Profile.Rendered r = profile.render(job.toRecord());
        records.add(new JsonObject().put("type", r.type()).put("key", r.key()).put("body", r.body()));
        byKey.put(r.key(), p);
      } catch (RuntimeException e) {
        p.complete(new Outcome.Rejected("unrenderable", String.valueOf(e.getMessage())));
      }
    }
    if (!byKey.isEmpty()) {
      Buffer body = Buffer.buffer(new JsonObject().put("records", records).encode().getBytes(transport.charset()));
      post(transport.batchPath(), body, MultiMap.caseInsensitiveMultiMap()).onComplete(ar -> {
        if (ar.failed()) {
          byKey.values().forEach(p -> p.tryComplete(unreachable(ar.cause())));
          return;
        }
        HttpResponse<Buffer> response = ar.result();
        Optional<Outcome> whole = statusOutcome(response);
        if (whole.isPresent()) {
          byKey.values().forEach(p -> p.tryComplete(whole.get()));
          return;
        }
        JsonArray results = answer(response).map(a -> a.getJsonArray(transport.answer().results())).orElse(null);
        if (results != null) {
          for (Object o : results) {
            if (o instanceof JsonObject result) {
              Promise<Outcome> p = byKey.get(result.getString(transport.answer().key()));
              if (p != null) {
                p.tryComplete(codeOutcome(result, result.getString(transport.answer().key())));
              }
            }
          }
        }
        byKey.values().forEach(p -> p.tryComplete(new Outcome.Retry("no-result", Optional.empty(),
            "the platform's answer to the batch names no result for this record")));
      });
    }
    return outcomes.stream().map(Promise::future).toList();
  }

  private Future<HttpResponse<Buffer>> post(String path, Buffer body, MultiMap headers) {
    String contentType = transport.format().equals("form")
        ? "application/x-www-form-urlencoded; charset=" + transport.charset().name()
        : "application/json; charset=" + transport.charset().name();
    return auth.headers(body).compose(signature -> client.postAbs(endpoint + path)
        .timeout(timeoutMillis)
        .putHeaders(headers)
        .putHeaders(signature)
        .putHeader("Content-Type", contentType)
        .sendBuffer(body));
  }

  /** The body's bytes: JSON, or form fields in the profile's order; in the profile's charset. */
  private Buffer encode(JsonObject body) {
    if (transport.format().equals("form")) {
      String form = body.stream()
          .map(f -> URLEncoder.encode(f.getKey(), transport.charset()) + "="
              + URLEncoder.encode(String.valueOf(f.getValue()), transport.charset()))
          .collect(Collectors.joining("&"));
      return Buffer.buffer(form.getBytes(transport.charset()));
    }
    return Buffer.buffer(body.encode().getBytes(transport.charset()));
  }

  private Outcome outcomeOf(HttpResponse<Buffer> response, String key) {
    return statusOutcome(response).orElseGet(() -> answer(response)
        .map(a -> codeOutcome(a, key))
        .orElse(new Outcome.Retry("unreadable-answer", Optional.empty(),
            "HTTP " + response.statusCode() + " with a body that is not a JSON object: " + excerpt(response))));
  }

  /** What the HTTP status alone decides; empty for a 2xx, whose body says more. */
  private Optional<Outcome> statusOutcome(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return Optional.empty();
    }
    String detail = "HTTP " + status + ": " + excerpt(response);
    if (status == 401) {
      auth.rejected();
    }
    if (status == 401 || status == 403 || status == 408 || status == 429 || status >= 500) {
      return Optional.of(new Outcome.Retry("http-" + status, RetryAfter.parse(response.getHeader("Retry-After"), clock.instant()), detail));
    }
    return Optional.of(new Outcome.Rejected("http-" + status, detail));
  }

  private Outcome codeOutcome(JsonObject answer, String key) {
    Profile.Answer a = transport.answer();
    String code = String.valueOf(answer.getValue(a.code()));
    Object receipt = a.receipt() == null ? null : answer.getValue(a.receipt());
    if (a.success().contains(code) || a.duplicate().contains(code)) {
      return new Outcome.Sent(receipt == null ? key : String.valueOf(receipt));
    }
    String message = a.message() == null ? null : answer.getString(a.message());
    return new Outcome.Rejected("platform-" + code, truncate(message == null ? answer.encode() : message));
  }

  private Optional<JsonObject> answer(HttpResponse<Buffer> response) {
    try {
      return Optional.of(new JsonObject(response.bodyAsString(transport.charset().name())));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private String excerpt(HttpResponse<Buffer> response) {
    return truncate(response.body() == null ? "" : response.bodyAsString(transport.charset().name()));
  }

  private static String truncate(String s) {
    return s.length() <= REASON_CHARS ? s : s.substring(0, REASON_CHARS) + "…";
  }

  private static Outcome unreachable(Throwable err) {
    String name = err.getClass().getSimpleName();
    String code = name.contains("Timeout") || String.valueOf(err.getMessage()).contains("timeout") ? "timeout" : "unreachable";
    return new Outcome.Retry(code, Optional.empty(), truncate(String.valueOf(err)));
  }

  void close() {
    client.close();
  }
}
