package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.config.Config;
import zhangban.notify.Notifier;
import zhangban.stats.Rollups;

/**
 * The clock-driven parts of 好差评, run by every replica, each step claimed by a row change so that
 * it happens once: the one reminder of an unrated stage, the close of a rating window (with the
 * configured default rating, if any), the yellow and red of case deadlines with escalation of
 * overdue cases to managers, and the close of replied cases whose rater never answered.
 */
public final class RatingScheduler extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RatingScheduler.class);
  private static final int BATCH = 500;

  private static final String REMINDERS = """
      update rating_invitation i set remind_at = null
      from application a, service_item_version v
      where (i.application_id, i.stage) in (
          select application_id, stage from rating_invitation
          where state = 'open' and remind_at <= $1 order by remind_at limit $2 for update skip locked)
        and a.id = i.application_id and v.item_code = a.item_code and v.version = a.item_version
      returning i.application_id, i.stage, i.rater_subject, i.window_ends_at, a.number, v.name as item_name
      """;
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
        where c.state in ('open', 'claimed', 'verified', 'rectified') and $1::date >= c.reply_warning_from
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
  private final Notifier notifier;
  private final Invitations invitations;
  private final CaseService cases;
  private final Config.Rating rules;
  private final Clock clock;
  private final ZoneId zone;
  private final Rollups rollups;
  private long timer = -1;
  private boolean running;

  public RatingScheduler(Pool pool, Notifier notifier, Invitations invitations, CaseService cases,
                         Config.Rating rules, Rollups rollups, Clock clock, ZoneId zone) {
    this.rollups = rollups;
    this.pool = pool;
    this.notifier = notifier;
    this.invitations = invitations;
    this.cases = cases;
    this.rules = rules;
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(rules.schedulerIntervalMillis(), id -> runOnce());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** One pass over everything due; answers how many things it did, or -1 when a pass was already running. */
  public Future<Integer> runOnce() {
    if (running) {
      return Future.succeededFuture(-1);
    }
    running = true;
    Instant now = clock.instant();
    return inTransaction(tx -> remind(tx, now))
        .compose(a -> inTransaction(tx -> closeWindows(tx, now)).map(b -> a + b))
        .compose(a -> inTransaction(tx -> caseDeadlines(tx, now)).map(b -> a + b))
        .compose(a -> inTransaction(tx -> autoClose(tx, now)).map(b -> a + b))
        .onFailure(err -> LOG.warn("Rating scheduler pass failed: {}", err.toString()))
        .onComplete(ar -> running = false);
  }

  /** {@link #runOnce} on this verticle's own context, so that any thread may ask for a pass. */
  public Future<Integer> pass() {
    io.vertx.core.Promise<Integer> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> runOnce().onComplete(done));
    return done.future();
  }

  private Future<Integer> inTransaction(Function<SqlClient, Future<Integer>> work) {
    return pool.withTransaction(work::apply);
  }

  private Future<Integer> remind(SqlClient tx, Instant now) {
    return tx.preparedQuery(REMINDERS).execute(Tuple.of(CaseService.utc(now), BATCH)).compose(rows ->
        each(rows, r -> notifier.notify(tx, invitations.notice("rating_reminder", r.getString("rater_subject"),
            r.getUUID("application_id"), r.getString("number"), r.getString("item_name"), r.getString("stage"),
            r.getOffsetDateTime("window_ends_at").toInstant(), now))));
  }

  private Future<Integer> closeWindows(SqlClient tx, Instant now) {
    String closedAs = rules.defaultLevel().isPresent() ? "defaulted" : "expired";
    return tx.preparedQuery(CLOSE_WINDOWS).execute(Tuple.of(CaseService.utc(now), BATCH, closedAs)).compose(rows -> {
      if (rules.defaultLevel().isEmpty()) {
        return Future.succeededFuture(rows.rowCount());
      }
      short level = (short) (int) rules.defaultLevel().get();
      return each(rows, r -> {
        UUID id = UUID.randomUUID();
        Instant ends = r.getOffsetDateTime("window_ends_at").toInstant();
        return tx.preparedQuery(DEFAULT_RATING).execute(Tuple.from(java.util.Arrays.asList(id,
                r.getUUID("application_id"), r.getString("number"), r.getString("stage"), level,
                r.getString("rater_subject"), r.getString("applicant_name"), r.getString("department"),
                r.getString("region"), r.getString("officer_subject"), r.getString("item_code"),
                r.getInteger("item_version"), CaseService.utc(ends), CaseService.utc(now))))
            .compose(v -> Audit.record(tx, id, null, "defaulted", Audit.SYSTEM, Audit.SYSTEM, null,
                new JsonObject().put("level", (int) level), now))
            .compose(v -> rollups.rating(tx, id, Rollups.Delta.of("defaulted", 1)));
      });
    });
  }

  private Future<Integer> caseDeadlines(SqlClient tx, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    return tx.preparedQuery(CASE_DEADLINES).execute(Tuple.of(today, CaseService.utc(now))).compose(rows ->
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
              .compose(v -> tx.preparedQuery(ESCALATE).execute(Tuple.of(caseId, CaseService.utc(now))))
              .compose(v -> Audit.record(tx, r.getUUID("rating_id"), caseId, "escalated", Audit.SYSTEM, Audit.SYSTEM,
                  null, new JsonObject().put("deadline", r.getString("deadline"))
                      .put("due", r.getLocalDate("due_on").toString()), now))
              .compose(v -> notifier.notifyManagers(tx, notice));
        }));
  }

  private Future<Integer> autoClose(SqlClient tx, Instant now) {
    Instant repliedBefore = now.minus(Duration.ofDays(rules.followUpDays()));
    return tx.preparedQuery(AUTO_CLOSE).execute(Tuple.of(CaseService.utc(now), CaseService.utc(repliedBefore), BATCH))
        .compose(rows -> each(rows, r -> Audit.record(tx, r.getUUID("rating_id"), r.getUUID("id"), "closed",
            Audit.SYSTEM, Audit.SYSTEM, null, new JsonObject().put("reason", "no_follow_up"), now)));
  }

  private static Future<Integer> each(RowSet<Row> rows, Function<Row, Future<?>> work) {
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
