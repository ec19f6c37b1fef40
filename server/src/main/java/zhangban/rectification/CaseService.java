package zhangban.rectification;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import zhangban.calendar.CalendarStore;
import zhangban.calendar.WorkdayCalendar;
import zhangban.config.Config;
import zhangban.db.Idempotency;
import zhangban.db.Timestamps;
import zhangban.http.ApiException;
import zhangban.http.ProblemType;
import zhangban.http.Cursors;
import zhangban.http.Http;
import zhangban.identity.Principal;
import zhangban.identity.Role;
import zhangban.notify.Notifier;
import zhangban.rating.Audit;
import zhangban.rating.Rectification;
import zhangban.stats.Rollups;

/**
 * Rectification cases (差评整改): one per poor rating, owned by the department that handled the
 * rated stage. open → claimed → verified → rectified → replied → closed, each step by the officer
 * who claimed it; the rater's follow-up closes it. The department may appeal once; a manager
 * decides. Every step is audited in its own transaction with the change.
 */
public final class CaseService implements Rectification {
  /**
   * A case with its rating and appeal, as every view of a case shows it, and its deadline warning
   * on day $1 (the database function {@code rectification_case_warning}, which the queue filters by).
   */
  private static final String SELECT = """
      select c.*, rectification_case_warning(c, $1::date) as warning, r.level, r.stage, r.channel, r.tags, r.comment, r.rated_at, r.excluded, r.rater_subject,
             r.rater_name, r.follow_up, r.follow_up_comment, r.follow_up_at, r.officer_subject,
             ap.reason as appeal_reason, ap.explanation as appeal_explanation, ap.evidence as appeal_evidence,
             ap.filed_by as appeal_filed_by, ap.filed_at as appeal_filed_at, ap.decision as appeal_decision,
             ap.decision_note as appeal_decision_note, ap.decided_by as appeal_decided_by,
             ap.decided_at as appeal_decided_at
      from rectification_case c
      join rating r on r.id = c.rating_id
      left join case_appeal ap on ap.case_id = c.id
      """;
  private static final String BY_ID = SELECT + "where c.id = $2";
  /** The case locked for a step: its rating and appeal are read, not locked. */
  private static final String BY_ID_FOR_UPDATE = SELECT + "where c.id = $2 for update of c";

  /**
   * A queue of cases, newest first, on day $1: each filter applies when its parameter is given
   * (department $2, state $3, warning $4 as the database function {@code
   * rectification_case_warning} tells it, appeal state $5, escalated $6, a manager's region's
   * departments $10), then the page after the cursor ($7, $8), at most $9 rows.
   */
  private static final String LIST = SELECT + """
      where ($2::text is null or c.department = $2)
        and ($10::text[] is null or c.department = any($10))
        and ($3::text is null or c.state = $3)
        and ($4::text is null or rectification_case_warning(c, $1) = $4)
        and ($5::text is null or c.appeal_state = $5)
        and ($6::boolean is null or (c.escalated_at is not null) = $6)
        and ($7::timestamptz is null or (c.opened_at, c.id) < ($7, $8::uuid))
      order by c.opened_at desc, c.id desc
      limit $9
      """;

  private static final String CLOSE_AFTER_FOLLOW_UP = """
      update rectification_case set state = 'closed', closed_at = $2, close_reason = 'follow_up',
        version = version + 1 where id = $1 and state = 'replied'
      """;

  private final Pool pool;
  private final RaterWithoutApp ratersWithoutApp;
  private final Audit audit;
  private final CalendarStore calendar;
  private final Notifier notifier;
  private final Idempotency idempotency;
  private final Config.Rating rules;
  private final double warningRatio;
  private final Clock clock;
  private final ZoneId zone;
  private final Rollups rollups;

