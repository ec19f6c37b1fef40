package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import zhangban.calendar.CalendarStore;
import zhangban.config.Config;
import zhangban.db.Timestamps;
import zhangban.filing.ApplicationEvents;
import zhangban.notify.Notifier;
import zhangban.stats.Rollups;

/**
 * Opens the rating window when an application reaches a rateable stage, and invites the
 * applicant who filed it, in the transition's transaction. The officer who took the step is kept
 * as the one the rating will be about (谁办理、谁负责).
 */
public final class Invitations implements ApplicationEvents {
  /** The stage each action reaches: 受理, or 办结 (which a refusal or denial also is). */
  static final Map<String, String> STAGES = Map.of(
      "accept", "accepted",
      "accept_with_missing", "accepted",
      "complete", "completed",
      "deny", "completed",
      "reject", "completed");
  static final Map<String, JsonObject> STAGE_NAMES = Map.of(
      "accepted", new JsonObject().put("zh-CN", "受理").put("en", "acceptance"),
      "completed", new JsonObject().put("zh-CN", "办结").put("en", "completion"));
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private static final String INSERT = """
      insert into rating_invitation (application_id, stage, reached_at, window_ends_at, remind_at, department,
        officer_subject, rater_subject)
      values ($1, $2, $3, $4, $5, $6, $7, $8)
      on conflict do nothing
      """;

  private final Config.Rating rules;
  private final CalendarStore calendar;
  private final Notifier notifier;
  private final ZoneId zone;
  private final Rollups rollups;

  public Invitations(Config.Rating rules, CalendarStore calendar, Notifier notifier, Rollups rollups, ZoneId zone) {
    this.rollups = rollups;
    this.rules = rules;
    this.calendar = calendar;
    this.notifier = notifier;
    this.zone = zone;
  }

  @Override
  public Future<Void> transitioned(SqlClient tx, Transition t) {
    String stage = STAGES.get(t.action());
    if (stage == null || !rules.stages().contains(stage)) {
      return Future.succeededFuture();
    }
    return windowEnd(tx, t.at()).compose(ends -> {
      Instant remind = rules.reminderDays() > 0 ? t.at().plus(Duration.ofDays(rules.reminderDays())) : null;
      if (remind != null && !remind.isBefore(ends)) {
        remind = null;
      }
      return tx.preparedQuery(INSERT).execute(Tuple.of(t.applicationId(), stage, Timestamps.utc(t.at()), Timestamps.utc(ends),
              remind == null ? null : Timestamps.utc(remind), t.department(), t.actor(), t.applicantSubject()))
          .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture() : rollups.invited(tx, t.applicationId(), stage)
              .compose(v -> notifier.notify(tx, notice("rating_invitation", t.applicantSubject(), t.applicationId(),
                  t.number(), t.itemName(), stage, ends, t.at()))));
    });
  }

  /** The end of the window: natural days by default, or the end of the n-th working day. */
  private Future<Instant> windowEnd(SqlClient tx, Instant at) {
    if (!rules.windowInWorkingDays()) {
      return Future.succeededFuture(at.plus(Duration.ofDays(rules.windowDays())));
    }
    LocalDate today = LocalDate.ofInstant(at, zone);
    return calendar.around(tx, today).map(cal ->
        cal.addWorkingDays(today, rules.windowDays()).plusDays(1).atStartOfDay(zone).toInstant());
  }

  Notifier.Notice notice(String kind, String subject, UUID applicationId, String number, String item, String stage,
                         Instant windowEnds, Instant at) {
    JsonObject params = new JsonObject()
        .put("item", item)
        .put("number", number == null ? "" : number)
        .put("stage", STAGE_NAMES.get(stage))
        .put("until", WHEN.format(windowEnds.atZone(zone)));
    return new Notifier.Notice(subject, kind, "rating", applicationId, number, params, false, at,
        "zhangban://applications/" + applicationId + "/rate?stage=" + stage, "rating-" + applicationId);
  }
}
