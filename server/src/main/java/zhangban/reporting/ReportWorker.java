package zhangban.reporting;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.config.Config;
import zhangban.outbox.OutboxSettings;
import zhangban.outbox.OutboxWorker;

/**
 * Sends {@code platform_report} to the provincial platform with the shared
 * {@link OutboxWorker}, and reconciles (对账) once a day. Deployed where the configuration names an
 * endpoint; any number of processes share the work.
 */
public final class ReportWorker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReportWorker.class);
  /** How often held records whose predecessors are all sent are released (ReportQueue#RELEASE_HELD). */
  static final long RELEASE_HELD_MILLIS = 5000;

  private final Pool pool;
  private final PgConnectOptions listenOptions;
  private final Profile profile;
  private final Config.Reporting config;
  private final Clock clock;
  private final ZoneId zone;
  private final MeterRegistry registry;
  private final String workerId;
  private OutboxWorker<ReportQueue.Job> worker;
  private PlatformTransport transport;

  public ReportWorker(Pool pool, PgConnectOptions listenOptions, Profile profile, Config.Reporting config, Clock clock,
                      ZoneId zone, MeterRegistry registry, String workerId) {
    this.pool = pool;
    this.listenOptions = listenOptions;
    this.profile = profile;
    this.config = config;
    this.clock = clock;
    this.zone = zone;
    this.registry = registry;
    this.workerId = workerId;
  }

  @Override
  public Future<?> start() {
    // a signature's timestamp is checked against the platform's own clock: the wall clock, whatever
    // time the server's rules run on
    transport = new PlatformTransport(vertx, profile, config.endpoint().orElseThrow(),
        PlatformAuth.of(vertx, config, Clock.systemUTC()), config.timeoutMillis(), clock);
    OutboxSettings settings = new OutboxSettings(config.batchSize(), Duration.ofSeconds(config.leaseSeconds()),
        Duration.ofMillis(config.pollMillis()), config.maxAttempts(), Duration.ofMillis(config.backoffBaseMillis()),
        Duration.ofMillis(config.backoffMaxMillis()), config.ratePerSecond(),
        Duration.ofMillis(Math.max(config.timeoutMillis() * 2L, 5000)), workerId);
    worker = new OutboxWorker<>(pool, listenOptions, new ReportQueue(), transport, settings, clock, registry);
    Reconciliation reconciliation = new Reconciliation(zone);
    return worker.start(vertx).onSuccess(v -> {
      reconciliation.runIfDue(pool, clock.instant());
      worker.every(Duration.ofHours(1).toMillis(), () -> reconciliation.runIfDue(pool, clock.instant()));
      worker.every(RELEASE_HELD_MILLIS, () -> ReportQueue.releaseHeld(pool, clock.instant())
          .onFailure(err -> LOG.warn("Releasing held platform reports failed: {}", err.toString())));
    });
  }

  @Override
  public Future<?> stop() {
    return worker.stop().onComplete(v -> transport.close());
  }
}
