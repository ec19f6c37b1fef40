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
    return json(status, PRIVATE, action);
  }

  private static Handler<RoutingContext> json(int status, String cacheControl,
                                              Function<RoutingContext, Future<JsonObject>> action) {
    return rc -> {
      Future<JsonObject> f;
      try {
        f = action.apply(rc);
      } catch (RuntimeException e) {
        rc.fail(e);
        return;
      }
      f.onSuccess(body -> send(rc, status, cacheControl, body)).onFailure(rc::fail);
    };
  }

  /** How long shared caches may keep the public catalog and calendar: an admin's change shows within it. */
  public static final int PUBLIC_MAX_AGE_SECONDS = 300;
  private static final String PUBLIC = "public, max-age=" + PUBLIC_MAX_AGE_SECONDS;
  private static final String PRIVATE = "private, no-store";

  /**
   * Like {@link #json}, for what anyone may read and caches may share (the catalog, the calendar):
   * {@code Cache-Control: public, max-age=}{@value #PUBLIC_MAX_AGE_SECONDS}. Everything else is
   * {@code private, no-store}.
   */
  public static Handler<RoutingContext> publicJson(Function<RoutingContext, Future<JsonObject>> action) {
    return json(200, PUBLIC, action);
  }

  /** Answers {@code body}, not to be kept by any cache. */
  public static void send(RoutingContext rc, int status, JsonObject body) {
    send(rc, status, PRIVATE, body);
  }

  private static void send(RoutingContext rc, int status, String cacheControl, JsonObject body) {
    send(rc, status, cacheControl, Rendered.of(body));
  }

  /** A body serialised once, with its entity tag, to answer any number of requests with. */
  public record Rendered(io.vertx.core.buffer.Buffer bytes, String etag) {
    public static Rendered of(JsonObject body) {
      io.vertx.core.buffer.Buffer bytes = body.toBuffer();
      return new Rendered(bytes, Http.etag(bytes));
    }
  }

  /**
   * The client, as per-client limits count it: its address — with {@code trustForwarded} (behind a
   * proxy that sets X-Forwarded-For, as the Ingress does) the last address the header names, the
   * one that proxy saw, since a client may put any others in front; otherwise the peer's — and for
   * an IPv6 address its /64, which one subscriber holds whole.
   */
  public static String clientAddress(RoutingContext rc, boolean trustForwarded) {
    String forwarded = trustForwarded ? rc.request().getHeader("X-Forwarded-For") : null;
    String address;
    if (forwarded != null && !forwarded.isBlank()) {
      String[] hops = forwarded.split(",");
      address = hops[hops.length - 1].strip();
    } else {
      address = rc.request().remoteAddress() == null ? "" : rc.request().remoteAddress().host();
    }
    return address.contains(":") ? ipv6Network(address) : address;
  }

  /**
   * The /64 of an IPv6 literal (the address itself when it is not one, or is an IPv4 client's
   * mapped address). Parsed, never resolved: what a header names must not become a DNS lookup on
   * the event loop ({@code InetAddress.getByName} looks up anything not shaped as an address).
   */
  static String ipv6Network(String address) {
    String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
        : address;
    byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(literal);
    if (bytes == null || bytes.length != 16 || isIpv4Mapped(bytes)) {
      return address;
    }
    return java.util.HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  /** Answers a body anyone may read and caches may share for {@code maxAgeSeconds}, or 304. */
  public static void sendPublic(RoutingContext rc, Rendered body, int maxAgeSeconds) {
    send(rc, 200, "public, max-age=" + maxAgeSeconds, body);
  }

  /**
   * Answers {@code body}. A 200 to a GET carries a strong {@code ETag} (a digest of the body, not
   * the resource's {@code version}, which If-Match takes), and is answered 304 with no body when
   * {@code If-None-Match} names it: the client's copy is current.
   */
  private static void send(RoutingContext rc, int status, String cacheControl, Rendered body) {
    if (rc.response().ended()) {
      return;
    }
    rc.response().putHeader("Cache-Control", cacheControl);
    if (status == 200 && rc.request().method() == io.vertx.core.http.HttpMethod.GET) {
      rc.response().putHeader("ETag", body.etag());
      if (matches(rc.request().getHeader("If-None-Match"), body.etag())) {
        rc.response().setStatusCode(304).end();
        return;
      }
    }
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.bytes());
  }

  /**
   * The version an action expects the resource to have, from {@code If-Match} ({@code "7"},
   * {@code W/"7"} or {@code 7}, the resource's {@code version}); empty when absent or {@code *}.
   * The contract's pattern has refused any other shape.
   */
  public static Optional<Integer> ifMatch(RoutingContext rc) {
    return header(rc, "If-Match").map(v -> v.replace("W/", "").replace("\"", "").strip())
        .filter(v -> !v.equals("*")).map(Integer::valueOf);
  }

  /** Refuses an action whose If-Match names another version than {@code current}: 412 with currentVersion. */
  public static void checkVersion(Optional<Integer> ifMatch, int current) {
    if (ifMatch.isPresent() && ifMatch.get() != current) {
      throw new ApiException(ProblemType.VERSION_CHANGED, "The resource is at version " + current + ", not "
          + ifMatch.get() + ".", new JsonObject().put("currentVersion", current));
    }
  }

  /** A strong entity tag of {@code bytes}: the first 128 bits of their SHA-256, base64url. */
  static String etag(io.vertx.core.buffer.Buffer bytes) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(bytes.getBytes());
      return "\"" + java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(digest, 16)) + "\"";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether an If-None-Match list ({@code *}, or tags, weak ones too, RFC 9110 §13.1.2) names {@code etag}. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
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
