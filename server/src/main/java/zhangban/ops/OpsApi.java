package zhangban.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import io.vertx.core.Future;
import zhangban.http.ApiException;
import zhangban.http.Http;
import zhangban.http.ProblemType;

/** Health, metrics and the contract itself. */
public final class OpsApi {
  private final Pool pool;
  private final BooleanSupplier migrated;
  private final BooleanSupplier draining;
  private final PrometheusMeterRegistry registry;
  private final Buffer contract;
  private final long readyTimeoutMillis;
  private final JsonObject staticDetails;
  private final Supplier<Future<JsonObject>> moreChecks;

  /**
   * {@code moreChecks} adds what features say of themselves (reporting's state and backlog); it
   * informs, and does not decide readiness: a feature that cannot answer is said to be unknown.
   */
  public OpsApi(Pool pool, BooleanSupplier migrated, BooleanSupplier draining, PrometheusMeterRegistry registry,
                Buffer contract, long readyTimeoutMillis, JsonObject staticDetails,
                Supplier<Future<JsonObject>> moreChecks) {
    this.moreChecks = moreChecks;
    this.pool = pool;
    this.migrated = migrated;
    this.draining = draining;
    this.registry = registry;
    this.contract = contract;
    this.readyTimeoutMillis = readyTimeoutMillis;
    this.staticDetails = staticDetails;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("healthLive").addHandler(rc -> rc.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("status", "UP").encode()));
    b.getRoute("healthReady").addHandler(rc -> {
      JsonObject checks = staticDetails.copy();
      boolean migrationsDone = migrated.getAsBoolean();
      checks.put("migrations", migrationsDone ? "done" : "pending");
      if (draining.getAsBoolean()) {
        // shutting down: no new traffic, whatever the database says
        checks.put("shutdown", "draining");
        rc.response().setStatusCode(503)
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(new JsonObject().put("status", "DOWN").put("checks", checks).encode());
        return;
      }
      pool.query("select 1").execute()
          .timeout(readyTimeoutMillis, TimeUnit.MILLISECONDS)
          .compose(v -> moreChecks.get()
              .timeout(readyTimeoutMillis, TimeUnit.MILLISECONDS)
              .onSuccess(checks::mergeIn)
              .otherwise(err -> null)
              .map(v))
          .onComplete(ar -> {
            checks.put("database", ar.succeeded() ? "UP" : "DOWN: " + ar.cause().getMessage());
            boolean up = ar.succeeded() && migrationsDone;
            rc.response()
                .setStatusCode(up ? 200 : 503)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks).encode());
          });
    });
    b.getRoute("metrics").addHandler(rc -> rc.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    b.getRoute("getContract").addHandler(rc -> rc.response()
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(contract));
    b.getRoute("getProblemType").addHandler(rc -> {
      String wire = Http.path(rc, "type");
      ProblemType type = ProblemType.ofWire(wire)
          .orElseThrow(() -> ApiException.notFound("No problem type " + wire + "."));
      rc.response()
          .putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "public, max-age=86400")
          .end(type.describe().encode());
    });
  }
}
