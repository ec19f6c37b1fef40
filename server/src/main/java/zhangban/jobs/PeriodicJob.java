package zhangban.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clock-driven job: a verticle that runs one pass of its work every interval, never two at once
 * in one process. Every replica runs its own; each pass claims what it does by a row change, so
 * that whatever many replicas run it, each thing happens once.
 */
public abstract class PeriodicJob extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicJob.class);
  private final String name;
  private final long intervalMillis;
  private long timer = -1;
  private boolean running;

  /** {@code name} says in the log what failed. */
  protected PeriodicJob(String name, long intervalMillis) {
    this.name = name;
    this.intervalMillis = intervalMillis;
  }

  /** One pass over everything due; answers how many things it did. */
  protected abstract Future<Integer> work();

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(intervalMillis, id -> runOnce());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** One pass now; answers how many things it did, or -1 when a pass was already running. */
  public Future<Integer> runOnce() {
    if (running) {
      return Future.succeededFuture(-1);
    }
    running = true;
    return work()
        .onFailure(err -> LOG.warn("{} failed: {}", name, err.toString()))
        .onComplete(ar -> running = false);
  }

  /** {@link #runOnce} on this verticle's own context, so that any thread may ask for a pass. */
  public Future<Integer> pass() {
    Promise<Integer> done = Promise.promise();
    context.runOnContext(v -> runOnce().onComplete(done));
    return done.future();
  }

  /** Stops the passes by the clock (tests that need work left undone; {@link #pass} still runs one). */
  public Future<Void> pause() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      done.complete();
    });
    return done.future();
  }

  /** Does {@code work} for each row, one after the other; answers how many rows. */
  protected static Future<Integer> each(RowSet<Row> rows, Function<Row, Future<?>> work) {
    Future<?> chain = Future.succeededFuture();
    int n = 0;
    for (Row r : rows) {
      n++;
      chain = chain.compose(v -> work.apply(r));
    }
    int count = n;
    return chain.map(count);
  }
}
