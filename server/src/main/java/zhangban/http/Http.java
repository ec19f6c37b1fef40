package zhangban.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** Small helpers every feature's handlers share: the caller, validated parameters, JSON replies. */
public final class Http {

  private Http() {}

  /** Runs {@code action}, answering its JSON with {@code status}, or routing its failure to {@link Problems}. */
  public static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<JsonObject>> action) {
    return rc -> {
      Future<JsonObject> f;
      try {
        f = action.apply(rc);
      } catch (RuntimeException e) {
        rc.fail(e);
        return;
      }
      f.onSuccess(body -> send(rc, status, body)).onFailure(rc::fail);
    };
  }

  public static void send(RoutingContext rc, int status, JsonObject body) {
    if (rc.response().ended()) {
      return;
    }
    rc.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  public static ValidatedRequest validated(RoutingContext rc) {
    return rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  public static JsonObject body(RoutingContext rc) {
    ValidatedRequest v = validated(rc);
    if (v == null || v.getBody() == null || v.getBody().isNull()) {
      return new JsonObject();
    }
    return v.getBody().getJsonObject();
  }

  public static String path(RoutingContext rc, String name) {
    ValidatedRequest v = validated(rc);
    if (v != null && v.getPathParameters().containsKey(name)) {
      return String.valueOf(v.getPathParameters().get(name).get());
    }
    return rc.pathParam(name);
  }

  /** A path parameter that must be a UUID; anything else is a 400 naming it. */
  public static UUID pathUuid(RoutingContext rc, String name) {
    try {
      return UUID.fromString(path(rc, name));
    } catch (RuntimeException e) {
      throw ApiException.invalid("/path/" + name, "Must be a UUID.");
    }
  }

  /** A date-time field of a body ({@code pointer}), which the domain refuses with a 422 unless it is RFC 3339. */
  public static Instant instant(String text, String pointer) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (RuntimeException e) {
      throw ApiException.unprocessable("Not a date-time.", new JsonArray().add(ApiException.fieldError(pointer,
          "An RFC 3339 date-time.")));
    }
  }

  public static int pathInt(RoutingContext rc, String name) {
    return validated(rc).getPathParameters().get(name).getInteger();
  }

  public static Optional<String> query(RoutingContext rc, String name) {
    RequestParameter p = validated(rc).getQuery().get(name);
    return p == null || p.isNull() ? Optional.empty() : Optional.of(String.valueOf(p.get()));
  }

  public static Optional<Integer> queryInt(RoutingContext rc, String name) {
    RequestParameter p = validated(rc).getQuery().get(name);
    return p == null || p.isNull() ? Optional.empty() : Optional.of(p.getInteger());
  }

  public static Optional<String> header(RoutingContext rc, String name) {
    ValidatedRequest v = validated(rc);
    if (v != null) {
      for (var e : v.getHeaders().entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isNull()) {
          return Optional.of(String.valueOf(e.getValue().get()));
        }
      }
    }
    return Optional.ofNullable(rc.request().getHeader(name));
  }
}
