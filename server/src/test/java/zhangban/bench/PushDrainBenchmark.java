package zhangban.bench;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import zhangban.config.Config;
import zhangban.db.Database;
import zhangban.push.FcmGateway;
import zhangban.push.PushMessage;
import zhangban.push.PushSettings;
import zhangban.push.PushWorker;

/**
 * Push drain rate: fills the outbox with N jobs and measures how fast one worker empties it into a
 * local fake FCM through the real Firebase Admin SDK, beside the fake's own ceiling (the same fake
 * hit directly by a plain HTTP client, same concurrency, same run, once before the drain and once
 * after, the higher counting). Both are measured after a warm-up of DRAIN_WARM_UP (60,000) untimed requests, so that
 * steady state is compared, not JIT compilation. Last, the same sends through the SDK over a
 * transport that answers in memory: what the SDK alone costs per message, and so the fastest any
 * worker built on it could drain on these cores. Not a test.
 *
 * <p>Run: {@code mvn -q -DskipTests install -pl server -am && mvn -q -pl server exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=zhangban.bench.PushDrainBenchmark -Dexec.args="20000 200"}; a
 * third argument sets the number of SDK send threads (default {@value FcmGateway#DEFAULT_SEND_THREADS}).
 */
public final class PushDrainBenchmark {
  private static final String BODY = """
      {"message":{"token":"tok","notification":{"title":"申请已受理","body":"您的“结婚登记预约”申请已受理。"},\
      "data":{"kind":"application_accepted"},"android":{"priority":"normal","collapse_key":"application-1"}}}""";

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int sendThreads = args.length > 2 ? Integer.parseInt(args[2]) : FcmGateway.DEFAULT_SEND_THREADS;
    Path dir = Files.createTempDirectory("zb-bench");
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).start();
    Vertx fakeVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx vertx = Vertx.vertx();
    try {
      AtomicLong received = new AtomicLong();
      HttpServer fake = fakeVertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
          .requestHandler(req -> req.body().onSuccess(b -> req.response()
              .putHeader("Content-Type", "application/json")
              .end("{\"name\":\"projects/bench/messages/" + received.incrementAndGet() + "\"}")))
          .listen().await();
      String base = "http://127.0.0.1:" + fake.actualPort();

      directCeiling(vertx, fake.actualPort(), DRAIN_WARM_UP, concurrency); // JIT warm-up, not counted
      long cpu = processCpuNanos();
      double ceilingBefore = directCeiling(vertx, fake.actualPort(), Math.min(n, 20000), concurrency);
      double ceilingCpu = (processCpuNanos() - cpu) / 1e3 / Math.min(n, 20000);

      Database db = Database.of(new Config.DatabaseTarget("localhost", pg.getPort(), "postgres", "postgres", "postgres"));
      db.migrate();
      Pool pool = db.pool(vertx, 8);
      received.set(0); // the direct requests went to the same fake
      fill(pool, DRAIN_WARM_UP);

      FcmGateway gateway = new FcmGateway(credentials(), "bench", base, Duration.ofSeconds(10), sendThreads);
      PushSettings settings = new PushSettings(concurrency, Duration.ofSeconds(60), Duration.ofMillis(200), 8,
          Duration.ofSeconds(2), Duration.ofMinutes(5), 1_000_000, Duration.ofSeconds(10), Duration.ofDays(270),
          Duration.ofHours(1), "bench");
      vertx.deployVerticle(new PushWorker(pool, db.connectOptions(), gateway, settings, Clock.systemUTC(),
          new SimpleMeterRegistry()), new DeploymentOptions()).await();
      awaitSent(pool, DRAIN_WARM_UP, received, DRAIN_WARM_UP); // the worker's JIT warm-up, not counted
      received.set(0);
      fill(pool, n); // committed in one statement: the worker sees all of it at once
      long start = System.nanoTime();
      cpu = processCpuNanos();
      long pgCpu = postgresCpuNanos(dir);
      long sent = awaitSent(pool, DRAIN_WARM_UP + n, received, n) - DRAIN_WARM_UP;
      double seconds = (System.nanoTime() - start) / 1e9;
      double drain = sent / seconds;
      double drainCpu = (processCpuNanos() - cpu) / 1e3 / sent;
      long drainPgNanos = postgresCpuNanos(dir) - pgCpu;
      double drainPgCpu = drainPgNanos / 1e3 / sent;
      long fakeReceived = received.get();
      // again after the drain: the machine's load may have changed meanwhile; the higher one counts
      long cpuAfter = processCpuNanos();
      double ceilingAfter = directCeiling(vertx, fake.actualPort(), Math.min(n, 20000), concurrency);
      double ceilingAfterCpu = (processCpuNanos() - cpuAfter) / 1e3 / Math.min(n, 20000);
      double ceiling = Math.max(ceilingBefore, ceilingAfter);
      // the SDK alone: the same sends with nothing behind them (a transport answering in memory, no
      // network, no fake, no database), on as many send threads
      double[] sdk = sdkAlone(vertx, Math.min(n, 20000), concurrency, sendThreads);
      System.out.printf("%nPush drain benchmark: %d jobs after a warm-up of %d, batch/concurrency %d, %d SDK send threads,"
          + " %d cores%n", n, DRAIN_WARM_UP, concurrency, sendThreads, Runtime.getRuntime().availableProcessors());
      System.out.printf("  fake FCM direct ceiling (Vert.x HTTP client): %,.0f requests/s (%,.0f before the drain,"
          + " %,.0f after)%n", ceiling, ceilingBefore, ceilingAfter);
      System.out.printf("  outbox drain through the Firebase Admin SDK: %,.0f messages/s (%d sent in %.1f s)%n",
          drain, sent, seconds);
      System.out.printf("  ratio drain / ceiling: %.2f%n", drain / ceiling);
      System.out.printf("  this process's CPU per message: %.0f us direct (%.0f before the drain, %.0f after), %.0f us"
          + " draining (PostgreSQL not counted)%n", ceiling == ceilingAfter ? ceilingAfterCpu : ceilingCpu, ceilingCpu,
          ceilingAfterCpu, drainCpu);
      System.out.printf("  fake FCM received %d (duplicates: %d)%n", fakeReceived, fakeReceived - sent);
      System.out.printf("  the SDK alone (in-memory transport, no network, no database): %,.0f messages/s,"
          + " %.0f us CPU per message%n", sdk[0], sdk[1]);
      System.out.printf("  PostgreSQL's CPU per message while draining: %.0f us (claims and records)%n", drainPgCpu);
      // a drained message costs at least the SDK's work, one request of the ceiling's (client and fake, as
      // measured in the phase that gave the ceiling), and PostgreSQL's work
      int cores = Runtime.getRuntime().availableProcessors();
      double request = ceiling == ceilingAfter ? ceilingAfterCpu : ceilingCpu;
      System.out.printf("  bound: a message costs at least %.0f us (SDK) + %.0f us (one request, client and fake) + %.0f us"
          + " (PostgreSQL): at most %,.0f messages/s on %d cores, %.2f of the ceiling%n%n", sdk[1], request, drainPgCpu,
          cores * 1e6 / (sdk[1] + request + drainPgCpu), cores, cores * 1e6 / (sdk[1] + request + drainPgCpu) / ceiling);
      gateway.close();
    } finally {
      vertx.close().await();
      fakeVertx.close().await();
      pg.close();
    }
  }

  private static final int WARM_UP = 5000;
  /**
   * Untimed requests before the ceiling and jobs before the drain: after 5,000, and still after
   * 20,000, the JIT compiler took a third of the CPU while draining (async-profiler), so the drain
   * was timed while its code was still being compiled; after 60,000 it took a seventh.
   */
  private static final int DRAIN_WARM_UP = 60_000;

  /**
   * CPU time of the embedded PostgreSQL in {@code dataDir}: its postmaster (found by its data
   * directory on its command line), its children alive, and those ended (the postmaster's cutime).
   * From /proc, in clock ticks of 10 ms; 0 where there is no /proc.
   */
  static long postgresCpuNanos(Path dataDir) {
    try (var procs = Files.list(Path.of("/proc"))) {
      java.util.Map<Long, long[]> stats = new java.util.HashMap<>(); // pid -> ppid, utime+stime, cutime+cstime
      long postmaster = -1;
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long pid = Long.parseLong(p.getFileName().toString());
          stats.put(pid, new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]),
              Long.parseLong(f[13]) + Long.parseLong(f[14])});
          if (new String(Files.readAllBytes(p.resolve("cmdline"))).contains(dataDir.toString())) {
            postmaster = pid;
          }
        } catch (java.io.IOException | RuntimeException gone) {
          // the process ended meanwhile
        }
      }
      if (postmaster < 0) {
        return 0;
      }
      long ticks = stats.get(postmaster)[1] + stats.get(postmaster)[2];
      for (long[] s : stats.values()) {
        if (s[0] == postmaster) {
          ticks += s[1];
        }
      }
      return ticks * 10_000_000L;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static GoogleCredentials credentials() {
    return GoogleCredentials.create(new AccessToken("bench", new Date(System.currentTimeMillis() + 86_400_000L)));
  }

  /**
   * Rate and CPU per message of {@link FcmGateway#send} over a transport that answers every request
   * in memory at once: what the SDK itself (and the message mapping) costs, with nothing to wait for.
   */
  private static double[] sdkAlone(Vertx vertx, int n, int concurrency, int sendThreads) {
    com.google.api.client.http.HttpTransport inMemory = new com.google.api.client.testing.http.MockHttpTransport() {
      @Override
      public com.google.api.client.http.LowLevelHttpRequest buildRequest(String method, String url) {
        return new com.google.api.client.testing.http.MockLowLevelHttpRequest(url) {
          @Override
          public com.google.api.client.http.LowLevelHttpResponse execute() {
            return new com.google.api.client.testing.http.MockLowLevelHttpResponse()
                .setContentType("application/json; charset=UTF-8").setContent("{\"name\":\"projects/bench/messages/1\"}");
          }
        };
      }
    };
    FcmGateway gateway = new FcmGateway(credentials(), "bench", inMemory, sendThreads);
    try {
      PushMessage m = new PushMessage("bench-token", "申请已受理", "您的“结婚登记预约”申请（ZB2026112500000001）已受理。",
          java.util.Map.of("kind", "application_accepted", "applicationId", java.util.UUID.randomUUID().toString()),
          "application-1", false, 1);
      sendAll(vertx, gateway, m, WARM_UP, concurrency);
      long cpu = processCpuNanos();
      long start = System.nanoTime();
      sendAll(vertx, gateway, m, n, concurrency);
      return new double[] {n / ((System.nanoTime() - start) / 1e9), (processCpuNanos() - cpu) / 1e3 / n};
    } finally {
      gateway.close();
    }
  }

  /** {@code n} sends, {@code concurrency} in flight, started from a Vert.x context as the worker does. */
  private static void sendAll(Vertx vertx, FcmGateway gateway, PushMessage m, int n, int concurrency) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    AtomicLong completed = new AtomicLong();
    AtomicLong started = new AtomicLong();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (started.incrementAndGet() > n) {
        return;
      }
      gateway.send(m).onComplete(ar -> {
        if (!(ar.succeeded() && ar.result() instanceof zhangban.push.SendOutcome.Sent)) {
          done.tryFail("not sent: " + (ar.succeeded() ? ar.result() : ar.cause()));
        } else if (completed.incrementAndGet() == n) {
          done.complete();
        } else {
          next[0].run();
        }
      });
    };
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        next[0].run();
      }
    });
    done.future().await();
  }

  /** CPU time of this whole process (all threads, GC and JIT included): less noisy than rates on a shared machine. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * Waits until {@code target} jobs are recorded as sent: first, without asking the database,
   * until the fake has received {@code expected} requests, then for the records, so that polling
   * costs PostgreSQL next to nothing while its CPU is measured.
   */
  private static long awaitSent(Pool pool, long target, AtomicLong received, long expected)
      throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (received.get() < expected && System.nanoTime() < giveUp) {
      Thread.sleep(5);
    }
    long sent;
    do {
      sent = pool.query("select count(*) from push_job where status = 'sent'").execute().await()
          .iterator().next().getLong(0);
      if (sent < target) {
        Thread.sleep(10);
      }
    } while (sent < target && System.nanoTime() < giveUp);
    return sent;
  }


  /** Queues {@code n} jobs over 1,000 devices, as committed transitions would, and wakes the worker. */
  private static void fill(Pool pool, int n) {
    pool.query("""
        insert into push_device (id, user_subject, token, platform, locale, created_at, updated_at)
        select gen_random_uuid(), 'bench-' || g, 'bench-token-' || g, 'android', 'zh-CN', now(), now()
        from generate_series(1, 1000) g
        where not exists (select 1 from push_device)
        """).execute().await();
    pool.preparedQuery("""
        insert into push_job (device_id, token, kind, message, status, next_attempt_at, created_at, updated_at)
        select d.id, d.token, 'application_accepted',
          jsonb_build_object('title', '申请已受理', 'body', '您的“结婚登记预约”申请（ZB2026112500000001）已受理。',
            'data', jsonb_build_object('kind', 'application_accepted', 'applicationId', gen_random_uuid()::text),
            'collapseKey', 'application-' || g, 'highPriority', false, 'badge', 1),
          'pending', now(), now(), now()
        from generate_series(1, $1) g
        join (select id, token, row_number() over (order by id) - 1 as k from push_device) d on d.k = g % 1000
        """).execute(Tuple.of(n)).await();
    pool.query("select pg_notify('zhangban_push', '')").execute().await();
  }

  /**
   * The fake's ceiling: the same request body sent directly by Vert.x's HTTP client (the fastest
   * client at hand), with the same number of requests in flight, in the same process.
   */
  private static double directCeiling(Vertx vertx, int port, int n, int concurrency) {
    io.vertx.core.http.HttpClientAgent client = vertx.createHttpClient(
        new io.vertx.core.http.HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(concurrency));
    io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(BODY);
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    AtomicLong completed = new AtomicLong();
    AtomicLong started = new AtomicLong();
    long start = System.nanoTime();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (started.incrementAndGet() > n) {
        return;
      }
      client.request(io.vertx.core.http.HttpMethod.POST, "/v1/projects/bench/messages:send")
          .compose(req -> req.putHeader("Content-Type", "application/json; charset=UTF-8").send(body))
          .compose(io.vertx.core.http.HttpClientResponse::body)
          .onComplete(ar -> {
            if (completed.incrementAndGet() == n) {
              done.complete();
            } else {
              next[0].run();
            }
          });
    };
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        next[0].run();
      }
    });
    done.future().await();
    double rate = n / ((System.nanoTime() - start) / 1e9);
    client.close().await();
    return rate;
  }
}
