package zhangban.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import zhangban.config.Config;
import zhangban.identity.BearerAuth;
import zhangban.identity.BearerTokenHandler;

/**
 * The HTTP front: a router built from the contract, with authentication, validation and one error
 * format. One instance per event loop; they share the pool and the services.
 */
public final class ApiVerticle extends VerticleBase {
  private final Config config;
  private final OpenAPIContract contract;
  private final BearerAuth auth;
  private final List<Consumer<RouterBuilder>> features;
  private final BooleanSupplier started;
  private HttpServer server;

  public ApiVerticle(Config config, OpenAPIContract contract, BearerAuth auth, List<Consumer<RouterBuilder>> features,
                     BooleanSupplier started) {
    this.config = config;
    this.contract = contract;
    this.auth = auth;
    this.features = features;
    this.started = started;
  }

  @Override
  public Future<?> start() {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    builder.rootHandler((io.vertx.ext.web.handler.PlatformHandler) this::guard);
    builder.rootHandler(BodyHandler.create(config.uploadsDir().toString())
        .setBodyLimit(Math.max(config.maxBodyBytes(), config.maxUploadBytes()))
        .setDeleteUploadedFilesOnEnd(true)
        .setHandleFileUploads(true));
    builder.rootHandler(this::jsonBodyLimit);
    builder.security("bearerAuth").httpHandler(new BearerTokenHandler(auth, "zhangban"));
    features.forEach(f -> f.accept(builder));

    Router router = builder.createRouter();
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
          Problems.send(rc, ApiException.tooLarge("The request body is larger than " + limit + " bytes."));
          rc.request().connection().close();
          return;
        }
      } catch (NumberFormatException e) {
        Problems.send(rc, ApiException.badRequest("Content-Length is not a number."));
        return;
      }
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

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