  public CaseService(Pool pool, CalendarStore calendar, Notifier notifier, Idempotency idempotency,
                     Config.Rating rules, double warningRatio, Rollups rollups, Clock clock, ZoneId zone, Audit audit,
                     RaterWithoutApp ratersWithoutApp) {
    this.ratersWithoutApp = ratersWithoutApp;
    this.audit = audit;
    this.rollups = rollups;
    this.pool = pool;
    this.calendar = calendar;
    this.notifier = notifier;
    this.idempotency = idempotency;
    this.rules = rules;
    this.warningRatio = warningRatio;
    this.clock = clock;
    this.zone = zone;
  }

  LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  // ---- opening -------------------------------------------------------------------------------

  @Override
  public Future<CaseOpening> plan(SqlClient client, UUID id, Instant at) {
    LocalDate day = LocalDate.ofInstant(at, zone);
    return calendar.around(client, day).map(cal -> new CaseOpening(id, day,
        cal.addWorkingDays(day, rules.verifyWorkingDays()), warningFrom(cal, day, rules.verifyWorkingDays()),
        cal.addWorkingDays(day, rules.replyWorkingDays()), warningFrom(cal, day, rules.replyWorkingDays())));
  }

  @Override
  public Future<Void> announce(SqlClient tx, CaseOpening c, UUID applicationId, String number, String department,
                               String itemName, Instant at) {
    return notifier.notifyOfficers(tx, department, caseNotice("case_opened", c.id(), applicationId, number,
        itemName, new JsonObject().put("deadline", c.verifyBy().toString()), false, at));
  }

  @Override
  public Future<Void> closeAfterFollowUp(SqlClient tx, UUID ratingId, UUID caseId, String rater, String role,
                                         Instant at) {
    return tx.preparedQuery(CLOSE_AFTER_FOLLOW_UP).execute(Tuple.of(caseId, Timestamps.utc(at)))
        .compose(v -> audit.record(tx, ratingId, caseId, "closed", rater, role, null,
            new JsonObject().put("reason", "follow_up"), at));
  }

  /** The first yellow day: the same share of the working days as for applications (WARNING_RATIO). */
  private LocalDate warningFrom(WorkdayCalendar cal, LocalDate start, int days) {
    return cal.addWorkingDays(start, (int) Math.ceil(warningRatio * days - 1e-9));
  }

  Notifier.Notice caseNotice(String kind, UUID caseId, UUID applicationId, String number, String itemName,
                             JsonObject extra, boolean urgent, Instant at) {
    JsonObject params = new JsonObject().put("item", itemName == null ? "" : itemName)
        .put("number", number == null ? "" : number);
    extra.forEach(e -> params.put(e.getKey(), e.getValue()));
    return new Notifier.Notice(null, kind, "reminder", applicationId, number, params, urgent, at,
        "zhangban://rectification-cases/" + caseId, "case-" + caseId);
  }

  // ---- reads ---------------------------------------------------------------------------------

  public record ListFilter(Optional<String> state, Optional<String> warning, Optional<String> department,
                           Optional<String> appeal, Optional<Boolean> escalated, Optional<String> cursor, int limit) {}

  public Future<JsonObject> list(Principal p, ListFilter f) {
    String department = p.departmentScope(f.department(), "cases").orElse(null);
    LocalDate today = today();
    Cursors.TimeAndId after = f.cursor().map(Cursors::decodeTimeAndId).orElse(null);
    Tuple args = Tuple.of(today, department, f.state().orElse(null), f.warning().orElse(null),
        f.appeal().orElse(null), f.escalated().orElse(null))
        .addValue(after == null ? null : after.at()).addValue(after == null ? null : after.id())
        .addValue(f.limit() + 1).addValue(p.regionDepartments());
    return pool.preparedQuery(LIST).execute(args).map(rows -> {
      List<JsonObject> items = new ArrayList<>();
      String next = null;
      Row last = null;
      for (Row r : rows) {
        if (items.size() == f.limit()) {
          next = Cursors.encodeTimeAndId(last.getOffsetDateTime("opened_at"), last.getUUID("id"));
          break;
        }
        items.add(view(p, r));
        last = r;
      }
      return new JsonObject().put("items", new JsonArray(items)).put("nextCursor", next)
          .put("hasMore", next != null);
    });
  }

