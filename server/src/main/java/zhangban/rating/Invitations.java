package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import zhangban.calendar.CalendarStore;
import zhangban.config.Config;
import zhangban.db.Timestamps;
import zhangban.filing.ApplicationEvents;
import zhangban.notify.Notifier;
import zhangban.notify.SmsOutbox;
import zhangban.stats.Rollups;

/**
 * Opens the rating window when an application reaches a rateable stage, and invites the
 * applicant who filed it, in the transition's transaction. The officer who took the step is kept
 * as the one the rating will be about (谁办理、谁负责). An applicant Zhangban knows is invited in the
 * app (inbox and push); one it knows only by the mobile number a hall or department system gave
 * gets an SMS with a rating link of their own.
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
  /** Whether application $1 came with the applicant's mobile number. */
  private static final String HAS_PHONE = "select applicant_phone is not null as has_phone from application where id = $1";

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
  private final Optional<SmsOutbox> sms;
  private final URI publicBase;

  public Invitations(Config.Rating rules, CalendarStore calendar, Notifier notifier, Rollups rollups, ZoneId zone,
                     Optional<SmsOutbox> sms, URI publicBase) {
    this.rollups = rollups;
    this.sms = sms;
    this.publicBase = publicBase;
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
              .compose(v -> invite(tx, "rating_invitation", t.applicantSubject(), t.applicationId(), t.number(),
                  t.itemName(), stage, ends, t.at(), t.handledElsewhere())));
    });
  }

  /**
   * Invites (kind rating_invitation) or reminds (rating_reminder) the applicant: in the app when
   * Zhangban knows them ({@code subject}; inbox, and a push when a device of theirs takes rating
   * pushes), else by SMS with a rating link of their own for the stage, sent to the number the
   * registering system gave (nothing when it gave none, or when this server keeps no numbers). An
   * applicant of a transaction another system registered ({@code elsewhere}) who has an account but
   * no push reaching them gets the SMS as well as the inbox entry: never a push and an SMS.
   */
  Future<Void> invite(SqlClient tx, String kind, String subject, UUID applicationId, String number, String itemName,
                      String stage, Instant ends, Instant at, boolean elsewhere) {
    if (subject == null) {
      return bySms(tx, kind, applicationId, itemName, stage, ends, at);
    }
    Future<Integer> pushes = notifier.notify(tx, notice(kind, subject, applicationId, number, itemName, stage, ends,
        at));
    if (!elsewhere || sms.isEmpty()) {
      return pushes.mapEmpty();
    }
    // no push queued: no active device of theirs takes rating pushes
    return pushes.compose(queued -> queued > 0 ? Future.succeededFuture()
        : tx.preparedQuery(HAS_PHONE).execute(Tuple.of(applicationId))
            .compose(rows -> rows.iterator().next().getBoolean("has_phone")
                ? bySms(tx, kind, applicationId, itemName, stage, ends, at) : Future.succeededFuture()));
  }

  /** A rating link of their own for the stage, by SMS to the applicant's number (when this server sends SMS). */
  Future<Void> bySms(SqlClient tx, String kind, UUID applicationId, String itemName, String stage, Instant ends,
                     Instant at) {
    if (sms.isEmpty()) {
      return Future.succeededFuture();
    }
    return RatingLinks.issue(tx, publicBase, applicationId, stage, "sms", kind, at, ends)
        .compose(url -> sms.get().queue(tx, applicationId, kind,
            List.of(itemName, STAGE_NAMES.get(stage).getString("zh-CN"), url, WHEN.format(ends.atZone(zone))), at));
  }

  /**
   * The department replied to a 差评 given through a link by someone without the app: a link to read
   * the reply and give the follow-up (追评) until the case closes without one (RECTIFY_FOLLOW_UP_DAYS),
   * by SMS to the number the transaction came with.
   */
  public Future<Void> replyBySms(SqlClient tx, UUID ratingId, UUID applicationId, String itemName, Instant at) {
    if (sms.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant ends = at.plus(Duration.ofDays(rules.followUpDays()));
    return RatingLinks.issueFollowUp(tx, publicBase, ratingId, "case_reply", at, ends)
        .compose(url -> sms.get().queue(tx, applicationId, "case_reply", List.of(itemName, url), at));
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
