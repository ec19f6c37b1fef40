package zhangban.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures leave the server: every error is RFC 9457 {@code application/problem+json}.
 * Unexpected exceptions are logged with a reference and answered 500 without internals.
 */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  public static final String CONTENT_TYPE = "application/problem+json";
  /** Where problem types live; {@code GET /problems/{type}} explains each on this server too. */
  public static final String TYPE_BASE = "https://zhangban.gov.cn/problems/";

  private Problems() {}

  /** Failure handler for the whole router. */
  public static void handle(RoutingContext rc) {
    if (rc.response().headWritten()) {
      rc.response().reset();
      return;
    }
    ApiException problem = toProblem(rc);
    send(rc, problem);
  }

  public static void send(RoutingContext rc, ApiException p) {
    send(rc.request(), p);
  }

  /** Also for a request the router never saw (one the HTTP layer could not parse). */
  public static void send(io.vertx.core.http.HttpServerRequest request, ApiException p) {
    JsonObject body = new JsonObject()
        .put("type", p.type().uri())
        .put("title", p.title())
        .put("status", p.status());
    if (p.getMessage() != null) {
      body.put("detail", p.getMessage());
    }
    if (request.path() != null && request.decoderResult().isSuccess()) {
      body.put("instance", request.path());
    }
    p.extra().forEach(e -> body.put(e.getKey(), e.getValue()));
    HttpServerResponse response = request.response()
        .setStatusCode(p.status())
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store");
    if (p.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"zhangban\"");
    }
    if (p.extra().getValue("retryAfterSeconds") instanceof Number seconds) {
      response.putHeader("Retry-After", String.valueOf(seconds.longValue()));
    }
    response.end(body.encode());
  }

  static ApiException toProblem(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof HttpException http) {
      Throwable cause = http.getCause();
      if (cause instanceof ValidatorException validation) {
        return fromValidation(validation);
      }
      if (http.getStatusCode() == 401) {
        String detail = cause != null && cause.getMessage() != null ? cause.getMessage() : "A valid bearer token is required.";
        return new ApiException(ProblemType.UNAUTHORIZED, detail, null);
      }
      if (http.getStatusCode() == 500 && cause != null) {
        return unexpected(rc, cause); // a failure a stock handler carried (the bearer handler's scope lookup)
      }
      return byStatus(http.getStatusCode(), http.getPayload() != null ? http.getPayload() : null);
    }
    if (failure instanceof ValidatorException validation) {
      return fromValidation(validation);
    }
    if (failure == null) {
      return byStatus(rc.statusCode(), null);
    }
    return unexpected(rc, failure);
  }

  /** A failure no handler turned into a problem: bad JSON, the database gone, or a fault of ours (logged). */
  private static ApiException unexpected(RoutingContext rc, Throwable failure) {
    if (failure instanceof io.vertx.core.json.DecodeException || failure instanceof IllegalArgumentException) {
      return ApiException.badRequest(failure.getMessage());
    }
    if (databaseUnavailable(failure)) {
      // a restart or failover of PostgreSQL: the client may try again (an idempotency key makes that safe)
      RequestIds.withId(rc, () -> LOG.warn("Database unavailable on {} {}: {}", rc.request().method(),
          rc.request().path(), failure.toString()));
      return new ApiException(ProblemType.UNAVAILABLE,
          "The database did not answer; try again shortly (with the same Idempotency-Key where the operation takes one).", new JsonObject().put("retryAfterSeconds", 1));
    }
    String reference = RequestIds.of(rc);
    RequestIds.withId(rc, () -> LOG.error("Unhandled failure on {} {} (request {})",
        rc.request().method(), rc.request().path(), reference, failure));
    return new ApiException(ProblemType.INTERNAL, "Something failed on our side; reference " + reference + ".", null);
  }

  /**
   * The connection to PostgreSQL was refused, lost or timed out, or the server is shutting down or
   * starting (SQLSTATE class 08 and 57P): the request failed before or without committing.
   */
  static boolean databaseUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof io.vertx.sqlclient.ClosedConnectionException || t instanceof java.net.ConnectException
          || t instanceof io.netty.channel.ConnectTimeoutException
          // the connection reset under a running statement (recvAddress(..) failed: Connection reset by peer)
          || t instanceof io.netty.channel.unix.Errors.NativeIoException
          || t instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
      // a pooled connection found closed when the statement was about to go out
      if (t instanceof io.vertx.core.VertxException && t.getMessage() != null
          && t.getMessage().startsWith("Connection is not active now")) {
        return true;
      }
      if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  public static ApiException byStatus(int status, String detail) {
    return switch (status) {
      case 400 -> ApiException.badRequest(detail == null ? "The request is malformed." : detail);
      case 401 -> new ApiException(ProblemType.UNAUTHORIZED, detail == null ? "A valid bearer token is required." : detail, null);
      case 403 -> ApiException.forbidden(detail == null ? "Not allowed." : detail);
      case 404 -> ApiException.notFound(detail == null ? "No such resource." : detail);
      case 405 -> new ApiException(ProblemType.METHOD_NOT_ALLOWED, detail == null ? "This resource does not take that method." : detail, null);
      case 413 -> ApiException.tooLarge(detail == null ? "The request body is larger than allowed." : detail);
      case 415 -> ApiException.unsupportedMediaType(detail == null ? "The content type is not supported here." : detail);
      case 503 -> new ApiException(ProblemType.UNAVAILABLE, detail == null ? "Try again shortly." : detail, null);
      case -1, 500 -> new ApiException(ProblemType.INTERNAL, "Something failed on our side.", null);
      default -> ApiException.httpError(status, detail);
    };
  }

  static ApiException fromValidation(ValidatorException e) {
    if (e.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT && e.getMessage() != null
        && e.getMessage().contains("body is not supported")) {
      return ApiException.unsupportedMediaType("The request body's content type is not one this operation takes.");
    }
    JsonArray errors = new JsonArray();
    int total = 0;
    if (e instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      String prefix = pointerPrefix(schema);
      total = collect(schema.getOutputUnit(), prefix, errors);
    }
    String detail = e.getMessage();
    if (errors.isEmpty()) {
      errors.add(ApiException.fieldError(pointerFromMessage(e.getMessage()), e.getMessage()));
    } else {
      // the validator's own summary may name a wrapping subschema ("does not match additional
      // properties schema" for a declared property); the field errors are the accurate account
      StringBuilder sb = new StringBuilder();
      errors.forEach(err -> sb.append(sb.length() == 0 ? "" : "; ").append(((JsonObject) err).getString("pointer"))
          .append(": ").append(((JsonObject) err).getString("message")));
      if (total > errors.size()) {
        sb.append("; and ").append(total - errors.size()).append(" more");
      }
      detail = sb.toString();
    }
    JsonObject extra = new JsonObject().put("errors", errors);
    if (total > errors.size()) {
      extra.put("omittedErrors", total - errors.size());
    }
    return new ApiException(ProblemType.VALIDATION, detail, extra);
  }

  private static String pointerPrefix(SchemaValidationException e) {
    String msg = e.getMessage() == null ? "" : e.getMessage();
    // "The value of the request body is invalid" or "The value of query parameter limit is invalid"
    java.util.regex.Matcher m = PARAMETER_IN_SUMMARY.matcher(msg);
    if (m.find()) {
      return "/" + m.group(1) + "/" + m.group(2);
    }
    return "";
  }

  private static String pointerFromMessage(String msg) {
    if (msg == null) {
      return "";
    }
    java.util.regex.Matcher m = PARAMETER_IN_MESSAGE.matcher(msg);
    return m.find() ? "/" + m.group(1) + "/" + m.group(2) : "";
  }

  private static final java.util.regex.Pattern PARAMETER_IN_SUMMARY =
      java.util.regex.Pattern.compile("of (\\w+) parameter ([^ ]+) is");
  private static final java.util.regex.Pattern PARAMETER_IN_MESSAGE =
      java.util.regex.Pattern.compile("(query|path|header|cookie) parameter ([^ .]+)");
  private static final java.util.regex.Pattern REQUIRED =
      java.util.regex.Pattern.compile("does not have required property \"([^\"]+)\"");

  /** At most this many field errors are listed; the count of the rest is given as {@code omittedErrors}. */
  public static final int MAX_FIELD_ERRORS = 50;

  /**
   * One entry per field: the validator reports a failing leaf together with the subschemas that
   * failed because of it ("A subschema had errors", "does not match schema"); the most specific
   * (deepest keyword location) says what is wrong. A missing required property is reported on its
   * parent object; it is named by its own pointer. Linear in the number of failures: a body of
   * thousands of unknown properties is answered with the first {@link #MAX_FIELD_ERRORS} and a count.
   */
  private static int collect(OutputUnit unit, String prefix, JsonArray out) {
    java.util.Map<String, OutputUnit> byPointer = new java.util.LinkedHashMap<>();
    leaves(unit, prefix, byPointer);
    // "Items did not match schema" on /holidays because of /holidays/0: the inner one says why
    java.util.Set<String> explainedBelow = new java.util.HashSet<>();
    for (String pointer : byPointer.keySet()) {
      for (int slash = pointer.lastIndexOf('/'); slash >= 0; slash = slash == 0 ? -1 : pointer.lastIndexOf('/', slash - 1)) {
        if (!explainedBelow.add(pointer.substring(0, slash))) {
          break; // its ancestors are in the set already
        }
      }
    }
    int total = 0;
    for (var e : byPointer.entrySet()) {
      if (!explainedBelow.contains(e.getKey())) {
        if (total < MAX_FIELD_ERRORS) {
          out.add(ApiException.fieldError(e.getKey().isEmpty() ? "/" : e.getKey(), e.getValue().getError()));
        }
        total++;
      }
    }
    return total;
  }

  private static void leaves(OutputUnit unit, String prefix, java.util.Map<String, OutputUnit> out) {
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      for (OutputUnit child : unit.getErrors()) {
        leaves(child, prefix, out);
      }
      return;
    }
    if (unit.getError() == null) {
      return;
    }
    String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
    if (location.startsWith("#")) {
      location = location.substring(1);
    }
    java.util.regex.Matcher required = REQUIRED.matcher(unit.getError());
    if (required.find()) {
      location = location + "/" + required.group(1).replace("~", "~0").replace("/", "~1");
    }
    String pointer = prefix + location;
    OutputUnit seen = out.get(pointer);
    if (seen == null || depth(unit) > depth(seen)) {
      out.put(pointer, unit);
    }
  }

  private static int depth(OutputUnit unit) {
    String k = unit.getKeywordLocation();
    return k == null ? 0 : k.split("/").length;
  }
}