  public Future<JsonObject> get(Principal p, UUID id) {
    return visible(pool, p, id, false).compose(r -> Audit.steps(pool, r.getUUID("rating_id"), true)
        .map(steps -> view(p, r).put("steps", steps)));
  }

  private Future<Row> visible(SqlClient c, Principal p, UUID id, boolean lock) {
    String sql = lock ? BY_ID_FOR_UPDATE : BY_ID;
    return c.preparedQuery(sql).execute(Tuple.of(today(), id)).map(rows -> {
      Row r = rows.size() == 0 ? null : rows.iterator().next();
      if (r == null || !(p.managesDepartment(r.getString("department")) || isDepartmentOf(p, r))) {
        throw ApiException.notFound("No rectification case " + id + ".");
      }
      return r;
    });
  }

  private static boolean isDepartmentOf(Principal p, Row r) {
    return p.has(Role.OFFICER) && p.department().equals(Optional.of(r.getString("department")));
  }

  // ---- steps ---------------------------------------------------------------------------------

  public Future<JsonObject> claim(Principal p, UUID id, Optional<String> key, Optional<Integer> ifMatch) {
    return step(p, id, key, ifMatch, "claim", new JsonObject(), (tx, c) -> {
      Instant now = clock.instant();
      return tx.preparedQuery("""
              update rectification_case set state = 'claimed', claimed_by = $2, claimed_by_name = $3, claimed_at = $4,
                version = version + 1 where id = $1
              """).execute(Tuple.of(id, p.subject(), p.name().orElse(null), Timestamps.utc(now)))
          .compose(v -> audit.record(tx, c.getUUID("rating_id"), id, "claimed", p.subject(), p.primaryRole(), null,
              null, now));
    });
  }

  public Future<JsonObject> verify(Principal p, UUID id, JsonObject in, Optional<String> key, Optional<Integer> ifMatch) {
    return step(p, id, key, ifMatch, "verify", in, (tx, c) -> {
      Instant now = clock.instant();
      JsonObject contact = in.getJsonObject("contact");
      Instant contactedAt = Http.instant(contact.getString("contactedAt"), "/contact/contactedAt");
      if (contactedAt.isAfter(now.plusSeconds(300)) || contactedAt.isBefore(c.getOffsetDateTime("opened_at").toInstant())) {
        throw ApiException.unprocessable("The 回访 must have happened between the opening of the case and now.",
            new JsonArray().add(ApiException.fieldError("/contact/contactedAt", "Between the case's opening and now.")));
      }
      return tx.preparedQuery("""
              update rectification_case set state = 'verified', verified_at = $2, finding = $3, contact = $4,
                version = version + 1 where id = $1
              """).execute(Tuple.of(id, Timestamps.utc(now), in.getString("finding"), contact))
          .compose(v -> audit.record(tx, c.getUUID("rating_id"), id, "verified", p.subject(), p.primaryRole(),
              contact.getString("note"), new JsonObject().put("finding", in.getString("finding"))
                  .put("method", contact.getString("method")).put("contactedAt", contactedAt.toString()), now))
          .compose(v -> rollups.rating(tx, c.getUUID("rating_id"), Rollups.Delta.of("poor_verified", 1)));
    });
  }

