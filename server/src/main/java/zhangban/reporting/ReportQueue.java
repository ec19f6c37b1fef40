package zhangban.reporting;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import zhangban.db.Timestamps;
import zhangban.outbox.OutboxJob;
import zhangban.outbox.TableQueue;

/**
 * {@code platform_report} as an outbox: the statements the {@link zhangban.outbox.OutboxWorker}
 * drives. Only the first unsent record of an application is ever due: a record arrives
 * {@code held} behind an earlier unsent one (V25), and recording a record sent makes its
 * application's next one pending. So an application's records reach the platform in the order
 * they were written (a rating never before its 办结, a case's steps in order) while different
 * applications go in parallel, and a dead record holds the later ones of its application back
 * until it is requeued and sent.
 */
final class ReportQueue extends TableQueue<ReportQueue.Job> {
  static final String CHANNEL = "zhangban_report";

  /**
   * Gives back the records whose lease ran out (their process died; not the ones this worker is
   * still sending), to be claimed by the next claim, and claims due records in order.
   */
  static final String CLAIM = """
      with expired as (
        update platform_report set status = 'temporary-failure', lease_until = null,
          last_error = 'the lease of ' || leased_by || ' ran out', updated_at = $1
        where status = 'sending' and lease_until < $1 and not (leased_by = $4 and id = any($5::bigint[]))
      ), due as (
        select id from platform_report
        where status in ('pending', 'temporary-failure') and next_attempt_at <= $1
        order by next_attempt_at, id
        limit $2
        for update skip locked
      )
      update platform_report r
      set status = 'sending', lease_until = $3, leased_by = $4, attempts = r.attempts + 1, updated_at = $1
      from due where r.id = due.id
      returning r.id, r.application_number, r.kind, r.record, r.attempts
      """;
  /**
   * One statement (one commit) for the records the platform accepted since the last such
   * statement, which makes the next held record of each of their applications pending.
   */
  private static final String SENT = """
      with sent as (
        update platform_report r set status = 'sent', receipt = v.receipt, last_error = null, lease_until = null,
          sent_at = $3, updated_at = $3
        from unnest($1::bigint[], $2::text[]) as v(id, receipt)
        where r.id = v.id and r.leased_by = $4 and r.status = 'sending'
        returning r.application_number
      ), next as (
        select min(id) as id from platform_report
        where status = 'held' and application_number in (select application_number from sent)
        group by application_number
      )
      update platform_report set status = 'pending', updated_at = $3
      where id in (select id from next)
      """;
  /**
   * Makes pending the held records whose earlier records are all sent: one written while the
   * statement that recorded its predecessor sent was committing (neither saw the other) waits for
   * this, run every few seconds.
   */
  static final String RELEASE_HELD = """
      update platform_report h set status = 'pending', updated_at = $1
      where h.status = 'held'
        and not exists (
          select from platform_report earlier
          where earlier.application_number = h.application_number and earlier.id < h.id and earlier.status <> 'sent')
      """;
  private static final String FAILED = """
      update platform_report set status = $2, next_attempt_at = $3, last_error = $4, lease_until = null, updated_at = $5
      where id = $1 and leased_by = $6 and status = 'sending'
      """;
  private static final String RELEASE = """
      update platform_report set status = 'temporary-failure', next_attempt_at = $2, lease_until = null,
        last_error = 'released at shutdown', updated_at = $2
      where leased_by = $1 and status = 'sending'
      """;
  static final String BACKLOG = """
      select count(*) as n, min(created_at) as oldest from platform_report
      where status in ('held', 'pending', 'temporary-failure', 'sending')
      """;
  /**
   * Refreshes this worker's row and counts the workers seen within three heartbeats, itself
   * included (the count reads the table as it was before this statement's own write).
   */
  private static final String HEARTBEAT = """
      with beat as (
        insert into platform_report_worker (id, seen_at) values ($1, now())
        on conflict (id) do update set seen_at = now()
      ), gone as (
        delete from platform_report_worker where seen_at < now() - interval '1 hour'
      )
      select count(*) + 1 as live from platform_report_worker
      where id <> $1 and seen_at > now() - $2::bigint * interval '1 millisecond'
      """;
  private static final String LEAVE = "delete from platform_report_worker where id = $1";

  /** A claimed record: what it is about, in Zhangban's terms, rendered by the profile when sent. */
  record Job(long id, String applicationNumber, RecordKind kind, JsonObject record, int attempts) implements OutboxJob {
    ReportRecord toRecord() {
      return new ReportRecord(kind, applicationNumber, record);
    }
  }

  ReportQueue() {
    super(new Statements(CLAIM, SENT, FAILED, RELEASE, HEARTBEAT, LEAVE, BACKLOG));
  }

  @Override
  public String name() {
    return "report";
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public boolean ordered() {
    return true;
  }

  /** Runs {@link #RELEASE_HELD}; answers how many records it made pending. */
  static Future<Integer> releaseHeld(Pool pool, Instant now) {
    return pool.preparedQuery(RELEASE_HELD).execute(Tuple.of(Timestamps.utc(now))).map(rows -> rows.rowCount());
  }

  @Override
  protected Job job(Row r) {
    return new Job(r.getLong("id"), r.getString("application_number"), RecordKind.fromWire(r.getString("kind")),
        (JsonObject) r.getJson("record"), r.getInteger("attempts"));
  }
}
