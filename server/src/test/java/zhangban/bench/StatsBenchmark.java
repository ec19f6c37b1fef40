package zhangban.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import zhangban.stats.BruteForce;
import zhangban.stats.Rollups;
import zhangban.support.TestServer;

/**
 * Not a test: loads N ratings (10 million by default) over 50 departments, 500 items, 2,000
 * officers, 4 channels and two years, then times the dashboard's statistics over HTTP against the
 * same indicators computed by brute force over the raw rows, in the same run; and streams a year
 * of raw ratings as CSV while watching the heap. Flags after N: {@code noexport} skips the CSV
 * stream, {@code nobrute} the brute-force yardstick, {@code hold} keeps the loaded database (and the
 * server) up after the timings, for EXPLAIN and the like, until the process is stopped.
 *
 * <pre>
 * mvn -q -B -DskipTests install && mvn -q -B -pl server exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=zhangban.bench.StatsBenchmark -Dexec.args="10000000"
 * </pre>
 */
public final class StatsBenchmark {
  static final String FROM = "2025-12-01";
  static final String TO = "2026-11-30";
  static final int WARM_UP_ROUNDS = 40;

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    List<String> flags = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
    boolean export = !flags.contains("noexport");
    boolean bruteForce = !flags.contains("nobrute");
    boolean hold = flags.contains("hold");
    TestServer server = TestServer.start(Map.of("RATING_SCHEDULER_INTERVAL_MS", "3600000", "PUSH_WORKER_ENABLED", "false"));
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = server.app.pool();
      long t0 = System.nanoTime();
      load(pool, n);
      System.out.printf("loaded %,d ratings in %.0f s%n", n, (System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      pool.withTransaction(tx -> new Rollups(java.time.ZoneId.of("Asia/Shanghai")).rebuild(tx)).await();
      pool.query("analyze").execute().await();
      System.out.printf("rollups rebuilt in %.0f s: %,d rows%n", (System.nanoTime() - t0) / 1e9,
          server.count("select count(*) from stat_rollup"));

      HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost")
          .setDefaultPort(server.config.port()), new PoolOptions().setHttp1MaxSize(1));
      String token = server.tokens.token("bench-manager", "经理", List.of("manager"), null, null);
      LocalDate from = LocalDate.parse(FROM);
      LocalDate to = LocalDate.parse(TO);
      record Case(String name, String url, Supplier<Object> bruteForce) {}
      List<Case> cases = List.of(
          new Case("trend by month, one year", "/stats/ratings?bucket=month&from=" + FROM + "&to=" + TO,
              () -> BruteForce.counters(pool, "Asia/Shanghai", from, to, "none", "month", Optional.empty(), Optional.empty())),
          new Case("by department, one year", "/stats/ratings?groupBy=department&from=" + FROM + "&to=" + TO,
              () -> BruteForce.counters(pool, "Asia/Shanghai", from, to, "department", "none", Optional.empty(), Optional.empty())),
          new Case("worst items, one year", "/stats/ratings/ranking?by=item&order=worst&from=" + FROM + "&to=" + TO,
              () -> BruteForce.counters(pool, "Asia/Shanghai", from, to, "item", "none", Optional.empty(), Optional.empty())),
          new Case("best officers, one year", "/stats/ratings/ranking?by=officer&from=" + FROM + "&to=" + TO,
              () -> BruteForce.counters(pool, "Asia/Shanghai", from, to, "officer", "none", Optional.empty(), Optional.empty())),
          new Case("one department by day, 90 days",
              "/stats/ratings?bucket=day&department=BD07&from=2026-09-01&to=2026-11-29",
              () -> BruteForce.counters(pool, "Asia/Shanghai", LocalDate.parse("2026-09-01"), LocalDate.parse("2026-11-29"),
                  "none", "day", Optional.of("BD07"), Optional.empty())),
          new Case("poor-rating reasons, one year", "/stats/ratings/tags?from=" + FROM + "&to=" + TO,
              () -> pool.preparedQuery("""
                  select t.tag, count(*) from rating r cross join unnest(r.tags) t(tag)
                  where r.poor and not r.excluded and (r.rated_at at time zone 'Asia/Shanghai')::date between $1 and $2
                  group by 1 order by 2 desc limit 10""").execute(Tuple.of(from, to)).await()));

      // a server that has run for a while has compiled its request path (token check, contract
      // validation, JSON); timed cold, the first cases measured the JIT: an authenticated GET /me
      // took 11-14 ms over its first 55 requests and about 1 ms after a few hundred
      for (int i = 0; i < WARM_UP_ROUNDS; i++) {
        for (Case c : cases) {
          get(http, c.url(), token);
        }
      }
      System.out.printf("%n%-34s %10s %10s %12s %8s%n", "query", "p50 ms", "p95 ms", "brute ms", "ratio");
      for (Case c : cases) {
        for (int i = 0; i < 5; i++) {
          get(http, c.url(), token);
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          long s = System.nanoTime();
          get(http, c.url(), token);
          times.add((System.nanoTime() - s) / 1e6);
        }
        Collections.sort(times);
        List<Double> brute = new ArrayList<>();
        for (int i = 0; i < (bruteForce ? 3 : 0); i++) {
          long s = System.nanoTime();
          c.bruteForce().get();
          brute.add((System.nanoTime() - s) / 1e6);
        }
        Collections.sort(brute);
        double p50 = times.get(times.size() / 2);
        double p95 = times.get((int) Math.ceil(times.size() * 0.95) - 1);
        if (brute.isEmpty()) {
          System.out.printf("%-34s %10.1f %10.1f%n", c.name(), p50, p95);
        } else {
          System.out.printf("%-34s %10.1f %10.1f %12.0f %7.0fx%n", c.name(), p50, p95, brute.get(1), brute.get(1) / p50);
        }
      }
      if (export) {
        exportYear(http, token);
      }
      if (hold) {
        System.out.printf("%nholding: psql -h %s -p %s -U %s %s (password %s); server on port %d; stop with Ctrl-C%n",
            server.config.database().get().host(), server.config.database().get().port(), server.config.database().get().user(),
            server.config.database().get().database(), server.config.database().get().password(), server.config.port());
        Thread.sleep(Long.MAX_VALUE);
      }
    } finally {
      vertx.close().await();
      server.close();
    }
  }

  static Buffer get(HttpClientAgent http, String url, String token) {
    return http.request(HttpMethod.GET, url).compose(req -> req.putHeader("Authorization", "Bearer " + token).send()
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + resp.statusCode());
          }
          return resp.body();
        })).await();
  }

  /** Streams a year of raw ratings and samples the heap meanwhile (after a GC before it starts). */
  static void exportYear(HttpClientAgent http, String token) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = memory.getHeapMemoryUsage().getUsed();
    AtomicLong max = new AtomicLong(before);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (running.get()) {
        max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    AtomicLong bytes = new AtomicLong();
    AtomicLong lines = new AtomicLong();
    long s = System.nanoTime();
    http.request(HttpMethod.GET, "/exports/ratings.csv?from=" + FROM + "&to=" + TO)
        .compose(req -> req.putHeader("Authorization", "Bearer " + token).send())
        .compose(resp -> {
          resp.handler(b -> {
            bytes.addAndGet(b.length());
            for (int i = 0; i < b.length(); i++) {
              if (b.getByte(i) == '\n') {
                lines.incrementAndGet();
              }
            }
          });
          return resp.end();
        }).await();
    running.set(false);
    sampler.join();
    System.out.printf("%nexport of one year: %,d lines, %,d MB in %.0f s; heap used before %,d MB, highest while"
            + " streaming %,d MB (max heap %,d MB)%n", lines.get() - 1, bytes.get() >> 20, (System.nanoTime() - s) / 1e9,
        before >> 20, max.get() >> 20, memory.getHeapMemoryUsage().getMax() >> 20);
  }

  /** The synthetic province, in a few set-based statements. */
  static void load(Pool pool, long n) {
    pool.query("""
        insert into department (code, name, region, uses_external_system)
        select 'BD' || lpad(g::text, 2, '0'), '基准部门' || g, '440300', false from generate_series(1, 50) g""")
        .execute().await();
    pool.query("""
        insert into service_item (code, department, current_version, status, search_text)
        select 'BI-' || lpad(g::text, 3, '0'), 'BD' || lpad((1 + (g - 1) % 50)::text, 2, '0'), 1, 'active', 'bench'
        from generate_series(1, 500) g""").execute().await();
    pool.query("""
        insert into service_item_version (item_code, version, name, department, kind, promised_days, legal_days,
          visits_needed, fully_online)
        select 'BI-' || lpad(g::text, 3, '0'), 1, '基准事项' || g, 'BD' || lpad((1 + (g - 1) % 50)::text, 2, '0'),
          'public_service', 5, 20, 0, true
        from generate_series(1, 500) g""").execute().await();
    // application g: item 1 + (g * 7919) % 500 (its department follows), officer one of the 40 of that
    // department, spread evenly over two years ending 2026-11-30. The item follows g % 500, so the
    // officer follows g / 500, and the channel (ch) and level (p, a percentile) come from hashes of g:
    // derived from g % 40 and g % 100 as they once were, they made 200 officers of the 2,000, each
    // item and officer rated on one channel only, and each item at one level only.
    String facts = """
        select g, md5('a' || g)::uuid as id, 'ZB' || lpad(g::text, 16, '0') as number,
               'BI-' || lpad(it::text, 3, '0') as item, 'BD' || lpad((1 + (it - 1) % 50)::text, 2, '0') as dept,
               'bench-officer-' || ((it - 1) % 50) || '-' || ((g / 500) % 40) as officer,
               abs(hashint8extended(g, 1) % 4) as ch, abs(hashint8extended(g, 2) % 100) as p,
               timestamptz '2024-12-01 00:00+08' + (g::float8 / $1) * interval '730 days' as t
        from (select g, 1 + (g * 7919) % 500 as it from generate_series(1, $1::bigint) g) s
        """;
    // secondary indexes are built once after the load rather than row by row during it
    List<String> indexes = List.of("application_by_applicant", "application_by_department", "rating_by_department");
    Map<String, String> definitions = new java.util.LinkedHashMap<>();
    for (String index : indexes) {
      definitions.put(index, pool.preparedQuery("select indexdef from pg_indexes where indexname = $1")
          .execute(Tuple.of(index)).await().iterator().next().getString(0));
      pool.query("drop index " + index).execute().await();
    }
    long chunk = 1_000_000;
    for (long start = 0; start < n; start += chunk) {
      long end = Math.min(n, start + chunk);
      String range = " where g > " + start + " and g <= " + end;
      pool.preparedQuery("""
          insert into application (id, number, state, item_code, item_version, department, applicant_subject,
            applicant_kind, form, submitted_at, completed_at, created_at, updated_at)
          select id, number, 'completed', item, 1, dept, 'bench-citizen-' || (g % 200000), 'citizen', '{}', t, t, t, t
          from (""" + facts + ") f" + range).execute(Tuple.of(n)).await();
      pool.preparedQuery("""
          insert into rating_invitation (application_id, stage, reached_at, window_ends_at, department,
            officer_subject, rater_subject, state)
          select id, 'completed', t, t + interval '7 days', dept, officer, 'bench-citizen-' || (g % 200000),
            case when g % 33 = 0 then 'defaulted' else 'rated' end
          from (""" + facts + ") f" + range).execute(Tuple.of(n)).await();
      // levels: 5 60%, 4 20%, 3 10%, 2 6%, 1 4%; every 33rd defaulted (3); channels app, web, hall, kiosk
      pool.preparedQuery("""
          insert into rating (id, application_id, application_number, stage, level, poor, channel, channel_group, tags,
            dictionary_version, rater_subject, department, region, officer_subject, item_code, item_version, source,
            defaulted, rated_at, created_at)
          select md5('r' || g)::uuid, id, number, 'completed', lvl, lvl <= 2 and g % 33 <> 0,
            case when g % 33 = 0 then 'system' else (array['app', 'web', 'hall', 'kiosk'])[1 + ch] end,
            case when g % 33 = 0 then 'system' when ch < 2 then 'online' else 'offline' end,
            case when lvl <= 2 and g % 33 <> 0 then array[(case when ch < 2
              then array['efficiency', 'guide_accuracy', 'convenience', 'usability']
              else array['service_efficiency', 'service_quality', 'service_attitude', 'service_attitude'] end)[1 + (g / 4) % 4]]
              else '{}'::text[] end,
            1, 'bench-citizen-' || (g % 200000), dept, '440300', officer, item, 1,
            case when g % 33 = 0 then 'default' else 'applicant' end, g % 33 = 0, t + interval '1 hour', t
          from (select f.*, case when g % 33 = 0 then 3 else (case when p < 60 then 5 when p < 80 then 4 when p < 90 then 3
                  when p < 96 then 2 else 1 end) end as lvl
                from (""" + facts + ") f" + range + ") s")
          .execute(Tuple.of(n)).await();
      System.out.printf("  %,d of %,d%n", end, n);
    }
    for (String definition : definitions.values()) {
      pool.query(definition).execute().await();
    }
    // a case for every poor rating: most replied in time, some late, some still open; 5% appealed
    pool.query("""
        insert into rectification_case (id, rating_id, application_id, application_number, department, state, opened_at,
          opened_on, verify_deadline, verify_warning_from, reply_deadline, reply_warning_from, claimed_by, claimed_at,
          verified_at, finding, rectified_at, outcome, measures, replied_at, reply, closed_at, close_reason, appeal_state)
        select md5('c' || r.id)::uuid, r.id, r.application_id, r.application_number, r.department,
          case when h % 10 = 0 then 'open' when h % 10 = 1 then 'claimed' else 'closed' end,
          r.rated_at, d, d + 1, d + 1, d + 21, d + 17,
          case when h % 10 = 0 then null else r.officer_subject end, case when h % 10 = 0 then null else r.rated_at end,
          case when h % 10 > 1 then r.rated_at + interval '1 day' end, case when h % 10 > 1 then 'true' end,
          case when h % 10 > 1 then r.rated_at + interval '5 days' end, case when h % 10 > 1 then 'immediate' end,
          case when h % 10 > 1 then '整改' end,
          case when h % 10 > 1 then r.rated_at + (case when h % 10 = 9 then interval '40 days' else interval '9 days' end) end,
          case when h % 10 > 1 then '已整改' end,
          case when h % 10 > 1 then r.rated_at + interval '12 days' end, case when h % 10 > 1 then 'no_follow_up' end,
          case when h % 20 = 3 then (case when h % 40 = 3 then 'upheld' else 'rejected' end) else 'none' end
        from (select r.*, (r.rated_at at time zone 'Asia/Shanghai')::date as d, abs(hashtext(r.id::text)::bigint) as h
              from rating r where r.poor) r""").execute().await();
    pool.query("""
        insert into case_appeal (case_id, reason, explanation, filed_by, filed_at, decision, decided_by, decided_at)
        select id, 'mistaken', '评价对象有误', claimed_by, opened_at + interval '1 day', appeal_state, 'bench-manager',
          opened_at + interval '2 days'
        from rectification_case where appeal_state in ('upheld', 'rejected')""").execute().await();
    pool.query("""
        update rating r set excluded = true, excluded_reason = '申诉成立'
        from rectification_case c where c.rating_id = r.id and c.appeal_state = 'upheld'""").execute().await();
  }
}
