package zhangban.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import zhangban.db.Timestamps;

/**
 * Queues an SMS to an application's applicant, in the caller's transaction, for the SMS worker
 * (docs/sms.md). The number is the application's, sealed; it is never in clear here. A number
 * that opted out, or that had its day's share of messages, gets a job recorded as such, not sent.
 */
public final class SmsOutbox {
  /**
   * One message of kind $2 with template parameters $4 to the applicant of application $1 at $3,
   * unless they gave no number; 'opted-out' or 'limited' (more than $5 queued in the day before)
   * instead of 'pending'; wakes the workers when it is due.
   */
  private static final String QUEUE = """
      with target as (
        select a.id, a.applicant_phone, a.applicant_phone_hash
        from application a
        where a.id = $1 and a.applicant_phone is not null),
      queued as (
        insert into sms_job (kind, application_id, phone, phone_hash, params, status, next_attempt_at, created_at,
          updated_at)
        select $2::text, t.id, t.applicant_phone, t.applicant_phone_hash, $4::jsonb,
               case when exists (select 1 from sms_opt_out o where o.phone_hash = t.applicant_phone_hash)
                      then 'opted-out'
                    when (select count(*) from sms_job j
                          where j.phone_hash = t.applicant_phone_hash and j.created_at > $3::timestamptz - interval '1 day'
                            and j.status not in ('opted-out', 'limited')) >= $5
                      then 'limited'
                    else 'pending' end,
               $3::timestamptz, $3::timestamptz, $3::timestamptz
        from target t
        returning status)
      select pg_notify('zhangban_sms', '') from queued where status = 'pending'
      """;

  private final int perNumberPerDay;

  public SmsOutbox(int perNumberPerDay) {
    this.perNumberPerDay = perNumberPerDay;
  }

  /** Queues {@code kind} with {@code params} (the template's, in order) to the applicant of {@code applicationId}. */
  public Future<Void> queue(SqlClient tx, UUID applicationId, String kind, List<String> params, Instant at) {
    return tx.preparedQuery(QUEUE).execute(Tuple.of(applicationId, kind, Timestamps.utc(at), new JsonArray(params),
        perNumberPerDay)).mapEmpty();
  }
}
