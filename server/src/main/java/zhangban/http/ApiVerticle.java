package zhangban.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.InputTrustHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.ValidatorException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import zhangban.config.Config;
import zhangban.identity.BearerAuth;
import zhangban.identity.BearerTokenHandler;

/**
 * The HTTP front: a router built from the contract, with authentication, validation and one error
 * format. One instance per event loop; they share the pool and the services.
 */
public final class ApiVerticle extends VerticleBase {
  /** How long a refused request's body is read and dropped before its connection is closed. */
  private static final long LINGER_MILLIS = 5000;
  /** An escaped NUL or surrogate in JSON text: the only ways to write what cannot be stored. */
  private static final Pattern SUSPECT_ESCAPE = Pattern.compile("\\\\u(0000|[dD][89a-fA-F])");
  private static final String UNSTORABLE = "Text may not contain the NUL character or unpaired surrogates.";

  private final Config config;
  private final OpenAPIContract contract;
  private final BearerAuth auth;
  private final List<Consumer<RouterBuilder>> features;
  private final Consumer<Router> pages;
  private final BooleanSupplier started;
  private HttpServer server;

  /**
   * {@code features} bind the contract's operations; {@code pages} mount what is not an API
   * operation (the dashboard, the docs) on the router the contract built.
   */
  public ApiVerticle(Config config, OpenAPIContract contract, BearerAuth auth, List<Consumer<RouterBuilder>> features,
                     Consumer<Router> pages, BooleanSupplier started) {
    this.config = config;
    this.contract = contract;
    this.auth = auth;
    this.features = features;
    this.pages = pages;
    this.started = started;
  }