  public Future<JsonObject> rectify(Principal p, UUID id, JsonObject in, Optional<String> key, Optional<Integer> ifMatch) {
    return step(p, id, key, ifMatch, "rectify", in, (tx, c) -> {
      Instant now = clock.instant();
      String outcome = in.getString("outcome");
      LocalDate ledgerDeadline = null;
      if ("ledger".equals(outcome)) {
        String text = in.getString("ledgerDeadline");
        if (text == null) {
          throw ApiException.unprocessable("A ledger rectification (台账限期整改) needs its deadline.",
              new JsonArray().add(ApiException.fieldError("/ledgerDeadline", "Required when the outcome is ledger.")));
        }
        ledgerDeadline = LocalDate.parse(text);
        if (ledgerDeadline.isBefore(today())) {
          throw ApiException.unprocessable("The ledger deadline has passed.",
              new JsonArray().add(ApiException.fieldError("/ledgerDeadline", "Today or later.")));
        }
      }
      LocalDate ledger = ledgerDeadline;
      return tx.preparedQuery("""
              update rectification_case set state = 'rectified', rectified_at = $2, outcome = $3, measures = $4,
                ledger_deadline = $5, version = version + 1 where id = $1
              """).execute(Tuple.of(id, Timestamps.utc(now), outcome, in.getString("measures"), ledger))
          .compose(v -> audit.record(tx, c.getUUID("rating_id"), id, "rectified", p.subject(), p.primaryRole(),
              in.getString("measures"), new JsonObject().put("outcome", outcome)
                  .put("ledgerDeadline", ledger == null ? null : ledger.toString()), now))
          .compose(v -> rollups.rating(tx, c.getUUID("rating_id"), Rollups.Delta.of("poor_rectified", 1)));
    });
  }

  public Future<JsonObject> reply(Principal p, UUID id, JsonObject in, Optional<String> key, Optional<Integer> ifMatch) {
    return step(p, id, key, ifMatch, "reply", in, (tx, c) -> {
      Instant now = clock.instant();
      String reply = in.getString("reply");
      UUID ratingId = c.getUUID("rating_id");
      return tx.preparedQuery("""
              update rectification_case set state = 'replied', replied_at = $2, reply = $3, version = version + 1
              where id = $1
              """).execute(Tuple.of(id, Timestamps.utc(now), reply))
          .compose(v -> audit.record(tx, ratingId, id, "replied", p.subject(), p.primaryRole(), reply, null, now))
          .compose(v -> onTime(c, now) ? rollups.rating(tx, ratingId, Rollups.Delta.of("poor_on_time", 1))
              : Future.succeededFuture())
          .compose(v -> itemName(tx, c.getUUID("application_id")))
          .compose(item -> c.getString("rater_subject") == null
              ? ratersWithoutApp.replied(tx, ratingId, c.getUUID("application_id"), item, now)
              : notifier.notify(tx, new Notifier.Notice(c.getString("rater_subject"),
                  "rectification_replied", "rating", c.getUUID("application_id"), c.getString("application_number"),
                  new JsonObject().put("item", item).put("number", c.getString("application_number")).put("reply", reply),
                  false, now, "zhangban://ratings/" + ratingId, "rating-" + ratingId)).mapEmpty());
    });
  }

  public Future<JsonObject> appeal(Principal p, UUID id, JsonObject in, Optional<String> key, Optional<Integer> ifMatch) {
    return step(p, id, key, ifMatch, "appeal", in, (tx, c) -> {
      Instant now = clock.instant();
      return tx.preparedQuery("""
              insert into case_appeal (case_id, reason, explanation, evidence, filed_by, filed_at)
              values ($1, $2, $3, $4, $5, $6)
              """).execute(Tuple.of(id, in.getString("reason"), in.getString("explanation"),
              in.getJsonArray("evidence", new JsonArray()), p.subject(), Timestamps.utc(now)))
          .compose(v -> tx.preparedQuery("update rectification_case set appeal_state = 'pending', version = version + 1 where id = $1")
              .execute(Tuple.of(id)))
          .compose(v -> audit.record(tx, c.getUUID("rating_id"), id, "appeal_filed", p.subject(), p.primaryRole(),
              in.getString("explanation"), new JsonObject().put("reason", in.getString("reason")), now))
          .compose(v -> rollups.rating(tx, c.getUUID("rating_id"), Rollups.Delta.of("appeals_filed", 1)))
          .compose(v -> itemName(tx, c.getUUID("application_id")))
          .compose(item -> notifier.notifyManagers(tx, c.getString("department"), caseNotice("appeal_filed", id, c.getUUID("application_id"),
              c.getString("application_number"), item, new JsonObject(), false, now)));
    });
  }

