package zhangban.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.util.Optional;
import java.util.function.Function;
import zhangban.identity.Principal;

/** Small helpers every feature's handlers share: the caller, validated parameters, JSON replies. */
public final class Http {
  private static final String PRINCIPAL_KEY = "zhangban.principal";

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

  /** The authenticated caller; the contract's security requirement guarantees one on protected operations. */
  public static Principal principal(RoutingContext rc) {
    return optionalPrincipal(rc).orElseThrow(() -> new ApiException(401, "unauthorized", "Unauthorized",
        "A valid bearer token is required.", null));
  }

  public static Optional<Principal> optionalPrincipal(RoutingContext rc) {
    Principal cached = rc.get(PRINCIPAL_KEY);
    if (cached != null) {
      return Optional.of(cached);
    }
    User user = rc.user();
    if (user == null || user.attributes() == null || user.attributes().getJsonObject("claims") == null) {
      return Optional.empty();
    }
    Principal p = Principal.fromClaims(user.attributes().getJsonObject("claims"));
    rc.put(PRINCIPAL_KEY, p);
    return Optional.of(p);
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
