package zhangban;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.calendar.CalendarApi;
import zhangban.calendar.CalendarStore;
import zhangban.bulletin.BulletinApi;
import zhangban.bulletin.BulletinDocuments;
import zhangban.bulletin.BulletinScheduler;
import zhangban.bulletin.Bulletins;
import zhangban.catalog.CatalogApi;
import zhangban.catalog.CatalogStore;
import zhangban.config.Config;
import zhangban.db.Database;
import zhangban.db.Idempotency;
import zhangban.filing.ApplicationEvents;
import zhangban.reporting.ApplicationReports;
import zhangban.reporting.Profile;
import zhangban.reporting.ReportAdmin;
import zhangban.region.RegionApi;
import zhangban.region.RegionStore;
import zhangban.reporting.ReportWorker;
import zhangban.reporting.ReportingApi;
import zhangban.reporting.StepReports;
import zhangban.rating.Audit;
import zhangban.filing.ExternalTransactions;
import zhangban.filing.FilingApi;
import zhangban.filing.FilingService;
import zhangban.filing.Materials;
import zhangban.filing.Supervision;
import zhangban.http.ApiVerticle;
import zhangban.http.ValidatorCachingContract;
import zhangban.identity.BearerAuth;
import zhangban.identity.BearerTokenHandler;
import zhangban.identity.ManagerScopes;
import zhangban.identity.DevTokens;
import zhangban.identity.IdentityApi;
import zhangban.identity.JwksKeys;
import zhangban.identity.TokenVerifier;
import zhangban.notify.Inbox;
import zhangban.notify.Notifier;
import zhangban.notify.NotifyApi;
import zhangban.notify.Preferences;
import zhangban.notify.Templates;
import zhangban.notify.DeadlineReminders;
import zhangban.notify.Gateways;
import zhangban.ops.OpsApi;
import zhangban.push.Devices;
import zhangban.push.Outbox;
import zhangban.push.PushAdmin;
import zhangban.push.PushGateway;
import zhangban.push.PushWorker;
import zhangban.notify.SmsApi;
import zhangban.notify.SmsCallbacks;
import zhangban.sms.SmsAdmin;
import zhangban.notify.SmsOutbox;
import zhangban.notify.StaffDirectory;
import zhangban.sms.SmsGateway;
import zhangban.sms.SmsWorker;
import zhangban.rating.Invitations;
import zhangban.rating.RatingApi;
import zhangban.rating.RatingLinks;
import zhangban.rating.RatingScheduler;
import zhangban.rating.RatingService;
import zhangban.rating.TagDictionary;
import zhangban.rectification.CaseApi;
import zhangban.rectification.CaseScheduler;
import zhangban.rectification.CaseService;
import zhangban.stats.Disclosure;
import zhangban.stats.DisclosureApi;
import zhangban.stats.Exports;
import zhangban.stats.RollupCatchUp;
import zhangban.stats.Rollups;
import zhangban.stats.StatsApi;
import zhangban.stats.StatsService;
import zhangban.web.WebPages;