  public Future<JsonObject> decideAppeal(Principal p, UUID id, JsonObject in, Optional<String> key, Optional<Integer> ifMatch) {
    return step(p, id, key, ifMatch, "decide_appeal", in, (tx, c) -> {
      Instant now = clock.instant();
      String decision = in.getString("decision");
      String note = in.getString("note");
      UUID ratingId = c.getUUID("rating_id");
      Future<Void> effect = tx.preparedQuery("""
              update case_appeal set decision = $2, decision_note = $3, decided_by = $4, decided_at = $5 where case_id = $1
              """).execute(Tuple.of(id, decision, note, p.subject(), Timestamps.utc(now)))
          .compose(v -> audit.record(tx, ratingId, id, "appeal_" + decision, p.subject(), p.primaryRole(), note,
              null, now));
      if ("upheld".equals(decision)) {
        effect = effect
            .compose(v -> tx.preparedQuery("update rating set excluded = true, excluded_reason = $2 where id = $1")
                .execute(Tuple.of(ratingId, note)))
            .compose(v -> tx.preparedQuery("""
                update rectification_case set appeal_state = 'upheld', state = 'closed', closed_at = $2,
                  close_reason = 'appeal_upheld', version = version + 1 where id = $1
                """).execute(Tuple.of(id, Timestamps.utc(now))))
            .compose(v -> audit.record(tx, ratingId, id, "excluded", p.subject(), p.primaryRole(), note, null, now))
            .compose(v -> rollups.rating(tx, ratingId, exclusion(c)))
            .compose(v -> rollups.poorTags(tx, ratingId, -1))
            .compose(v -> audit.record(tx, ratingId, id, "closed", p.subject(), p.primaryRole(), null,
                new JsonObject().put("reason", "appeal_upheld"), now));
      } else {
        effect = effect.compose(v -> tx.preparedQuery(
                "update rectification_case set appeal_state = 'rejected', version = version + 1 where id = $1")
            .execute(Tuple.of(id)).mapEmpty());
      }
      return effect
          .compose(v -> itemName(tx, c.getUUID("application_id")))
          .compose(item -> notifier.notifyOfficers(tx, c.getString("department"), caseNotice("appeal_decided", id,
              c.getUUID("application_id"), c.getString("application_number"), item,
              new JsonObject().put("decision", new JsonObject()
                  .put("zh-CN", "upheld".equals(decision) ? "申诉成立" : "申诉不成立")
                  .put("en", "upheld".equals(decision) ? "upheld" : "rejected")), false, now)));
    });
  }

  /** A reply on or before the day of the reply deadline counts as 按期. */
  private boolean onTime(Row c, Instant repliedAt) {
    return !LocalDate.ofInstant(repliedAt, zone).isAfter(c.getLocalDate("reply_deadline"));
  }

  /**
   * An upheld appeal takes the rating out of every counted indicator (it stays in the appeal
   * counts and as {@code excluded_count}). {@code c} is the case as it was before the decision.
   */
  private Rollups.Delta exclusion(Row c) {
    OffsetDateTime replied = c.getOffsetDateTime("replied_at");
    return Rollups.Delta.of("appeals_upheld", 1).and("excluded_count", 1).and("active", -1)
        .and(Rollups.Delta.level(c.getShort("level")), -1).and("poor", -1)
        .and("poor_verified", c.getOffsetDateTime("verified_at") != null ? -1 : 0)
        .and("poor_rectified", c.getOffsetDateTime("rectified_at") != null ? -1 : 0)
        .and("poor_on_time", replied != null && onTime(c, replied.toInstant()) ? -1 : 0);
  }

