package zhangban.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicLong;
import zhangban.jobs.PeriodicJob;

/**
 * Folds the deltas that changes leave in {@code stat_rollup_delta} into the rollup rows
 * ({@link Rollups#fold}), every second, a batch per transaction until none is left. Every
 * process runs one; folds running at once take different deltas. Nothing waits for it to be
 * correct (reads add what is still pending); it keeps the pending deltas few, so reads stay cheap.
 * A fold that fails or is cut off by a crash leaves its deltas pending for the next.
 */
public final class RollupCatchUp extends PeriodicJob {
  static final long INTERVAL_MILLIS = 1_000;
  static final int BATCH = 5_000;
  private static final String BACKLOG = """
      select count(*) as pending,
             coalesce(extract(epoch from now() - min(written_at)), 0)::bigint as oldest
      from stat_rollup_delta
      """;

  private final Pool pool;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong oldestSeconds = new AtomicLong();
  private final Counter folded;

  public RollupCatchUp(Pool pool, MeterRegistry registry) {
    super("Folding the statistics deltas", INTERVAL_MILLIS);
    this.pool = pool;
    this.folded = Counter.builder("zhangban.stats.deltas.folded")
        .description("Deltas of ratings and invitations folded into the rollup rows").register(registry);
    Gauge.builder("zhangban.stats.deltas.pending", pending, AtomicLong::get)
        .description("Deltas not yet folded into the rollup rows (statistics add them when read)")
        .register(registry);
    Gauge.builder("zhangban.stats.deltas.oldest.seconds", oldestSeconds, AtomicLong::get)
        .description("Age of the oldest delta not yet folded").register(registry);
  }

  /** Folds until nothing is pending; answers how many deltas. */
  @Override
  protected Future<Integer> work() {
    return foldAll(0).compose(n -> pool.query(BACKLOG).execute().map(rows -> {
      pending.set(rows.iterator().next().getLong("pending"));
      oldestSeconds.set(rows.iterator().next().getLong("oldest"));
      return n;
    }));
  }

  private Future<Integer> foldAll(int sofar) {
    return pool.withTransaction(tx -> Rollups.fold(tx, BATCH)).compose(n -> {
      folded.increment(n);
      return n < BATCH ? Future.succeededFuture(sofar + n) : foldAll(sofar + n);
    });
  }
}
