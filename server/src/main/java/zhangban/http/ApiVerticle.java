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
import io.vertx.ext.web.handler.JWTAuthHandler;
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

/**
 * The HTTP front: a router built from the contract, with authentication, validation and one error
 * format. One instance per event loop; they share the pool and the services.
 */
public final class ApiVerticle extends VerticleBase {
  /** The operations whose body is multipart: each reads it itself, after authorizing the caller. */
  private static final Set<String> MULTIPART_OPERATIONS = Set.of("uploadMaterial");
  /** How long the connection of a request that could not be parsed stays open after its answer. */
  private static final long INVALID_LINGER_MILLIS = 1000;
  /** An escaped NUL or surrogate in JSON text: the only ways to write what cannot be stored. */
  private static final Pattern SUSPECT_ESCAPE = Pattern.compile("\\\\u(0000|[dD][89a-fA-F])");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");
  private static final String UNSTORABLE = "Text may not contain the NUL character or unpaired surrogates.";

  private final Config config;
  private final OpenAPIContract contract;
  private final JWTAuthHandler bearer;
  private final List<Consumer<RouterBuilder>> features;
  private final Consumer<Router> pages;
  private final BooleanSupplier started;
  private HttpServer server;

  /**
   * {@code bearer} authenticates the contract's {@code bearerAuth} scheme; {@code features} bind the
   * contract's operations; {@code pages} mount what is not an API operation (the dashboard, the
   * docs) on the router the contract built.
   */
  public ApiVerticle(Config config, OpenAPIContract contract, JWTAuthHandler bearer,
                     List<Consumer<RouterBuilder>> features,
                     Consumer<Router> pages, BooleanSupplier started) {
    this.config = config;
    this.contract = contract;
    this.bearer = bearer;
    this.features = features;
    this.pages = pages;
    this.started = started;
  }

