package zhangban.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import zhangban.stats.Rollups;
import zhangban.support.TestServer;

/**
 * Not a test: the published results (公示) under load beside the same statistic for a signed-in
 * manager, in the same run. Loads N ratings (1 million by default) as {@link StatsBenchmark} does,
 * then, in alternating rounds of D seconds each with C requests in flight, asks for November 2026
 * of the whole province as a manager ({@code GET /stats/ratings}, bearer token) and as anyone
 * ({@code GET /public/ratings/summary}), and prints the throughput of each and their ratio per
 * round. The per-client limit is lifted (the benchmark is one client); caching is as configured.
 *
 * <pre>
 * mvn -q -B -DskipTests install && mvn -q -B -pl server exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=zhangban.bench.DisclosureBenchmark -Dexec.args="1000000 10 32 3"
 * </pre>
 * Arguments: N ratings, D seconds a round, C requests in flight, rounds of each.
 */
public final class DisclosureBenchmark {
  static final String MANAGER = "/stats/ratings?from=2026-11-01&to=2026-11-30";
  static final String PUBLIC = "/public/ratings/summary?period=2026-11";

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    TestServer server = TestServer.start(Map.of("RATING_SCHEDULER_INTERVAL_MS", "3600000", "PUSH_WORKER_ENABLED", "false",
        "DISCLOSURE_CALLS_PER_MINUTE", "100000000"));
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = server.app.pool();
      long t0 = System.nanoTime();
      StatsBenchmark.load(pool, n);
      pool.withTransaction(tx -> new Rollups(java.time.ZoneId.of("Asia/Shanghai")).rebuild(tx)).await();
      pool.query("analyze").execute().await();
      System.out.printf("loaded %,d ratings and their rollups in %.0f s%n", n, (System.nanoTime() - t0) / 1e9);

      HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost")
          .setDefaultPort(server.config.port()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(inFlight));
      String token = server.tokens.token("bench-manager", "经理", List.of("manager"), null, null);
      // both answer the same: the province's November
      long managerActive = new io.vertx.core.json.JsonObject(StatsBenchmark.get(http, MANAGER, token))
          .getJsonObject("totals").getLong("active");
      long publicActive = http.request(HttpMethod.GET, PUBLIC).compose(req -> req.send()).compose(resp -> resp.body())
          .map(body -> new io.vertx.core.json.JsonObject(body).getJsonObject("indicators").getLong("active")).await();
      if (managerActive != publicActive) {
        throw new IllegalStateException("the two answer differently: " + managerActive + " and " + publicActive);
      }
      System.out.printf("November's active ratings, both ways: %,d%n", managerActive);
      // warm both paths up (the JIT, the pool, the kept answer)
      throughput(vertx, http, MANAGER, token, inFlight, Math.max(3, seconds / 2));
      throughput(vertx, http, PUBLIC, null, inFlight, Math.max(3, seconds / 2));

      System.out.printf("%n%-6s %14s %14s %8s%n", "round", "manager req/s", "public req/s", "ratio");
      List<Double> ratios = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        double manager = throughput(vertx, http, MANAGER, token, inFlight, seconds);
        double published = throughput(vertx, http, PUBLIC, null, inFlight, seconds);
        ratios.add(published / manager);
        System.out.printf("%-6d %14.0f %14.0f %7.1fx%n", r, manager, published, published / manager);
      }
      ratios.sort(Double::compare);
      System.out.printf("median ratio %.1fx (%d in flight, %d s rounds)%n", ratios.get(ratios.size() / 2), inFlight, seconds);
    } finally {
      vertx.close().await();
      server.close();
    }
  }

  /** Requests a second: {@code inFlight} chains, each sending its next request when the last is answered. */
  static double throughput(Vertx vertx, HttpClientAgent http, String url, String token, int inFlight, int seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong done = new AtomicLong();
    List<Future<Void>> chains = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < inFlight; i++) {
      Promise<Void> chain = Promise.promise();
      vertx.runOnContext(v -> next(http, url, token, end, done, chain));
      chains.add(chain.future());
    }
    Future.all(chains).await();
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static void next(HttpClientAgent http, String url, String token, long end, AtomicLong done, Promise<Void> chain) {
    if (System.nanoTime() >= end) {
      chain.complete();
      return;
    }
    http.request(HttpMethod.GET, url).compose(req -> {
      if (token != null) {
        req.putHeader("Authorization", "Bearer " + token);
      }
      return req.send();
    }).compose(resp -> resp.body().map(body -> resp.statusCode())).onComplete(ar -> {
      if (ar.failed() || ar.result() != 200) {
        chain.fail(ar.failed() ? ar.cause() : new IllegalStateException(url + " answered " + ar.result()));
        return;
      }
      done.incrementAndGet();
      next(http, url, token, end, done, chain);
    });
  }
}