/** The composition root: builds the object graph with plain constructors and starts it. */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private final Vertx vertx;
  private final Database database;
  private final Pool pool;
  private final AtomicBoolean migrated;
  /** Set when shutdown begins: readiness answers 503 so load balancers stop sending new requests. */
  private final AtomicBoolean draining = new AtomicBoolean(false);
  private final AtomicBoolean closed = new AtomicBoolean(false);
  private Pool statsPool;
  private String apiDeployment;
  /** Deployments in the order they started; stopped in reverse before anything is closed. */
  private final List<String> deployments = new java.util.concurrent.CopyOnWriteArrayList<>();
  private PushGateway ownedGateway;
  private SmsGateway sms;
  private RatingScheduler ratingScheduler;
  private CaseScheduler caseScheduler;
  private BulletinScheduler bulletinScheduler;
  private RollupCatchUp rollupCatchUp;

  private App(Vertx vertx, Database database, Pool pool, AtomicBoolean migrated) {
    this.vertx = vertx;
    this.database = database;
    this.pool = pool;
    this.migrated = migrated;
  }

  public Vertx vertx() { return vertx; }
  public Pool pool() { return pool; }
  public Database database() { return database; }
  public boolean ready() { return migrated.get(); }
  /** The clock-driven side of 好差评, for an operator's or a test's extra pass. */
  public RatingScheduler ratingScheduler() { return ratingScheduler; }
  /** The clock-driven side of rectification cases, likewise. */
  public CaseScheduler caseScheduler() { return caseScheduler; }
  public BulletinScheduler bulletinScheduler() { return bulletinScheduler; }
  public RollupCatchUp rollupCatchUp() { return rollupCatchUp; }
  /** The SMS provider this process sends through (null when it runs no SMS worker). */
  public SmsGateway sms() { return sms; }

  private SmsGateway smsGateway(Vertx vertx, Config config) {
    sms = Gateways.sms(vertx, config.sms());
    if (!config.sms().sendsForReal() && !config.devMode()) {
      LOG.warn("SMS_PROVIDER=recording outside development: SMS are marked sent and reach nobody");
    }
    LOG.info("SMS gateway: {}", sms.describe());
    return sms;
  }

  /** Starts the server: listening first, then migrations off the event loop. Blocks until both are done. */
  public static App start(Config config, Clock clock) {
    return start(config, clock, Database.open(config));
  }

  public static App start(Config config, Clock clock, Database database) {
    return start(config, clock, database, null);
  }

  /** With {@code gateway} given, pushes go there instead of the configured one (tests, benchmarks). */
  public static App start(Config config, Clock clock, Database database, PushGateway gateway) {
    // loading a reporting profile checks it whole: a wrong one stops the start before anything runs
    Optional<Profile> reporting = config.reporting().profile().map(Profile::load);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE))))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    try {
      Files.createDirectories(config.uploadsDir());
    } catch (IOException e) {
      throw new IllegalStateException("Cannot create " + config.uploadsDir(), e);
    }
    // what a killed process was receiving; a sibling sharing the folder writes its own files as they come
    zhangban.http.FileUploads.sweep(config.uploadsDir(), java.time.Duration.ofMinutes(10));
    Pool pool = database.pool(vertx, config.dbPoolSize());
    AtomicBoolean migrated = new AtomicBoolean(false);
    App app = new App(vertx, database, pool, migrated);
    // statistics may read a replica: they tolerate its lag, and keep the primary for the writes
    Pool statsPool = config.statsDatabase().map(t -> Database.of(t).pool(vertx, config.dbPoolSize(), "zhangban-stats"))
        .orElse(pool);
    if (statsPool != pool) {
      app.statsPool = statsPool;
      LOG.info("Statistics read from {}:{}", config.statsDatabase().get().host(), config.statsDatabase().get().port());
    }

    // DEV_MODE: the demo tokens' key lives with the embedded database in the data folder; on an
    // external database it is shared through it (read after migrations), so every replica takes them
    java.util.concurrent.atomic.AtomicReference<DevTokens> devTokens = new java.util.concurrent.atomic.AtomicReference<>(
        config.devMode() && database.embedded() ? DevTokens.loadOrCreate(config.dataDir(), clock) : null);
    JwksKeys keys = new JwksKeys(vertx, config.jwt().jwksUrl(), config.jwt().jwksFile(),
        devTokens.get() == null ? List.of() : List.<com.nimbusds.jose.jwk.JWK>of(devTokens.get().publicKey()),
        config.jwt().jwksMinRefetchSeconds(), clock);
    TokenVerifier verifier = new TokenVerifier(keys, config.jwt().issuers(), config.jwt().audiences(),
        config.jwt().clockSkewSeconds(), config.jwt().maxLifetimeSeconds(), clock);

    PushGateway push = gateway != null ? gateway : Gateways.fromConfig(config.push());
    if (gateway == null) {
      app.ownedGateway = push;
    }
    LOG.info("Push gateway: {}", push.describe());
    LOG.info("Network transport: {}", vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
    Devices devices = new Devices();
    Templates templates = Templates.load();
    Preferences preferences = new Preferences();
    Notifier notifier = new Notifier(templates, new Outbox(), config.zone());

    CatalogStore catalog = new CatalogStore(pool);
    CalendarStore calendar = new CalendarStore(pool);
    Idempotency idempotency = new Idempotency();
    Rollups rollups = new Rollups(config.zone());
    // someone a hall or department system knows only by a mobile number is invited by SMS
    Optional<SmsOutbox> sms = config.phones().map(v -> new SmsOutbox(config.sms().perNumberPerDay()));
    Invitations invitations = new Invitations(config.rating(), calendar, notifier, rollups, config.zone(), sms,
        config.publicBaseUrl());
    // what the provincial platform is owed is recorded with each change only when a profile is configured
    ApplicationEvents reports = reporting.isPresent() ? new ApplicationReports() : ApplicationEvents.NONE;
    FilingService filing = new FilingService(pool, catalog, calendar, idempotency, config.warningRatio(),
        config.supplementNoticeDays(), clock, config.zone(), ApplicationEvents.all(notifier, invitations, reports));
    TagDictionary dictionary = new TagDictionary(pool, clock);
    // the steps of ratings and cases are recorded for the provincial platform as the audit trail records them
    Audit audit = new Audit(reporting.isPresent() ? new StepReports(config.zone()) : Audit.Listener.NONE);
    CaseService cases = new CaseService(pool, calendar, notifier, idempotency, config.rating(), config.warningRatio(),
        rollups, clock, config.zone(), audit, invitations::replyBySms);
    RatingService ratings = new RatingService(pool, dictionary, cases, config.rating(), rollups, clock, config.zone(),
        reporting.isPresent(), audit, config.phones());
    Buffer contractText = Buffer.buffer(zhangban.api.Contract.text());
    ReportAdmin reportAdmin = new ReportAdmin(pool, reporting, config.reporting(), clock, config.zone());
    OpsApi ops = new OpsApi(pool, migrated::get, app.draining::get, registry, contractText, config.readyTimeoutMillis(),
        new JsonObject().put("devMode", config.devMode()).put("push", push.describe())
            .put("role", config.role().name().toLowerCase().replace('_', '-')),
        () -> reportAdmin.health().map(h -> new JsonObject().put("reporting", h)));
    RegionStore regions = new RegionStore(pool);
    Supervision supervision = new Supervision(filing);
    StatsService statsService = new StatsService(statsPool, config.stats().goodLevels(), config.stats().minSample(),
        clock, config.zone());
    Bulletins bulletins = new Bulletins(pool, statsService, supervision, regions, notifier, clock, config.zone());
    ManagerScopes managerScopes = new ManagerScopes(regions::scopeOf, config.jwt().managersWithoutRegionSeeAll());
    StaffDirectory staffDirectory = new StaffDirectory(pool, clock);
    // a push-worker process serves health and metrics only; the other operations answer 501
    List<Consumer<RouterBuilder>> features = !config.role().servesApi() ? List.of(ops::mount) : List.of(
        ops::mount,
        new IdentityApi(pool, () -> Optional.ofNullable(devTokens.get()))::mount,
        new CatalogApi(catalog)::mount,
        new RegionApi(regions)::mount,
        new CalendarApi(calendar)::mount,
        new FilingApi(filing, new Materials(filing, vertx), supervision,
            new ExternalTransactions(filing, config.phones()), config.uploadsDir(), config.maxUploadBytes())::mount,
        new NotifyApi(pool, devices, new Inbox(pool, templates), preferences,
            new PushAdmin(pool, clock, push.describe()), staffDirectory, clock)::mount,
        new RatingApi(ratings, dictionary, filing,
            new RatingLinks(vertx, pool, ratings, dictionary, config.publicBaseUrl(), clock, config.zone()))::mount,
        new ReportingApi(reportAdmin)::mount,
        new SmsApi(new SmsCallbacks(pool, config.phones(), clock), new SmsAdmin(pool, clock,
            config.sms().sendsForReal() ? "Tencent Cloud SMS, app " + config.sms().sdkAppId().orElse("")
                : "recording only (SMS_PROVIDER=recording): messages are kept, not sent"))::mount,
        new CaseApi(cases)::mount,
        new StatsApi(statsService, new Exports(statsPool, config.zone()))::mount,
        new DisclosureApi(new Disclosure(statsPool, statsService, regions, config.stats().minSample()),
            config.stats().disclosureMaxAgeSeconds(), config.stats().disclosureCallsPerMinute(),
            config.http().trustForwarded(), clock, config.zone())::mount,
        new BulletinApi(bulletins, new BulletinDocuments(config.bulletins().font(), config.zone()), regions)::mount);

    Future<?> started = zhangban.api.Contract.load(vertx).map(ValidatorCachingContract::new)
        .compose(contract -> vertx.deployVerticle(
            () -> new ApiVerticle(config, contract, new BearerTokenHandler(new BearerAuth(verifier), "zhangban", managerScopes,
                staffDirectory::settled),
                features, WebPages::mount,
                migrated::get),
            new DeploymentOptions().setInstances(config.httpInstances())))
        .onSuccess(id -> {
          app.apiDeployment = id;
          app.deployments.add(id);
        })
        .compose(id -> keys.load())
        .compose(v -> vertx.executeBlocking(() -> {
          database.migrate();
          if (config.devMode() && !database.embedded()) {
            try (java.sql.Connection c = database.connect()) {
              devTokens.set(DevTokens.sharedThrough(c, clock));
            }
            keys.trust(devTokens.get().publicKey());
          }
          // the demo users with a quarter of rated history for the dashboard, and the statistics
          // rebuilt from it, all in one transaction
          List<String> demo = new java.util.ArrayList<>(List.of(Database.script("/db/demo/demo-history.sql")));
          demo.addAll(Rollups.REBUILD_ALL);
          if (config.demoData() && database.loadDemoDataOnce(config.zone(), demo.toArray(String[]::new))) {
            LOG.info("Loaded demo data");
          }
          return null;
        }))
        .compose(v -> config.runsPushWorker()
            ? vertx.deployVerticle(new PushWorker(pool, database.connectOptions(), push,
                Gateways.settings(config.push()), clock, registry)).onSuccess(app.deployments::add).mapEmpty()
            : Future.succeededFuture())
        .compose(v -> config.runsPushWorker() && config.phones().isPresent()
            ? vertx.deployVerticle(new SmsWorker(pool, database.connectOptions(), app.smsGateway(vertx, config),
                config.phones().get(), Gateways.smsTemplates(config.sms()), Gateways.smsSettings(config.sms(),
                config.push()), clock, registry)).onSuccess(app.deployments::add).mapEmpty()
            : Future.succeededFuture())
        .compose(v -> config.runsReportWorker()
            ? vertx.deployVerticle(new ReportWorker(pool, database.connectOptions(), reporting.orElseThrow(),
                config.reporting(), clock, config.zone(), registry, Gateways.workerId()))
                .onSuccess(app.deployments::add).mapEmpty()
            : Future.succeededFuture())
        .compose(v -> vertx.deployVerticle(new DeadlineReminders(pool, notifier, clock, config.zone(),
            config.push().reminderIntervalMillis())).onSuccess(app.deployments::add))
        .compose(v -> vertx.deployVerticle(app.ratingScheduler = new RatingScheduler(pool, invitations,
            config.rating(), rollups, clock, audit)).onSuccess(app.deployments::add))
        .compose(v -> vertx.deployVerticle(app.caseScheduler = new CaseScheduler(pool, notifier, cases, config.rating(),
            clock, config.zone(), audit)).onSuccess(app.deployments::add))
        .compose(v -> vertx.deployVerticle(app.rollupCatchUp = new RollupCatchUp(pool, registry))
            .onSuccess(app.deployments::add))
        .compose(v -> vertx.deployVerticle(app.bulletinScheduler = new BulletinScheduler(bulletins, regions,
            config.bulletins().weekday(), config.bulletins().time(), config.bulletins().checkIntervalMillis(), clock,
            config.zone())).onSuccess(app.deployments::add))
        .onSuccess(v -> migrated.set(true));
    try {
      started.await(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      app.close();
      throw new IllegalStateException("Start-up failed", e);
    }
    return app;
  }

  /**
   * Stops in order: readiness turns false; the HTTP servers stop accepting and let requests in
   * flight finish (up to {@code SHUTDOWN_GRACE_MS}); then the other deployments in reverse (the push
   * worker lets its sends in flight finish and releases the rest); then the pools, Vert.x and the
   * embedded database if any. A second call does nothing.
   */
  /** Readiness answers 503 from now on; everything else goes on serving until {@link #close()}. */
  public void beginDraining() {
    if (draining.compareAndSet(false, true)) {
      LOG.info("Draining: readiness reports DOWN");
    }
  }

  /**
   * SIGTERM: readiness answers 503 while everything goes on serving for {@code delayMillis}, so
   * that load balancers polling readiness stop sending here before the port closes; then
   * {@link #close()}.
   */
  public void drainAndClose(long delayMillis) {
    beginDraining();
    try {
      Thread.sleep(delayMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    beginDraining();
    List<String> running = new java.util.ArrayList<>(deployments);
    java.util.Collections.reverse(running);
    if (apiDeployment != null && running.remove(apiDeployment)) {
      running.add(0, apiDeployment);
    }
    for (String id : running) {
      try {
        vertx.undeploy(id).await(2, TimeUnit.MINUTES);
      } catch (Exception e) {
        LOG.warn("Stopping deployment {} failed", id, e);
      }
    }
    try {
      if (statsPool != null) {
        statsPool.close().await(30, TimeUnit.SECONDS);
      }
      pool.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Closing Vert.x failed", e);
    }
    if (sms != null) {
      sms.close();
    }
    if (ownedGateway != null) {
      ownedGateway.close();
    }
    database.close();
  }

}