  @Override
  public Future<?> start() {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    builder.rootHandler((io.vertx.ext.web.handler.PlatformHandler) rc -> RequestIds.assign(rc, config.accessLog()));
    builder.rootHandler((io.vertx.ext.web.handler.PlatformHandler) this::guard);
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    // a multipart body is read by its operation once the caller is known (FileUploads), never here
    builder.rootHandler(rc -> {
      if (isMultipart(rc)) {
        rc.next();
      } else {
        bodies.handle(rc);
      }
    });
    builder.rootHandler(this::jsonBodyLimit);
    builder.rootHandler(this::refuseUnstorableText);
    builder.rootHandler(this::presentQueryToValidator);
    builder.security("bearerAuth").httpHandler(bearer);
    builder.security("smsCallbackKey").apiKeyHandler(CallbackKeyHandler.of(config.sms().callbackKey(), "sms-provider"));
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
    router.route().failureHandler(rc -> {
      if (rc.failure() == null && rc.statusCode() == 413) {
        // the body handler's own refusal of a chunked body past the limit
        Problems.send(rc, ApiException.tooLarge("The request body is larger than " + config.maxBodyBytes() + " bytes."));
      } else {
        Problems.handle(rc);
      }
    });
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500, 501}) {
      router.errorHandler(status, rc -> Problems.send(rc, Problems.byStatus(status, null)));
    }
    Config.HttpLimits limits = config.http();
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setCompressionSupported(true)
        .setMaxFormAttributeSize(8192)
        .setMaxInitialLineLength(limits.maxUriBytes())
        .setMaxHeaderSize(limits.maxHeaderBytes())
        // HTTP/1.1 only (TLS and HTTP/2 end at the ingress): with h2c detection on, the connection
        // the connection handler is given is not the one that then serves the socket
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(limits.idleTimeoutSeconds())
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS));
    HeaderDeadline deadline = new HeaderDeadline(vertx, limits.headerTimeoutSeconds() * 1000L);
    return server
        .connectionHandler(deadline::opened)
        .requestHandler(request -> {
          deadline.arrived(request);
          router.handle(request);
        })
        .invalidRequestHandler(this::invalid)
        .listen();
  }

  /**
   * A request the HTTP layer could not parse (a request line or headers over the limits, a bad
   * Content-Length, a header without a colon or with a NUL): answered as problem+json like every
   * other refusal, then the connection is closed once the client has had time to stop sending, so
   * that its TCP stack does not reset the connection and lose the answer.
   */
  private void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException problem;
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      problem = new ApiException(ProblemType.URI_TOO_LONG,
          "The request line is longer than " + config.http().maxUriBytes() + " bytes.", null);
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      problem = new ApiException(ProblemType.HEADERS_TOO_LARGE,
          "The request's headers are larger than " + config.http().maxHeaderBytes() + " bytes.", null);
    } else {
      problem = ApiException.badRequest("The request is not well-formed HTTP"
          + (cause == null || cause.getMessage() == null ? "." : ": " + cause.getMessage()));
    }
    request.response().putHeader("Connection", "close");
    Problems.send(request, problem);
    HttpConnection connection = request.connection();
    vertx.setTimer(INVALID_LINGER_MILLIS, t -> connection.close());
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
      Problems.send(rc, new ApiException(ProblemType.UNAVAILABLE,
          "The server is starting; try again shortly.", new JsonObject().put("retryAfterSeconds", 2)));
      return;
    }
    if (isMultipart(rc)) {
      Operation operation = operation(rc);
      if (operation == null || !MULTIPART_OPERATIONS.contains(operation.getOperationId())) {
        rc.response().putHeader("Connection", "close");
        Problems.send(rc, ApiException.unsupportedMediaType("This operation does not take a multipart body."));
        FileUploads.discardAndClose(vertx, rc.request());
        return;
      }
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
          FileUploads.discardAndClose(vertx, rc.request());
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
   * Text that is not valid UTF-8 (an overlong NUL {@code C0 80}, an encoded surrogate
   * {@code ED A0 80}, a stray {@code FF}) would reach PostgreSQL as a NUL it refuses or be stored as
   * "?"; PostgreSQL keeps no U+0000 in text or jsonb, and a lone surrogate is no character at all.
   * All are refused at the edge, in the query and in a textual body, naming the field where it is.
   */
  private void refuseUnstorableText(RoutingContext rc) {
    JsonArray errors = new JsonArray();
    Utf8.invalidQueryParameters(rc.request().query())
        .forEach(name -> errors.add(ApiException.fieldError("/query/" + name, Utf8.INVALID)));
    rc.queryParams().forEach((name, value) -> {
      if (!storable(value)) {
        errors.add(ApiException.fieldError("/query/" + name, UNSTORABLE));
      }
    });
    String type = rc.request().getHeader("Content-Type");
    // a body sent to an operation that takes none means nothing and is not read
    Operation operation = operation(rc);
    Buffer body = rc.body() == null || operation == null || operation.getRequestBody() == null ? null
        : rc.body().buffer();
    boolean json = type != null && type.toLowerCase().contains("json");
    boolean text = json || (type != null && type.toLowerCase().startsWith("text/"));
    if (text && body != null && body.length() > 0 && !Utf8.isValid(body.getBytes())) {
      if (json) {
        try {
          // a malformed sequence becomes a lone surrogate, which valid UTF-8 never gives: the walk finds it
          unstorable(Json.decodeValue(Utf8.decodeMarkingInvalid(body.getBytes())), "", errors, Utf8.INVALID);
        } catch (DecodeException e) {
          // not JSON either: say so at the body
        }
      }
      if (errors.isEmpty()) {
        errors.add(ApiException.fieldError("/body", Utf8.INVALID));
      }
    } else if (json && body != null && SUSPECT_ESCAPE.matcher(body.toString()).find()) {
      try {
        unstorable(Json.decodeValue(body), "", errors, UNSTORABLE);
      } catch (DecodeException e) {
        // not JSON at all: the contract check answers that
      }
    }
    if (!errors.isEmpty()) {
      Problems.send(rc, ApiException.invalid(errors));
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

  private static void unstorable(Object node, String pointer, JsonArray errors, String message) {
    if (errors.size() >= Problems.MAX_FIELD_ERRORS) {
      return;
    }
    if (node instanceof String s && !storable(s)) {
      errors.add(ApiException.fieldError(pointer.isEmpty() ? "/body" : pointer, message));
    } else if (node instanceof JsonObject o) {
      o.forEach(e -> {
        String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
        if (!storable(e.getKey())) {
          errors.add(ApiException.fieldError(child, message));
        } else {
          unstorable(e.getValue(), child, errors, message);
        }
      });
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        unstorable(a.getValue(i), pointer + "/" + i, errors, message);
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
    Operation operation = operation(rc);
    if (operation != null) {
      Set<String> strings = new HashSet<>();
      JsonArray notIntegers = new JsonArray();
      for (Parameter p : operation.getParameters()) {
        if (p.getIn() == Location.QUERY && (p.getSchemaType() == null || p.getSchemaType() == SchemaType.STRING)) {
          strings.add(p.getName());
        }
        // the validator reads the value as JSON, so "1e2", "1.0" and " 5" would pass as integers
        if (p.getIn() == Location.QUERY && p.getSchemaType() == SchemaType.INTEGER) {
          for (String value : rc.request().params().getAll(p.getName())) {
            if (!INTEGER.matcher(value).matches()) {
              notIntegers.add(ApiException.fieldError("/query/" + p.getName(), "Must be a whole number in decimal digits."));
            }
          }
        }
      }
      if (!notIntegers.isEmpty()) {
        Problems.send(rc, ApiException.invalid(notIntegers));
        return;
      }
      MultiMap params = rc.request().params();
      List<Map.Entry<String, String>> decoded = new ArrayList<>(params.entries());
      params.clear();
      decoded.forEach(e -> params.add(e.getKey(), URLEncoder.encode(
          strings.contains(e.getKey()) ? Json.encode(e.getValue()) : e.getValue(), StandardCharsets.UTF_8)));
    }
    rc.next();
  }

  private static final String OPERATION_KEY = "zhangban.operation";
  private static final Object NO_OPERATION = new Object();

  /** The contract's operation for this request, or null; looked up once per request. */
  private Operation operation(RoutingContext rc) {
    Object known = rc.get(OPERATION_KEY);
    if (known == null) {
      Operation found = contract.findOperation(rc.request().path(), rc.request().method());
      rc.put(OPERATION_KEY, found == null ? NO_OPERATION : found);
      return found;
    }
    return known == NO_OPERATION ? null : (Operation) known;
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
