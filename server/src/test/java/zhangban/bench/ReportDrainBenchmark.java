package zhangban.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import zhangban.config.Config;
import zhangban.db.Database;
import zhangban.reporting.Profile;
import zhangban.reporting.RecordKind;
import zhangban.reporting.ReportRecord;
import zhangban.reporting.ReportWorker;
import zhangban.reporting.SampleRecords;

/**
 * Platform report drain rate: fills {@code platform_report} with N records (five per application:
 * received, accepted, completed, rating, follow-up, so each application's order is kept) and
 * measures how fast one worker sends them to a local stub platform through the real transport
 * (rendering by the profile, HMAC signature, WebClient), beside the stub's own ceiling: the same
 * request (one record, or one batch of the profile's size) sent directly by Vert.x's HTTP client
 * with as many connections as the worker's client has, in the same run, once before the drain and
 * once after, the higher counting. Untimed warm-ups first. Not a test.
 *
 * <p>Run: {@code mvn -q -DskipTests install -pl server -am && mvn -q -pl server exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=zhangban.bench.ReportDrainBenchmark
 * -Dexec.args="50000 zhejiang"} (or {@code gbt-39046-2020}, which sends batches of 50).
 */
public final class ReportDrainBenchmark {
  /** The worker's WebClient keeps this many connections (PlatformTransport). */
  private static final int CONNECTIONS = 32;
  private static final int WARM_UP = 20_000;
  private static final List<RecordKind> KINDS = List.of(RecordKind.APPLICATION_RECEIVED,
      RecordKind.APPLICATION_ACCEPTED, RecordKind.APPLICATION_COMPLETED, RecordKind.RATING, RecordKind.FOLLOW_UP);

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    String profileName = args.length > 1 ? args[1] : "zhejiang";
    Profile profile = Profile.load(profileName);
    Path dir = Files.createTempDirectory("zb-report-bench");
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).start();
    Vertx stubVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx vertx = Vertx.vertx();
    try {
      AtomicLong records = new AtomicLong();
      HttpServer stub = stub(stubVertx, profile, records);
      String endpoint = "http://127.0.0.1:" + stub.actualPort() + "/platform";

      Request request = request(profile);
      ceiling(vertx, stub.actualPort(), request, WARM_UP / request.records()); // JIT warm-up, not counted
      int requests = Math.max(1000, 20_000 / request.records());
      double ceilingBefore = ceiling(vertx, stub.actualPort(), request, requests);

      Database db = Database.of(new Config.DatabaseTarget("localhost", pg.getPort(), "postgres", "postgres", "postgres"));
      db.migrate();
      Pool pool = db.pool(vertx, 8);
      Config.Reporting config = Config.from(Map.of("REPORTING_PROFILE", profileName, "REPORTING_ENDPOINT", endpoint,
          "REPORTING_APP_KEY", "bench", "REPORTING_APP_SECRET", "bench-secret", "REPORTING_RATE_PER_SECOND", "1000000",
          "REPORTING_POLL_MS", "200")).reporting();
      fill(pool, profile, 0, WARM_UP);
      vertx.deployVerticle(new ReportWorker(pool, db.connectOptions(), profile, config, Clock.systemUTC(),
          ZoneId.of("Asia/Shanghai"), new SimpleMeterRegistry(), "bench")).await();
      awaitSent(pool, WARM_UP, records, WARM_UP);

      records.set(0);
      fill(pool, profile, WARM_UP, n); // committed in one statement: the worker sees all of it at once
      long cpu = processCpuNanos();
      long pgCpu = PushDrainBenchmark.postgresCpuNanos(dir);
      long[] statementsBefore = statements(pool);
      long start = System.nanoTime();
      long sent = awaitSent(pool, WARM_UP + n, records, n) - WARM_UP;
      double seconds = (System.nanoTime() - start) / 1e9;
      double drain = sent / seconds;
      double drainCpu = (processCpuNanos() - cpu) / 1e3 / sent;
      double drainPgCpu = (PushDrainBenchmark.postgresCpuNanos(dir) - pgCpu) / 1e3 / sent;
      long[] statementsAfter = statements(pool);
      long stubRecords = records.get();
      double ceilingAfter = ceiling(vertx, stub.actualPort(), request, requests);
      double ceiling = Math.max(ceilingBefore, ceilingAfter);

      System.out.printf("%nReport drain benchmark: %d records (%d applications) after a warm-up of %d, profile %s"
          + " (%s, %s), %d connections, %d cores%n", n, n / KINDS.size(), WARM_UP, profileName,
          profile.transport().format(), profile.transport().batches()
              ? "batches of " + profile.transport().batchSize() : "one record a request",
          CONNECTIONS, Runtime.getRuntime().availableProcessors());
      System.out.printf("  stub direct ceiling (Vert.x HTTP client, same request): %,.0f records/s (%,.0f before the"
          + " drain, %,.0f after)%n", ceiling, ceilingBefore, ceilingAfter);
      System.out.printf("  outbox drain through the transport: %,.0f records/s (%d sent in %.1f s)%n", drain, sent,
          seconds);
      System.out.printf("  ratio drain / ceiling: %.2f%n", drain / ceiling);
      System.out.printf("  CPU per record while draining: %.0f us this process, %.0f us PostgreSQL (claims and records)%n",
          drainCpu, drainPgCpu);
      System.out.printf("  PostgreSQL: %d transactions, %d index scans and %d sequential scans of platform_report%n",
          statementsAfter[0] - statementsBefore[0], statementsAfter[1] - statementsBefore[1],
          statementsAfter[2] - statementsBefore[2]);
      System.out.printf("  stub received %d records (resends: %d)%n%n", stubRecords, stubRecords - sent);
    } finally {
      vertx.close().await();
      stubVertx.close().await();
      pg.close();
    }
  }

  /** One request as the transport sends it: its path, content type, body, and the records it carries. */
  private record Request(String path, String contentType, Buffer body, int records) {}

  private static Request request(Profile profile) {
    Profile.Transport t = profile.transport();
    Profile.Rendered r = profile.render(SampleRecords.full(RecordKind.RATING, "ZB2026112500000001", "r-1", "c-1"));
    if (t.batches()) {
      JsonArray batch = new JsonArray();
      for (int i = 0; i < t.batchSize(); i++) {
        batch.add(new JsonObject().put("type", r.type()).put("key", r.key() + i).put("body", r.body()));
      }
      return new Request("/platform" + t.batchPath(), "application/json",
          Buffer.buffer(new JsonObject().put("records", batch).encode()), t.batchSize());
    }
    String body = t.format().equals("form")
        ? String.join("&", r.body().stream().map(f -> java.net.URLEncoder.encode(f.getKey(), t.charset()) + "="
            + java.net.URLEncoder.encode(String.valueOf(f.getValue()), t.charset())).toList())
        : r.body().encode();
    return new Request("/platform/" + r.type(), t.format().equals("form") ? "application/x-www-form-urlencoded"
        : "application/json", Buffer.buffer(body), 1);
  }

  /**
   * A platform that accepts everything at once, in the profile's answer shape, counting records:
   * the fastest a platform could be, so that the ratio is the transport's and the outbox's cost.
   */
  private static HttpServer stub(Vertx vertx, Profile profile, AtomicLong records) {
    Profile.Answer a = profile.transport().answer();
    String ok = a.success().iterator().next();
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(req -> req.body().onSuccess(body -> {
          JsonObject answer = new JsonObject().put(a.code(), ok);
          if (req.path().equals("/platform" + profile.transport().batchPath())) {
            JsonArray results = new JsonArray();
            for (Object o : new JsonObject(body).getJsonArray("records")) {
              results.add(new JsonObject().put(a.key(), ((JsonObject) o).getString("key")).put(a.code(), ok));
            }
            records.addAndGet(results.size());
            answer.put(a.results(), results);
          } else {
            records.incrementAndGet();
          }
          req.response().putHeader("Content-Type", "application/json").end(answer.encode());
        }))
        .listen().await();
  }

  /** Records a second the stub takes from a plain client sending {@code request} {@code n} times. */
  private static double ceiling(Vertx vertx, int port, Request request, int n) {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    AtomicLong completed = new AtomicLong();
    AtomicLong started = new AtomicLong();
    long start = System.nanoTime();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (started.incrementAndGet() > n) {
        return;
      }
      client.request(HttpMethod.POST, request.path())
          .compose(req -> req.putHeader("Content-Type", request.contentType()).send(request.body()))
          .compose(HttpClientResponse::body)
          .onComplete(ar -> {
            if (completed.incrementAndGet() == n) {
              done.complete();
            } else {
              next[0].run();
            }
          });
    };
    vertx.runOnContext(v -> {
      for (int i = 0; i < CONNECTIONS; i++) {
        next[0].run();
      }
    });
    done.future().await();
    double rate = (double) n * request.records() / ((System.nanoTime() - start) / 1e9);
    client.close().await();
    return rate;
  }

  /** {@code n} records of applications numbered from {@code from / 5}, five each, in one statement. */
  private static void fill(Pool pool, Profile profile, int from, int n) {
    List<String> numbers = new ArrayList<>(n);
    List<String> kinds = new ArrayList<>(n);
    List<String> records = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      int a = i / KINDS.size();
      String number = String.format("ZB20261125%08d", a);
      ReportRecord r = SampleRecords.full(KINDS.get(i % KINDS.size()), number, "r-" + a, "c-" + a);
      numbers.add(number);
      kinds.add(r.kind().wire());
      records.add(r.fields().encode());
    }
    pool.preparedQuery("""
        insert into platform_report (application_number, kind, record, status, next_attempt_at, created_at, updated_at)
        select number, kind, record::jsonb,
          case when row_number() over (partition by number order by n) = 1 then 'pending' else 'held' end,
          now(), now(), now()
        from unnest($1::text[], $2::text[], $3::text[]) with ordinality as r (number, kind, record, n)
        order by n
        """).execute(Tuple.of(numbers.toArray(String[]::new), kinds.toArray(String[]::new),
        records.toArray(String[]::new))).await();
  }

  /**
   * Waits until {@code target} records are recorded as sent: first, without asking the database,
   * until the stub has taken {@code expected}, so that polling costs PostgreSQL next to nothing
   * while its CPU is measured.
   */
  private static long awaitSent(Pool pool, long target, AtomicLong received, long expected)
      throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (received.get() < expected && System.nanoTime() < giveUp) {
      Thread.sleep(5);
    }
    long sent;
    do {
      sent = pool.query("select count(*) from platform_report where status = 'sent'").execute().await()
          .iterator().next().getLong(0);
      if (sent < target) {
        Thread.sleep(10);
      }
    } while (sent < target && System.nanoTime() < giveUp);
    return sent;
  }

  /** Transactions committed, index and sequential scans of the outbox table so far. */
  private static long[] statements(Pool pool) {
    io.vertx.sqlclient.Row r = pool.query("""
        select (select xact_commit from pg_stat_database where datname = current_database()) as commits,
          idx_scan, seq_scan from pg_stat_user_tables where relname = 'platform_report'
        """).execute().await().iterator().next();
    return new long[] {r.getLong("commits"), r.getLong("idx_scan"), r.getLong("seq_scan")};
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