  /** Who may take which step now: the basis of both the checks and {@code allowedActions}. */
  static List<String> allowed(Principal p, Row c) {
    List<String> out = new ArrayList<>();
    String state = c.getString("state");
    boolean department = isDepartmentOf(p, c);
    boolean claimant = department && p.subject().equals(c.getString("claimed_by"));
    if (department && state.equals("open")) {
      out.add("claim");
    }
    if (claimant && state.equals("claimed")) {
      out.add("verify");
    }
    if (claimant && state.equals("verified")) {
      out.add("rectify");
    }
    if (claimant && state.equals("rectified")) {
      out.add("reply");
    }
    if (department && !state.equals("closed") && "none".equals(c.getString("appeal_state"))) {
      out.add("appeal");
    }
    if (p.managesDepartment(c.getString("department")) && "pending".equals(c.getString("appeal_state"))) {
      out.add("decide_appeal");
    }
    return out;
  }

  private Future<JsonObject> step(Principal p, UUID id, Optional<String> key, Optional<Integer> ifMatch, String action,
                                  JsonObject in, BiFunction<SqlClient, Row, Future<Void>> effect) {
    String operation = "case:" + action;
    String hash = Idempotency.hash(operation, id.toString(), in);
    return pool.withTransaction(tx -> (key.isEmpty()
            ? Future.succeededFuture(Optional.<Idempotency.Replay>empty())
            : idempotency.claim(tx, p.subject(), key.get(), operation, hash))
        .compose(replay -> {
          if (replay.isPresent()) {
            return Future.succeededFuture(replay.get().body());
          }
          return visible(tx, p, id, true).compose(c -> {
            Http.checkVersion(ifMatch, c.getInteger("version"));
            if (!allowed(p, c).contains(action)) {
              throw refusal(p, c, action);
            }
            return effect.apply(tx, c);
          }).compose(v -> visible(tx, p, id, false)).map(c -> view(p, c))
              .compose(json -> key.isEmpty() ? Future.succeededFuture(json)
                  : idempotency.complete(tx, p.subject(), key.get(), 200, json).map(json));
        }));
  }

  /** Why {@code action} is refused: the wrong person (403) or the wrong moment (409). */
  private static ApiException refusal(Principal p, Row c, String action) {
    String state = c.getString("state");
    boolean department = isDepartmentOf(p, c);
    String claimedBy = c.getString("claimed_by");
    switch (action) {
      case "claim", "appeal" -> {
        if (!department) {
          return ApiException.forbidden("Only officers of department " + c.getString("department") + " may "
              + action + " this case.");
        }
      }
      case "verify", "rectify", "reply" -> {
        if (!department || (claimedBy != null && !p.subject().equals(claimedBy))) {
          return ApiException.forbidden("Only the officer who claimed the case may " + action + " it.");
        }
      }
      case "decide_appeal" -> {
        if (!p.has(Role.MANAGER)) {
          return ApiException.forbidden("Only managers decide appeals.");
        }
      }
      default -> { }
    }
    String detail = switch (action) {
      case "claim" -> "open".equals(state) ? "Cannot claim." : "The case is " + state
          + (claimedBy != null ? ", claimed by " + claimedBy : "") + ".";
      case "appeal" -> "closed".equals(state) ? "The case is closed." : "The case was appealed already.";
      case "decide_appeal" -> "No appeal of this case awaits a decision.";
      default -> "Cannot " + action + " a case that is " + state + ".";
    };
    JsonArray allowed = new JsonArray();
    allowed(p, c).forEach(allowed::add);
    return new ApiException(ProblemType.INVALID_CASE_TRANSITION, detail,
        new JsonObject().put("currentState", state).put("allowedActions", allowed));
  }

