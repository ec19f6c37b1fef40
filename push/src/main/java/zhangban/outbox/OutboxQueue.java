package zhangban.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;

/**
 * One outbox table, as the {@link OutboxWorker} drives it. Each method is one literal statement of
 * the table's owner (the push jobs, the platform reports): the worker holds the machinery, the
 * queue the SQL. A job's status is {@code pending}, {@code sending} (claimed, with a lease),
 * {@code sent}, {@code temporary-failure} (due again at its next attempt), {@code dead}, or
 * {@code permanent-failure} (its recipient is gone).
 */
public interface OutboxQueue<J extends OutboxJob> {
  /** Names the metrics ({@code zhangban.<name>.sent} …) and the log lines. */
  String name();

  /** The channel its writers NOTIFY when they queue jobs. */
  String channel();

  /**
   * Whether a job may wait for an earlier one (the claim holds back the later jobs of one key until
   * the earlier are sent): then each round that sent something is followed by another claim at
   * once, since the jobs it held back are due now, without waiting for the next poll.
   */
  default boolean ordered() {
    return false;
  }

  /**
   * Claims up to {@code limit} due jobs with {@code FOR UPDATE SKIP LOCKED}: marks them sending,
   * leased to {@code worker} until {@code leaseUntil}, and counts the attempt. Jobs whose lease ran
   * out are due again, except the ones this worker still has {@code inFlight}.
   */
  Future<List<J>> claim(Pool pool, Instant now, int limit, Instant leaseUntil, String worker, Long[] inFlight);

  /** Marks sent, with their receipts, the jobs still leased to {@code worker}. */
  Future<Void> sent(Pool pool, Long[] ids, String[] receipts, Instant now, String worker);

  /**
   * Records a failed send of a job still leased to {@code worker}: {@code status} is
   * {@code temporary-failure} (due at {@code nextAttemptAt}), {@code dead} or {@code permanent-failure}
   * (the {@link Outcome.Gone} the queue may act on as well, in the same transaction).
   */
  Future<Void> failed(Pool pool, J job, Outcome outcome, String status, Instant nextAttemptAt, String error,
                      Instant now, String worker);

  /** Gives back, due now, the jobs still leased to a worker that stops. */
  Future<Void> release(Pool pool, String worker, Instant now);

  /** Refreshes the worker's heartbeat; answers how many workers were seen within {@code windowMillis}. */
  Future<Long> heartbeat(Pool pool, String worker, long windowMillis);

  /** Removes a stopping worker's heartbeat, so the others take its share. */
  Future<Void> leave(Pool pool, String worker);

  /** The jobs waiting to be sent and when the oldest of them was queued (null when none). */
  Future<Backlog> backlog(Pool pool);

  record Backlog(long waiting, Instant oldest) {}
}
