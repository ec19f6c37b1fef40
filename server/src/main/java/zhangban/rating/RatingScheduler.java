package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import zhangban.config.Config;
import zhangban.db.Timestamps;
import zhangban.jobs.PeriodicJob;
import zhangban.stats.Rollups;

/**
 * The clock-driven parts of 好差评, run by every replica, each step claimed by a row change so that
 * it happens once: the one reminder of an unrated stage, and the close of a rating window (with
 * the configured default rating, if any). The deadlines of rectification cases have their own
 * job ({@code rectification.CaseScheduler}).
 */
public final class RatingScheduler extends PeriodicJob {
  private static final int BATCH = 500;

  private static final String REMINDERS = """
      update rating_invitation i set remind_at = null
      from application a, service_item_version v
      where (i.application_id, i.stage) in (
          select application_id, stage from rating_invitation
          where state = 'open' and remind_at <= $1 order by remind_at limit $2 for update skip locked)
        and a.id = i.application_id and v.item_code = a.item_code and v.version = a.item_version
      returning i.application_id, i.stage, i.rater_subject, i.window_ends_at, a.number, v.name as item_name,
        a.source <> 'app' as elsewhere
      """;
  /**
   * Rating invitations and reminders whose pushes all ended for good in the day before $1, for an
   * open stage of a transaction that came with a number and got no SMS of that
   * kind yet: each once ($2 at most), to be sent by SMS instead.
   */
  private static final String PUSHES_FAILED_FOR_GOOD = """
      select distinct on (j.application_id, j.kind) j.application_id, j.kind, i.stage, i.window_ends_at,
             v.name as item_name
      from push_job j
      join rating_invitation i on i.application_id = j.application_id and i.state = 'open' and i.window_ends_at > $1
      join application a on a.id = j.application_id
      join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
      where j.status in ('permanent-failure', 'dead') and j.kind in ('rating_invitation', 'rating_reminder')
        and j.updated_at > $1 - interval '1 day'
        and a.applicant_phone is not null and a.source <> 'app'
        and not exists (select 1 from push_job o where o.application_id = j.application_id and o.kind = j.kind
                          and o.status not in ('permanent-failure', 'dead'))
        and not exists (select 1 from sms_job s where s.application_id = j.application_id and s.kind = j.kind)
      order by j.application_id, j.kind, i.reached_at desc
      limit $2
      """;
  /** Held until the fallback's transaction ends: one replica's pass at a time. */
  private static final String ONE_AT_A_TIME = "select pg_advisory_xact_lock(hashtext('zhangban: sms after failed pushes'))";
  private static final String CLOSE_WINDOWS = """
      update rating_invitation i set state = $3
      from application a, department d
      where (i.application_id, i.stage) in (
          select application_id, stage from rating_invitation
          where state = 'open' and window_ends_at <= $1 order by window_ends_at limit $2 for update skip locked)
        and a.id = i.application_id and d.code = a.department
      returning i.application_id, i.stage, i.rater_subject, i.window_ends_at, i.department, i.officer_subject,
        a.number, a.applicant_name, a.item_code, a.item_version, d.region
      """;
  private static final String DEFAULT_RATING = """
      insert into rating (id, application_id, application_number, stage, level, poor, channel, channel_group, tags,
        rater_subject, rater_name, department, region, officer_subject, item_code, item_version, source, defaulted,
        rated_at, created_at)
      values ($1, $2, $3, $4, $5, false, 'system', 'system', '{}', $6, $7, $8, $9, $10, $11, $12, 'default', true,
        $13, $14)
      """;
  private final Pool pool;
  private final Audit audit;
  private final Invitations invitations;
  private final Config.Rating rules;
  private final Clock clock;
  private final Rollups rollups;

  public RatingScheduler(Pool pool, Invitations invitations, Config.Rating rules, Rollups rollups,
                         Clock clock, Audit audit) {
    super("Rating scheduler pass", rules.schedulerIntervalMillis());
    this.audit = audit;
    this.pool = pool;
    this.invitations = invitations;
    this.rules = rules;
    this.rollups = rollups;
    this.clock = clock;
  }

  @Override
  protected Future<Integer> work() {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> remind(tx, now))
        .compose(a -> pool.withTransaction(tx -> smsWherePushesFailed(tx, now)).map(b -> a + b))
        .compose(a -> pool.withTransaction(tx -> closeWindows(tx, now)).map(b -> a + b));
  }

  /** An invitation or reminder whose pushes all failed for good goes by SMS, when the transaction has a number. */
  private Future<Integer> smsWherePushesFailed(SqlClient tx, Instant now) {
    // what it claims is the absence of an SMS: the replicas take turns, each seeing the last one's
    return tx.query(ONE_AT_A_TIME).execute()
        .compose(v -> tx.preparedQuery(PUSHES_FAILED_FOR_GOOD).execute(Tuple.of(Timestamps.utc(now), BATCH)))
        .compose(rows -> each(rows, r -> invitations.bySms(tx, r.getString("kind"), r.getUUID("application_id"),
            r.getString("item_name"), r.getString("stage"), r.getOffsetDateTime("window_ends_at").toInstant(), now)));
  }

  private Future<Integer> remind(SqlClient tx, Instant now) {
    return tx.preparedQuery(REMINDERS).execute(Tuple.of(Timestamps.utc(now), BATCH)).compose(rows ->
        each(rows, r -> invitations.invite(tx, "rating_reminder", r.getString("rater_subject"),
            r.getUUID("application_id"), r.getString("number"), r.getString("item_name"), r.getString("stage"),
            r.getOffsetDateTime("window_ends_at").toInstant(), now, r.getBoolean("elsewhere"))));
  }

  private Future<Integer> closeWindows(SqlClient tx, Instant now) {
    String closedAs = rules.defaultLevel().isPresent() ? "defaulted" : "expired";
    return tx.preparedQuery(CLOSE_WINDOWS).execute(Tuple.of(Timestamps.utc(now), BATCH, closedAs)).compose(rows -> {
      if (rules.defaultLevel().isEmpty()) {
        return Future.succeededFuture(rows.rowCount());
      }
      short level = (short) (int) rules.defaultLevel().get();
      return each(rows, r -> {
        UUID id = UUID.randomUUID();
        Instant ends = r.getOffsetDateTime("window_ends_at").toInstant();
        return tx.preparedQuery(DEFAULT_RATING).execute(Tuple.from(Arrays.asList(id,
                r.getUUID("application_id"), r.getString("number"), r.getString("stage"), level,
                r.getString("rater_subject"), r.getString("applicant_name"), r.getString("department"),
                r.getString("region"), r.getString("officer_subject"), r.getString("item_code"),
                r.getInteger("item_version"), Timestamps.utc(ends), Timestamps.utc(now))))
            .compose(v -> audit.record(tx, id, null, "defaulted", Audit.SYSTEM, Audit.SYSTEM, null,
                new JsonObject().put("level", (int) level), now))
            .compose(v -> rollups.rating(tx, id, Rollups.Delta.of("defaulted", 1)));
      });
    });
  }

}