  private static Future<String> itemName(SqlClient tx, UUID applicationId) {
    return tx.preparedQuery("""
            select v.name from application a
            join service_item_version v on v.item_code = a.item_code and v.version = a.item_version where a.id = $1
            """).execute(Tuple.of(applicationId))
        .map(rows -> rows.iterator().next().getString(0));
  }

  // ---- views ---------------------------------------------------------------------------------

  static JsonObject view(Principal p, Row c) {
    JsonObject v = new JsonObject()
        .put("id", c.getUUID("id").toString())
        .put("ratingId", c.getUUID("rating_id").toString())
        .put("applicationId", c.getUUID("application_id").toString())
        .put("applicationNumber", c.getString("application_number"))
        .put("department", c.getString("department"))
        .put("state", c.getString("state"))
        .put("warning", c.getString("warning"))
        .put("deadlines", new JsonObject()
            .put("verify", new JsonObject().put("due", c.getLocalDate("verify_deadline").toString())
                .put("warningFrom", c.getLocalDate("verify_warning_from").toString()))
            .put("reply", new JsonObject().put("due", c.getLocalDate("reply_deadline").toString())
                .put("warningFrom", c.getLocalDate("reply_warning_from").toString())))
        .put("rating", new JsonObject()
            .put("level", (int) c.getShort("level"))
            .put("stage", c.getString("stage"))
            .put("channel", c.getString("channel"))
            .put("tags", new JsonArray(List.of(c.getArrayOfStrings("tags"))))
            .put("comment", c.getString("comment"))
            .put("raterName", c.getString("rater_name"))
            .put("ratedOfficer", c.getString("officer_subject"))
            .put("ratedAt", instant(c, "rated_at"))
            .put("excluded", c.getBoolean("excluded")))
        .put("openedAt", instant(c, "opened_at"))
        .put("claimedBy", c.getString("claimed_by"))
        .put("claimedByName", c.getString("claimed_by_name"))
        .put("claimedAt", instant(c, "claimed_at"))
        .put("verification", c.getString("finding") == null ? null : new JsonObject()
            .put("finding", c.getString("finding"))
            .put("contact", c.getJson("contact"))
            .put("at", instant(c, "verified_at")))
        .put("rectification", c.getString("outcome") == null ? null : new JsonObject()
            .put("outcome", c.getString("outcome"))
            .put("measures", c.getString("measures"))
            .put("ledgerDeadline", c.getLocalDate("ledger_deadline") == null ? null : c.getLocalDate("ledger_deadline").toString())
            .put("at", instant(c, "rectified_at")))
        .put("reply", c.getString("reply") == null ? null : new JsonObject()
            .put("text", c.getString("reply")).put("at", instant(c, "replied_at")))
        .put("followUp", c.getString("follow_up") == null ? null : new JsonObject()
            .put("satisfaction", c.getString("follow_up"))
            .put("comment", c.getString("follow_up_comment"))
            .put("at", instant(c, "follow_up_at")))
        .put("appeal", c.getString("appeal_reason") == null ? null : new JsonObject()
            .put("reason", c.getString("appeal_reason"))
            .put("explanation", c.getString("appeal_explanation"))
            .put("evidence", c.getJson("appeal_evidence"))
            .put("filedBy", c.getString("appeal_filed_by"))
            .put("filedAt", instant(c, "appeal_filed_at"))
            .put("decision", c.getString("appeal_decision"))
            .put("decisionNote", c.getString("appeal_decision_note"))
            .put("decidedBy", c.getString("appeal_decided_by"))
            .put("decidedAt", instant(c, "appeal_decided_at")))
        .put("appealState", c.getString("appeal_state"))
        .put("escalatedAt", instant(c, "escalated_at"))
        .put("closedAt", instant(c, "closed_at"))
        .put("closeReason", c.getString("close_reason"))
        .put("allowedActions", new JsonArray(allowed(p, c)))
        .put("version", c.getInteger("version"));
    return v;
  }

  static String instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant().toString();
  }
}
