package zhangban.sms;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import zhangban.outbox.DeadLetters;

/**
 * The operator's view of the SMS outbox: messages by status, the oldest waiting, how many numbers
 * opted out, the dead letters (never with their number) and their requeue.
 */
public final class SmsAdmin {
  private static final String COUNTS = "select status, count(*) as n from sms_job group by status";
  private static final String OLDEST_AND_OPTED_OUT = """
      select (select min(created_at) from sms_job where status in ('pending', 'temporary-failure', 'sending')) as oldest,
             (select count(*) from sms_opt_out) as opted_out
      """;
  private static final String DEAD = """
      select id, kind, application_id, attempts, last_error, created_at, updated_at
      from sms_job where status = 'dead' and ($1::bigint is null or id < $1)
      order by id desc limit $2
      """;
  /** Dead letters (all, or ids $1) due again at $2, unless their number opted out since; wakes the workers. */
  private static final String REQUEUE = """
      with requeued as (
        update sms_job j set status = 'pending', attempts = 0, next_attempt_at = $2, last_error = null, updated_at = $2
        where j.status = 'dead' and ($1::bigint[] is null or j.id = any($1))
          and not exists (select 1 from sms_opt_out o where o.phone_hash = j.phone_hash)
        returning j.id)
      select count(*) as n, pg_notify('zhangban_sms', '') from requeued
      """;
  /** The statuses of {@code sms_job}, as the table spells them, and as the API's byStatus keys them. */
  private static final String[][] STATUSES = {{"pending", "pending"}, {"opted-out", "optedOut"},
      {"limited", "limited"}, {"sending", "sending"}, {"sent", "sent"}, {"delivered", "delivered"},
      {"undelivered", "undelivered"}, {"temporary-failure", "temporaryFailure"}, {"dead", "dead"},
      {"permanent-failure", "permanentFailure"}};

  private final Pool pool;
  private final Clock clock;
  private final String provider;

  public SmsAdmin(Pool pool, Clock clock, String provider) {
    this.pool = pool;
    this.clock = clock;
    this.provider = provider;
  }

  public Future<JsonObject> stats() {
    return pool.query(COUNTS).execute().compose(counts -> pool.query(OLDEST_AND_OPTED_OUT).execute().map(more -> {
      JsonObject byStatus = new JsonObject();
      for (String[] s : STATUSES) {
        byStatus.put(s[1], 0L);
      }
      for (Row r : counts) {
        for (String[] s : STATUSES) {
          if (s[0].equals(r.getString("status"))) {
            byStatus.put(s[1], r.getLong("n"));
          }
        }
      }
      Row m = more.iterator().next();
      OffsetDateTime at = m.getOffsetDateTime("oldest");
      long age = at == null ? 0 : Math.max(0, Duration.between(at.toInstant(), clock.instant()).getSeconds());
      return new JsonObject().put("provider", provider).put("byStatus", byStatus).put("oldestPendingSeconds", age)
          .put("optedOutNumbers", m.getLong("opted_out"));
    }));
  }

  public Future<JsonObject> deadLetters(Long before, int limit) {
    return pool.preparedQuery(DEAD).execute(Tuple.of(before, limit + 1)).map(rows -> DeadLetters.page(rows, limit,
        r -> new JsonObject()
            .put("kind", r.getString("kind"))
            .put("applicationId", r.getUUID("application_id") == null ? null : r.getUUID("application_id").toString())));
  }

  /** Requeues dead letters (all, or the given ids) whose number did not opt out since; answers how many. */
  public Future<Integer> requeue(Long[] ids) {
    return pool.preparedQuery(REQUEUE).execute(Tuple.of(ids, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getLong("n").intValue());
  }
}
