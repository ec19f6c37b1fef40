package zhangban.rectification;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;
import zhangban.config.Config;
import zhangban.db.Timestamps;
import zhangban.jobs.PeriodicJob;
import zhangban.notify.Notifier;
import zhangban.rating.Audit;

/**
 * The clock-driven parts of rectification (差评整改), run by every replica, each step claimed by a
 * row change so that it happens once: the yellow and red of case deadlines, with escalation of
 * overdue cases to managers, and the close of replied cases whose rater never answered.
 */
public final class CaseScheduler extends PeriodicJob {
  private static final int BATCH = 500;

  private static final String CASE_DEADLINES = """
      with due as (
        select c.id, c.rating_id, c.application_id, c.application_number, c.department, 'verify' as deadline,
               c.verify_deadline as due_on,
               case when $1::date > c.verify_deadline then 'red' else 'yellow' end as level
        from rectification_case c
        where c.state in ('open', 'claimed') and $1::date >= c.verify_warning_from
        union all
        select c.id, c.rating_id, c.application_id, c.application_number, c.department, 'reply' as deadline,
               c.reply_deadline as due_on,
               case when $1::date > c.reply_deadline then 'red' else 'yellow' end as level
        from rectification_case c
        where rectification_case_running(c) and $1::date >= c.reply_warning_from
      ), fresh as (
        insert into case_reminder (case_id, deadline, level, sent_at)
        select id, deadline, level, $2 from due
        on conflict do nothing
        returning case_id, deadline, level
      )
      select due.*, v.name as item_name from due
      join fresh on fresh.case_id = due.id and fresh.deadline = due.deadline and fresh.level = due.level
      join application a on a.id = due.application_id
      join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
      """;
  private static final String ESCALATE = """
      update rectification_case set escalated_at = coalesce(escalated_at, $2), version = version + 1 where id = $1
      """;
  private static final String AUTO_CLOSE = """
      update rectification_case set state = 'closed', closed_at = $1, close_reason = 'no_follow_up',
        version = version + 1
      where id in (
          select id from rectification_case where state = 'replied' and replied_at <= $2
          order by replied_at limit $3 for update skip locked)
      returning id, rating_id
      """;

  private final Pool pool;
  private final Audit audit;
  private final Notifier notifier;
  private final CaseService cases;
  private final Config.Rating rules;
  private final Clock clock;
  private final ZoneId zone;

  public CaseScheduler(Pool pool, Notifier notifier, CaseService cases, Config.Rating rules, Clock clock,
                       ZoneId zone, Audit audit) {
    super("Rectification case scheduler pass", rules.schedulerIntervalMillis());
    this.audit = audit;
    this.pool = pool;
    this.notifier = notifier;
    this.cases = cases;
    this.rules = rules;
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  protected Future<Integer> work() {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> caseDeadlines(tx, now))
        .compose(a -> pool.withTransaction(tx -> autoClose(tx, now)).map(b -> a + b));
  }

  private Future<Integer> caseDeadlines(SqlClient tx, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    return tx.preparedQuery(CASE_DEADLINES).execute(Tuple.of(today, Timestamps.utc(now))).compose(rows ->
        each(rows, r -> {
          boolean red = "red".equals(r.getString("level"));
          UUID caseId = r.getUUID("id");
          JsonObject params = new JsonObject().put("deadline", r.getLocalDate("due_on").toString())
              .put("step", "verify".equals(r.getString("deadline"))
                  ? new JsonObject().put("zh-CN", "回访核实").put("en", "contact and verification")
                  : new JsonObject().put("zh-CN", "整改答复").put("en", "rectification and reply"));
          Notifier.Notice notice = cases.caseNotice(red ? "case_overdue" : "case_deadline_approaching", caseId,
              r.getUUID("application_id"), r.getString("application_number"), r.getString("item_name"), params, red,
              now);
          Future<Void> told = notifier.notifyOfficers(tx, r.getString("department"), notice);
          if (!red) {
            return told;
          }
          return told
              .compose(v -> tx.preparedQuery(ESCALATE).execute(Tuple.of(caseId, Timestamps.utc(now))))
              .compose(v -> audit.record(tx, r.getUUID("rating_id"), caseId, "escalated", Audit.SYSTEM, Audit.SYSTEM,
                  null, new JsonObject().put("deadline", r.getString("deadline"))
                      .put("due", r.getLocalDate("due_on").toString()), now))
              .compose(v -> notifier.notifyManagers(tx, r.getString("department"), notice));
        }));
  }

  private Future<Integer> autoClose(SqlClient tx, Instant now) {
    Instant repliedBefore = now.minus(Duration.ofDays(rules.followUpDays()));
    return tx.preparedQuery(AUTO_CLOSE).execute(Tuple.of(Timestamps.utc(now), Timestamps.utc(repliedBefore), BATCH))
        .compose(rows -> each(rows, r -> audit.record(tx, r.getUUID("rating_id"), r.getUUID("id"), "closed",
            Audit.SYSTEM, Audit.SYSTEM, null, new JsonObject().put("reason", "no_follow_up"), now)));
  }
}
