package zhangban.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;
import zhangban.db.Timestamps;
import zhangban.jobs.PeriodicJob;

/**
 * Reminds the officers of a department when one of its applications turns yellow and again when it
 * turns red. Each reminder is claimed by inserting its row, so however many replicas run this,
 * every level of every application is announced once.
 */
public final class DeadlineReminders extends PeriodicJob {
  private static final String CLAIM = """
      with due as (
        select a.id, a.number, a.department, a.deadline, v.name as item_name,
               application_warning(a, $1::date) as level
        from application a
        join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
        where a.state in ('accepted', 'in_review', 'approved') and a.deadline is not null
          and $1::date >= a.warning_from
      ), fresh as (
        insert into deadline_reminder (application_id, level, sent_at)
        select id, level, $2 from due
        on conflict do nothing
        returning application_id, level
      )
      select due.* from due join fresh on fresh.application_id = due.id and fresh.level = due.level
      """;

  private final Pool pool;
  private final Notifier notifier;
  private final Clock clock;
  private final ZoneId zone;

  public DeadlineReminders(Pool pool, Notifier notifier, Clock clock, ZoneId zone, long intervalMillis) {
    super("Deadline reminders", intervalMillis);
    this.pool = pool;
    this.notifier = notifier;
    this.clock = clock;
    this.zone = zone;
  }

  /** One pass: announces every application that reached a new level; answers how many. */
  @Override
  protected Future<Integer> work() {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, zone);
    return pool.withTransaction(tx -> tx.preparedQuery(CLAIM).execute(Tuple.of(today, Timestamps.utc(now)))
        .compose(rows -> each(rows, r -> remind(tx, r, now))));
  }

  private Future<Void> remind(SqlClient tx, Row r, Instant now) {
    String kind = "red".equals(r.getString("level")) ? "deadline_overdue" : "deadline_approaching";
    JsonObject params = new JsonObject()
        .put("item", r.getString("item_name"))
        .put("number", r.getString("number"))
        .put("deadline", r.getLocalDate("deadline").toString());
    UUID id = r.getUUID("id");
    return notifier.notifyOfficers(tx, r.getString("department"), new Notifier.Notice(null, kind, "reminder", id,
        r.getString("number"), params, "red".equals(r.getString("level")), now, "zhangban://applications/" + id,
        "application-" + id));
  }
}
