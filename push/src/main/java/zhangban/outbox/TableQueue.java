package zhangban.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * An outbox table with the usual columns (status, attempts, next_attempt_at, lease_until,
 * leased_by) and a heartbeat table of its workers: the queue runs its owner's literal statements,
 * each with the parameters {@link OutboxQueue} describes, and reads a claimed row with {@link #job}.
 */
public abstract class TableQueue<J extends OutboxJob> implements OutboxQueue<J> {
  /**
   * The table's statements. {@code claim}: $1 now, $2 limit, $3 lease until, $4 worker, $5 ids in
   * flight; {@code sent}: $1 ids, $2 receipts, $3 now, $4 worker; {@code failed}: $1 id, $2 status,
   * $3 next attempt, $4 error, $5 now, $6 worker; {@code release}: $1 worker, $2 now;
   * {@code heartbeat}: $1 worker, $2 window in ms, answering {@code live}; {@code leave}: $1
   * worker; {@code backlog}: answering {@code n} and {@code oldest}.
   */
  public record Statements(String claim, String sent, String failed, String release, String heartbeat, String leave,
                           String backlog) {}

  private final Statements sql;

  protected TableQueue(Statements sql) {
    this.sql = sql;
  }

  /** A claimed row as the job the sender takes; null for a row the claim settled itself (not to be sent). */
  protected abstract J job(Row r);

  @Override
  public Future<List<J>> claim(Pool pool, Instant now, int limit, Instant leaseUntil, String worker, Long[] inFlight) {
    return pool.preparedQuery(sql.claim()).execute(Tuple.of(utc(now), limit, utc(leaseUntil), worker, inFlight))
        .map(rows -> {
          List<J> jobs = new ArrayList<>();
          for (Row r : rows) {
            J job = job(r);
            if (job != null) {
              jobs.add(job);
            }
          }
          return jobs;
        });
  }

  @Override
  public Future<Void> sent(Pool pool, Long[] ids, String[] receipts, Instant now, String worker) {
    return pool.preparedQuery(sql.sent()).execute(Tuple.of(ids, receipts, utc(now), worker)).mapEmpty();
  }

  @Override
  public Future<Void> failed(Pool pool, J job, Outcome outcome, String status, Instant nextAttemptAt, String error,
                             Instant now, String worker) {
    return pool.preparedQuery(sql.failed()).execute(failure(job, status, nextAttemptAt, error, now, worker)).mapEmpty();
  }

  /** The parameters of the {@code failed} statement, for a queue that runs it in a transaction of its own. */
  protected static Tuple failure(OutboxJob job, String status, Instant nextAttemptAt, String error, Instant now,
                                 String worker) {
    return Tuple.of(job.id(), status, utc(nextAttemptAt), error, utc(now), worker);
  }

  @Override
  public Future<Void> release(Pool pool, String worker, Instant now) {
    return pool.preparedQuery(sql.release()).execute(Tuple.of(worker, utc(now))).mapEmpty();
  }

  @Override
  public Future<Long> heartbeat(Pool pool, String worker, long windowMillis) {
    return pool.preparedQuery(sql.heartbeat()).execute(Tuple.of(worker, windowMillis))
        .map(rows -> rows.iterator().next().getLong("live"));
  }

  @Override
  public Future<Void> leave(Pool pool, String worker) {
    return pool.preparedQuery(sql.leave()).execute(Tuple.of(worker)).mapEmpty();
  }

  @Override
  public Future<Backlog> backlog(Pool pool) {
    return pool.query(sql.backlog()).execute().map(rows -> {
      Row r = rows.iterator().next();
      OffsetDateTime oldest = r.getOffsetDateTime("oldest");
      return new Backlog(r.getLong("n"), oldest == null ? null : oldest.toInstant());
    });
  }

  protected static OffsetDateTime utc(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }
}