  @Override
  public Future<?> start() {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    builder.rootHandler((io.vertx.ext.web.handler.PlatformHandler) rc -> RequestIds.assign(rc, config.accessLog()));
    builder.rootHandler((io.vertx.ext.web.handler.PlatformHandler) this::guard);
    builder.rootHandler(BodyHandler.create(config.uploadsDir().toString())
        .setBodyLimit(Math.max(config.maxBodyBytes(), config.maxUploadBytes()))
        .setDeleteUploadedFilesOnEnd(true)
        .setHandleFileUploads(true));
    builder.rootHandler(this::jsonBodyLimit);
    builder.rootHandler(this::refuseUnstorableText);
    builder.rootHandler(this::presentQueryToValidator);
    builder.security("bearerAuth").httpHandler(new BearerTokenHandler(auth, "zhangban"));
    features.forEach(f -> f.accept(builder));
    // what no feature bound is not served by this process (SERVER_ROLE=push-worker): 503, as while starting
    builder.getRoutes().stream().filter(route -> route.getHandlers().isEmpty()).forEach(route -> route
        .setDoSecurity(false)
        .setDoValidation(false)
        .addHandler(rc -> Problems.send(rc, Problems.byStatus(503,
            "This process does not serve the API (SERVER_ROLE=" + config.role().name().toLowerCase().replace('_', '-')
                + ")."))));
    validateInline(builder);

    Router router = builder.createRouter();
    pages.accept(router);
    router.route().failureHandler(Problems::handle);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500, 501}) {
      router.errorHandler(status, rc -> Problems.send(rc, Problems.byStatus(status, null)));
    }
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setCompressionSupported(true)
        .setMaxFormAttributeSize(8192)
        .setMaxHeaderSize(16384));
    return server.requestHandler(router).listen();
  }

  /**
   * Each operation the router would validate is validated by {@link InlineRequestValidator}
   * instead, ahead of its handlers, failing as the router's validation fails (400 with the
   * validator's message). Operations that validate themselves (uploads) are left alone.
   */
  private void validateInline(RouterBuilder builder) {
    InlineRequestValidator validator = new InlineRequestValidator(vertx, contract);
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    for (OpenAPIRoute route : builder.getRoutes()) {
      if (!route.doValidation() || route.getHandlers().isEmpty()) {
        continue;
      }
      Operation operation = route.getOperation();
      InputTrustHandler validation = rc -> extractor.extractValidatableRequest(rc, operation)
          .compose(request -> validator.validate(request, operation.getOperationId()))
          .onSuccess(validated -> {
            rc.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
            rc.next();
          })
          .onFailure(e -> rc.fail(e instanceof ValidatorException ? new HttpException(400, e.getMessage(), e) : e));
      route.setDoValidation(false);
      route.getHandlers().add(0, validation);
    }
  }

  /**
   * Security headers on every reply; requests wait for migrations except health and metrics.
   * Without DEV_MODE the /dev operations answer as an unknown path does, whatever the method or
   * body (the contract validator would otherwise answer 400, 405 or 415 first).
   */
  private void guard(RoutingContext rc) {
    rc.response().putHeader("X-Content-Type-Options", "nosniff");
    String path = rc.request().path();
    if (!started.getAsBoolean() && !path.startsWith("/health/") && !path.equals("/metrics")) {
      Problems.send(rc, Problems.byStatus(503, "The server is starting; try again shortly."));
      return;
    }
    String normalized = rc.normalizedPath();
    if (!config.devMode() && (normalized.equals("/dev") || normalized.startsWith("/dev/"))) {
      Problems.send(rc, Problems.byStatus(404, null));
      return;
    }
    String length = rc.request().getHeader("Content-Length");
    if (length != null) {
      long limit = isMultipart(rc) ? config.maxUploadBytes() : config.maxBodyBytes();
      try {
        if (Long.parseLong(length.trim()) > limit) {
          rc.response().putHeader("Connection", "close");
          Problems.send(rc, ApiException.tooLarge("The request body is larger than " + limit + " bytes."));
          discardAndClose(rc.request());
          return;
        }
      } catch (NumberFormatException e) {
        Problems.send(rc, ApiException.badRequest("Content-Length is not a number."));
        return;
      }
    }
    rc.next();
  }

  /**
   * Closing at once while the client is still sending makes its TCP stack reset the connection, and
   * the client may lose the answer with it. Read and drop what is still coming, then close: when
   * the body has arrived, or after a few seconds at most.
   */
  private void discardAndClose(HttpServerRequest request) {
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

  /**
   * PostgreSQL keeps no U+0000 in text or jsonb, and a lone surrogate is no character at all (it
   * would be stored as "?"): refuse both at the edge, naming where they are.
   */
  private void refuseUnstorableText(RoutingContext rc) {
    JsonArray errors = new JsonArray();
    rc.queryParams().forEach((name, value) -> {
      if (!storable(value)) {
        errors.add(ApiException.fieldError("/query/" + name, UNSTORABLE));
      }
    });
    String type = rc.request().getHeader("Content-Type");
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    if (type != null && type.toLowerCase().contains("json") && body != null
        && SUSPECT_ESCAPE.matcher(body.toString()).find()) {
      try {
        unstorable(Json.decodeValue(body), "", errors);
      } catch (DecodeException e) {
        // not JSON at all: the contract check answers that
      }
    }
    if (!errors.isEmpty()) {
      Problems.send(rc, new ApiException(400, "validation", "The request does not match the contract",
          UNSTORABLE, new JsonObject().put("errors", errors)));
      return;
    }
    rc.next();
  }

  private static boolean storable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static void unstorable(Object node, String pointer, JsonArray errors) {
    if (node instanceof String s && !storable(s)) {
      errors.add(ApiException.fieldError(pointer, UNSTORABLE));
    } else if (node instanceof JsonObject o) {
      o.forEach(e -> {
        String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
        if (!storable(e.getKey())) {
          errors.add(ApiException.fieldError(child, UNSTORABLE));
        } else {
          unstorable(e.getValue(), child, errors);
        }
      });
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        unstorable(a.getValue(i), pointer + "/" + i, errors);
      }
    }
  }

  /**
   * vertx-openapi 5.0 reads query values in ways that lose what the client sent, so they are handed
   * to it in the form it undoes:
   * <ul>
   *   <li>it URL-decodes values Vert.x has already decoded (vertx-openapi issues 117 and 124): a
   *       search for "100%" failed, "+" became a space and "%2541" became "A" — so each value is
   *       URL-encoded once more;
   *   <li>it parses a string parameter as JSON unless it is a single word: "-1" or "2.5" became a
   *       number that the string schema refused, a backslash failed and quotes were stripped — so
   *       string values are given as JSON strings, which it parses back to exactly the text sent.
   * </ul>
   * Remove with a vertx-openapi that takes query values as they are.
   */
  private void presentQueryToValidator(RoutingContext rc) {
    Operation operation = contract.findOperation(rc.request().path(), rc.request().method());
    if (operation != null) {
      Set<String> strings = new HashSet<>();
      for (Parameter p : operation.getParameters()) {
        if (p.getIn() == Location.QUERY && (p.getSchemaType() == null || p.getSchemaType() == SchemaType.STRING)) {
          strings.add(p.getName());
        }
      }
      MultiMap params = rc.request().params();
      List<Map.Entry<String, String>> decoded = new ArrayList<>(params.entries());
      params.clear();
      decoded.forEach(e -> params.add(e.getKey(), URLEncoder.encode(
          strings.contains(e.getKey()) ? Json.encode(e.getValue()) : e.getValue(), StandardCharsets.UTF_8)));
    }
    rc.next();
  }

  /** A chunked JSON body has no Content-Length to check up front: check what arrived. */
  private void jsonBodyLimit(RoutingContext rc) {
    if (!isMultipart(rc) && rc.body() != null && rc.body().length() > config.maxBodyBytes()) {
      Problems.send(rc, ApiException.tooLarge("The request body is larger than " + config.maxBodyBytes() + " bytes."));
      return;
    }
    rc.next();
  }

  private static boolean isMultipart(RoutingContext rc) {
    String type = rc.request().getHeader("Content-Type");
    return type != null && type.toLowerCase().startsWith("multipart/");
  }

  /**
   * Stops accepting connections; requests in flight get up to {@code SHUTDOWN_GRACE_MS} to finish
   * (idle kept-alive connections are closed at once), then what is left is closed.
   */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(config.shutdownGraceMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }
}
