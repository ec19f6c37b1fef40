package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import zhangban.config.Config;
import zhangban.db.Idempotency;
import zhangban.http.ApiException;
import zhangban.identity.Principal;
import zhangban.identity.Role;
import zhangban.stats.Rollups;

/**
 * 好差评: one rating per application and rated stage, by the applicant who filed it, within the
 * window, with reason tags from the current dictionary. A poor rating opens its rectification
 * case in the same transaction. A rating is never changed; after the case's reply the rater adds
 * one follow-up (追评).
 */
public final class RatingService {
  static final Set<String> ONLINE = Set.of("app", "web");
  static final Set<String> OFFLINE = Set.of("hall", "kiosk", "hotline");
  /** The follow-up as a score, for its mean in statistics. */
  static final java.util.Map<String, Long> FOLLOW_UP_SCORES = java.util.Map.of(
      "satisfied", 3L, "basically_satisfied", 2L, "dissatisfied", 1L);

  private static final String APPLICATION = """
      select a.id, a.number, a.state, a.department, a.applicant_subject, a.applicant_name, a.applicant_uscc,
             a.item_code, a.item_version, d.region, v.name as item_name
      from application a
      join department d on d.code = a.department
      join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
      """;
  /**
   * Takes the invitation when it is open and the rating ($3, its time) falls in its window: one
   * statement, and its row lock orders two ratings of one stage (the second then finds it rated).
   */
  private static final String TAKE_INVITATION = """
      update rating_invitation set state = 'rated'
      where application_id = $1 and stage = $2 and state = 'open'
        and window_ends_at > $3 and reached_at <= $3 + interval '300 seconds'
      returning reached_at, window_ends_at, state, officer_subject, department
      """;
  /** Why {@link #TAKE_INVITATION} took none. */
  private static final String INVITATION = """
      select reached_at, window_ends_at, state, officer_subject, department from rating_invitation
      where application_id = $1 and stage = $2
      """;
  private static final String INSERT = """
      insert into rating (id, application_id, application_number, stage, level, poor, channel, channel_group, tags,
        dictionary_version, comment, rater_subject, rater_name, department, region, officer_subject, item_code,
        item_version, source, import_client, external_id, defaulted, rated_at, created_at)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
        $23, $24)
      """;
  /** The new row as {@link #SELECT} reads it: a rating has no case yet when it is inserted. */
  private static final String INSERT_RETURNING = INSERT + """
      returning *, null::uuid as case_id, null::text as case_state, null::text as case_reply,
        null::timestamptz as case_replied_at, null::text as case_close_reason
      """;
  static final String SELECT = """
      select r.*, c.id as case_id, c.state as case_state, c.reply as case_reply, c.replied_at as case_replied_at,
             c.close_reason as case_close_reason
      from rating r left join rectification_case c on c.rating_id = r.id
      """;

  private final Pool pool;
  private final TagDictionary dictionary;
  private final CaseService cases;
  private final Idempotency idempotency;
  private final Config.Rating rules;
  private final Clock clock;
  private final CallLimiter limiter;
  private final Rollups rollups;

  public RatingService(Pool pool, TagDictionary dictionary, CaseService cases, Idempotency idempotency,
                       Config.Rating rules, Rollups rollups, Clock clock) {
    this.rollups = rollups;
    this.pool = pool;
    this.dictionary = dictionary;
    this.cases = cases;
    this.idempotency = idempotency;
    this.rules = rules;
    this.clock = clock;
    this.limiter = new CallLimiter(rules.callsPerMinute(), clock);
  }

  /** What a rating says, before the rules are checked. */
  record Draft(String stage, int level, String channel, List<String> tags, Integer dictionaryVersion, String comment,
               Instant ratedAt) {}

  // ---- rating by the applicant ---------------------------------------------------------------

  public Future<JsonObject> rate(Principal p, UUID applicationId, String key, JsonObject in, Optional<String> device) {
    limiter.acquire("user:" + p.subject(), device.map(d -> "device:" + d).orElse(null));
    if (p.has(Role.OFFICER) || p.has(Role.MANAGER) || p.has(Role.ADMIN) || p.has(Role.INTEGRATION)) {
      throw new ApiException(403, "staff-cannot-rate", "Staff cannot rate",
          "Staff may not rate, nor rate for someone; only the applicant rates their own transaction.", null);
    }
    if (!p.isApplicant()) {
      throw ApiException.forbidden("Only citizens and enterprise members rate.");
    }
    Draft d = draft(in, in.getString("channel", "app"), clock.instant());
    String hash = Idempotency.hash("rateApplication", applicationId.toString(), in);
    return pool.withTransaction(tx -> {
      // sent together, the claim and the read cost one round trip; a replay ignores the read
      Future<Optional<Idempotency.Replay>> claim = idempotency.claim(tx, p.subject(), key, "rateApplication", hash);
      Future<RowSet<Row>> application = tx.preparedQuery(APPLICATION + " where a.id = $1").execute(Tuple.of(applicationId));
      return Future.all(claim, application).compose(v -> {
        if (claim.result().isPresent()) {
          return Future.succeededFuture(claim.result().get().body());
        }
        Row a = first(application.result());
        if (a == null || !canSeeAsApplicant(p, a)) {
          throw ApiException.notFound("No application " + applicationId + ".");
        }
        if (!a.getString("applicant_subject").equals(p.subject())) {
          throw new ApiException(403, "not-the-rater", "Not the rater",
              "Only the member who filed the application may rate it.", null);
        }
        return insert(tx, a, d, p.subject(), "applicant", null, null, p.primaryRole(), p.subject(), key);
      });
    });
  }

  // ---- imports from halls, kiosks and the hotline ----------------------------------------------

  /** An integration client imports an offline rating; the same external id returns the first result. */
  public Future<JsonObject> importRating(Principal client, JsonObject in) {
    if (!client.has(Role.INTEGRATION)) {
      throw ApiException.forbidden("Only integration clients import ratings.");
    }
    Instant ratedAt = CaseService.parseInstant(in.getString("ratedAt"), "/ratedAt");
    Draft d = draft(in, in.getString("channel"), ratedAt);
    if (ratedAt.isAfter(clock.instant().plusSeconds(300))) {
      throw ApiException.unprocessable("A rating cannot come from the future.",
          new JsonArray().add(ApiException.fieldError("/ratedAt", "Not later than now.")));
    }
    String externalId = in.getString("externalId");
    String key = "rating:" + externalId;
    String hash = Idempotency.hash("importRating", externalId, in);
    String number = in.getString("applicationNumber");
    return pool.withTransaction(tx -> {
      Future<Optional<Idempotency.Replay>> claim = idempotency.claim(tx, client.subject(), key, "importRating", hash);
      Future<RowSet<Row>> application = tx.preparedQuery(APPLICATION + " where a.number = $1").execute(Tuple.of(number));
      return Future.all(claim, application).compose(v -> {
        if (claim.result().isPresent()) {
          return Future.succeededFuture(claim.result().get().body());
        }
        Row a = first(application.result());
        String dept = client.department().orElse("");
        if (a == null || !(dept.equals(a.getString("department")) || rules.provinceWideImporters().contains(dept))) {
          throw ApiException.notFound("No application " + number + ".");
        }
        if (!a.getString("applicant_subject").equals(in.getString("raterSubject"))) {
          throw ApiException.unprocessable("Only the applicant who filed the application may rate it.",
              new JsonArray().add(ApiException.fieldError("/raterSubject", "Not the applicant who filed it.")));
        }
        return insert(tx, a, d, in.getString("raterSubject"), "import", client.subject(), externalId,
            Role.INTEGRATION.wire(), client.subject(), key);
      });
    });
  }

  private Draft draft(JsonObject in, String channel, Instant ratedAt) {
    String comment = in.getString("comment");
    if (comment != null && comment.codePointCount(0, comment.length()) > rules.commentMaxChars()) {
      throw ApiException.unprocessable("The comment is too long.", new JsonArray().add(ApiException.fieldError(
          "/comment", "At most " + rules.commentMaxChars() + " characters.")));
    }
    String stage = in.getString("stage", "completed");
    if (!rules.stages().contains(stage)) {
      throw new ApiException(422, "stage-not-rateable", "Stage not rateable",
          "Stage " + stage + " is not rated here; rateable stages: " + String.join(", ", rules.stages()) + ".",
          new JsonObject().put("errors", new JsonArray().add(ApiException.fieldError("/stage", "Not a rateable stage."))));
    }
    List<String> tags = in.getJsonArray("tags", new JsonArray()).stream().map(String::valueOf).toList();
    return new Draft(stage, in.getInteger("level"), channel, tags, in.getInteger("dictionaryVersion"),
        comment, ratedAt);
  }

  /**
   * The rules every rating passes, whoever brings it; then the row, its audit, any case, the
   * result kept under the idempotency key {@code key} of {@code claimant}, and the counts.
   * Statements that do not need each other's results are sent together: the connection pipelines
   * them, in the order given, and a failure of any fails the transaction.
   */
  private Future<JsonObject> insert(SqlClient tx, Row a, Draft d, String rater, String source, String client,
                                    String externalId, String actorRole, String claimant, String key) {
    UUID applicationId = a.getUUID("id");
    Future<RowSet<Row>> invitation = tx.preparedQuery(TAKE_INVITATION)
        .execute(Tuple.of(applicationId, d.stage(), CaseService.utc(d.ratedAt())));
    // the dictionary only matters to a rating that names the version its tags come from
    Future<TagDictionary.Version> dictionaryNow = d.dictionaryVersion() == null
        ? Future.succeededFuture(null) : dictionary.current(tx);
    return Future.all(invitation, dictionaryNow).compose(found -> {
      Row inv = first(invitation.result());
      if (inv == null) {
        return tx.preparedQuery(INVITATION).execute(Tuple.of(applicationId, d.stage()))
            .map(rows -> {
              throw notTaken(first(rows), d.stage());
            });
      }
      return checkTags(tx, dictionaryNow.result(), d).compose(version -> {
        UUID id = UUID.randomUUID();
        boolean poor = rules.isPoor(d.level());
        Instant now = clock.instant();
        List<Object> values = Arrays.asList(id, applicationId, a.getString("number"), d.stage(), (short) d.level(), poor,
            d.channel(), ONLINE.contains(d.channel()) ? "online" : "offline", d.tags().toArray(new String[0]), version,
            d.comment(), rater, a.getString("applicant_name"), inv.getString("department"), a.getString("region"),
            inv.getString("officer_subject"), a.getString("item_code"), a.getInteger("item_version"), source, client,
            externalId, false, CaseService.utc(d.ratedAt()), CaseService.utc(now));
        String actor = client != null ? client : rater;
        Rollups.Delta delta = Rollups.Delta.of("active", 1).and(Rollups.Delta.level(d.level()), 1);
        Future<RowSet<Row>> inserted = tx.preparedQuery(INSERT_RETURNING).execute(Tuple.from(values));
        Future<Void> audited = Audit.record(tx, id, null, "import".equals(source) ? "imported" : "rated", actor,
            actorRole, d.comment(), new JsonObject().put("level", d.level()).put("channel", d.channel())
                .put("tags", new JsonArray(d.tags())).put("externalId", externalId), now);
        Future<JsonObject> answer = Future.all(inserted, audited).compose(v -> !poor
            ? Future.succeededFuture(view(first(inserted.result()), false))
            : cases.open(tx, id, applicationId, a.getString("number"), inv.getString("department"),
                    a.getString("item_name"), now)
                .compose(c -> byId(tx, id)).map(r -> view(r, false)));
        // Last, and together: the counts' rows are shared by every rating of the department, item
        // and officer, and each transaction holds their locks from here until it commits.
        return answer.compose(json -> Future.all(
                idempotency.complete(tx, claimant, key, 201, json),
                rollups.rating(tx, id, poor ? delta.and("poor", 1) : delta),
                poor ? rollups.poorTags(tx, id, 1) : Future.succeededFuture())
            .map(json));
      });
    });
  }

  /** Why a stage's invitation could not be taken: none yet, rated (or defaulted), or out of its window. */
  private static ApiException notTaken(Row inv, String stage) {
    if (inv == null) {
      return new ApiException(409, "stage-not-reached", "Stage not reached",
          "The application has not reached the " + stage + " stage, so it cannot be rated yet.", null);
    }
    if ("rated".equals(inv.getString("state")) || "defaulted".equals(inv.getString("state"))) {
      return new ApiException(409, "already-rated", "Already rated",
          "This stage of the application was rated already; a rating is never changed.", null);
    }
    return windowClosed(inv);
  }

  private static ApiException windowClosed(Row inv) {
    return new ApiException(409, "rating-window-closed", "Rating window closed",
        "Ratings of this stage were taken until " + inv.getOffsetDateTime("window_ends_at").toInstant() + ".",
        new JsonObject().put("windowEndsAt", inv.getOffsetDateTime("window_ends_at").toInstant().toString()));
  }

  /**
   * Tags must be of the current dictionary version, fit the level and the channel's group; answers the version.
   * {@code current} is null when the rating names no dictionary version (it then may name no tags).
   */
  private Future<Integer> checkTags(SqlClient tx, TagDictionary.Version current, Draft d) {
    if (d.dictionaryVersion() == null) {
      if (!d.tags().isEmpty()) {
        throw ApiException.unprocessable("Tags need the dictionary version they come from.",
            new JsonArray().add(ApiException.fieldError("/dictionaryVersion", "Required with tags.")));
      }
    } else if (d.dictionaryVersion() != current.version()) {
      return dictionary.version(tx, d.dictionaryVersion()).map(found -> {
        if (found.isEmpty()) {
          throw ApiException.unprocessable("No such dictionary version.", new JsonArray().add(
              ApiException.fieldError("/dictionaryVersion", "Unknown version; the current one is " + current.version() + ".")));
        }
        throw new ApiException(409, "stale-dictionary", "Tag dictionary changed",
            "The reason tags changed; load version " + current.version() + " and rate again.",
            new JsonObject().put("currentVersion", current.version()));
      });
    }
    String group = ONLINE.contains(d.channel()) ? "online" : "offline";
    JsonArray errors = new JsonArray();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < d.tags().size(); i++) {
      String code = d.tags().get(i);
      Optional<JsonObject> tag = current.tag(code);
      if (!seen.add(code)) {
        errors.add(ApiException.fieldError("/tags/" + i, "Named twice."));
      } else if (tag.isEmpty()) {
        errors.add(ApiException.fieldError("/tags/" + i, "Not a tag of dictionary version " + current.version() + "."));
      } else if (!group.equals(tag.get().getString("group"))) {
        errors.add(ApiException.fieldError("/tags/" + i, "A tag of " + tag.get().getString("group")
            + " channels, not of " + d.channel() + "."));
      } else if (!tag.get().getJsonArray("levels").contains(d.level())) {
        errors.add(ApiException.fieldError("/tags/" + i, "Not offered for level " + d.level() + "."));
      }
    }
    if (errors.isEmpty() && rules.isPoor(d.level()) && rules.poorNeedsTag() && d.tags().isEmpty()) {
      errors.add(ApiException.fieldError("/tags", "A poor rating names at least one reason."));
    }
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable("The reason tags do not fit.", errors);
    }
    return Future.succeededFuture(d.tags().isEmpty() && d.dictionaryVersion() == null ? null : current.version());
  }

  // ---- the follow-up (追评) -------------------------------------------------------------------

  public Future<JsonObject> followUp(Principal p, UUID ratingId, JsonObject in, Optional<String> device) {
    limiter.acquire("user:" + p.subject(), device.map(d -> "device:" + d).orElse(null));
    String comment = in.getString("comment");
    if (comment != null && comment.codePointCount(0, comment.length()) > rules.commentMaxChars()) {
      throw ApiException.unprocessable("The comment is too long.", new JsonArray().add(ApiException.fieldError(
          "/comment", "At most " + rules.commentMaxChars() + " characters.")));
    }
    return pool.withTransaction(tx -> tx.preparedQuery(SELECT + " where r.id = $1 for update of r")
        .execute(Tuple.of(ratingId)).compose(rows -> {
          Row r = rows.size() == 0 ? null : rows.iterator().next();
          if (r == null || !r.getString("rater_subject").equals(p.subject())) {
            throw ApiException.notFound("No rating " + ratingId + ".");
          }
          if (r.getString("follow_up") != null) {
            throw new ApiException(409, "follow-up-given", "Follow-up given",
                "The follow-up (追评) of this rating was given already.", null);
          }
          if (!"replied".equals(r.getString("case_state"))) {
            throw new ApiException(409, "no-reply-yet", "No reply to follow up",
                "A follow-up comes after the department's reply to a poor rating.", null);
          }
          Instant now = clock.instant();
          UUID caseId = r.getUUID("case_id");
          String satisfaction = in.getString("satisfaction");
          return tx.preparedQuery("""
                  update rating set follow_up = $2, follow_up_comment = $3, follow_up_at = $4 where id = $1
                  """).execute(Tuple.of(ratingId, satisfaction, comment, CaseService.utc(now)))
              .compose(v -> tx.preparedQuery("""
                  update rectification_case set state = 'closed', closed_at = $2, close_reason = 'follow_up',
                    version = version + 1 where id = $1 and state = 'replied'
                  """).execute(Tuple.of(caseId, CaseService.utc(now))))
              .compose(v -> Audit.record(tx, ratingId, caseId, "follow_up", p.subject(), p.primaryRole(), comment,
                  new JsonObject().put("satisfaction", satisfaction), now))
              .compose(v -> rollups.rating(tx, ratingId, Rollups.Delta.of("follow_ups", 1)
                  .and("follow_up_sum", FOLLOW_UP_SCORES.get(satisfaction))))
              .compose(v -> Audit.record(tx, ratingId, caseId, "closed", p.subject(), p.primaryRole(), null,
                  new JsonObject().put("reason", "follow_up"), now))
              .compose(v -> byId(tx, ratingId)).map(row -> view(row, false));
        }));
  }

  // ---- reads ---------------------------------------------------------------------------------

  public Future<JsonObject> get(Principal p, UUID id) {
    return byId(pool, id).compose(r -> {
      if (r == null || !canSee(p, r)) {
        throw ApiException.notFound("No rating " + id + ".");
      }
      boolean staff = !r.getString("rater_subject").equals(p.subject());
      return Audit.steps(pool, id, staff).map(steps -> view(r, staff).put("steps", steps));
    });
  }

  /** The ratings and open invitations of an application the caller may see (visibility by filing). */
  public Future<JsonObject> forApplication(Principal p, UUID applicationId) {
    return pool.preparedQuery(SELECT + " where r.application_id = $1 order by r.rated_at").execute(Tuple.of(applicationId))
        .compose(rows -> pool.preparedQuery("""
                select stage, reached_at, window_ends_at, state from rating_invitation where application_id = $1
                order by reached_at
                """).execute(Tuple.of(applicationId))
            .map(invitations -> {
              JsonArray ratings = new JsonArray();
              for (Row r : rows) {
                ratings.add(view(r, !r.getString("rater_subject").equals(p.subject())));
              }
              JsonArray stages = new JsonArray();
              Instant now = clock.instant();
              for (Row i : invitations) {
                Instant ends = i.getOffsetDateTime("window_ends_at").toInstant();
                String state = i.getString("state");
                if ("open".equals(state) && !now.isBefore(ends)) {
                  state = "expired";
                }
                stages.add(new JsonObject().put("stage", i.getString("stage"))
                    .put("reachedAt", i.getOffsetDateTime("reached_at").toInstant().toString())
                    .put("windowEndsAt", ends.toString())
                    .put("state", state));
              }
              return new JsonObject().put("stages", stages).put("ratings", ratings);
            }));
  }

  private static Row first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private static Future<Row> byId(SqlClient c, UUID id) {
    return c.preparedQuery(SELECT + " where r.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private static boolean canSeeAsApplicant(Principal p, Row a) {
    if (a.getString("applicant_subject").equals(p.subject())) {
      return true;
    }
    return p.has(Role.ENTERPRISE) && a.getString("applicant_uscc") != null
        && p.uscc().equals(Optional.of(a.getString("applicant_uscc")));
  }

  private static boolean canSee(Principal p, Row r) {
    return r.getString("rater_subject").equals(p.subject())
        || p.has(Role.MANAGER)
        || (p.has(Role.OFFICER) && p.department().equals(Optional.of(r.getString("department"))));
  }

  /** A rating; {@code staff} adds who rated and who was rated, which the rater's own view leaves out. */
  static JsonObject view(Row r, boolean staff) {
    JsonObject v = new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("applicationId", r.getUUID("application_id").toString())
        .put("applicationNumber", r.getString("application_number"))
        .put("stage", r.getString("stage"))
        .put("level", (int) r.getShort("level"))
        .put("poor", r.getBoolean("poor"))
        .put("channel", r.getString("channel"))
        .put("tags", new JsonArray(List.of(r.getArrayOfStrings("tags"))))
        .put("dictionaryVersion", r.getInteger("dictionary_version"))
        .put("comment", r.getString("comment"))
        .put("department", r.getString("department"))
        .put("itemCode", r.getString("item_code"))
        .put("itemVersion", r.getInteger("item_version"))
        .put("source", r.getString("source"))
        .put("defaulted", r.getBoolean("defaulted"))
        .put("excluded", r.getBoolean("excluded"))
        .put("excludedReason", r.getString("excluded_reason"))
        .put("followUp", r.getString("follow_up") == null ? null : new JsonObject()
            .put("satisfaction", r.getString("follow_up"))
            .put("comment", r.getString("follow_up_comment"))
            .put("at", CaseService.instant(r, "follow_up_at")))
        .put("ratedAt", CaseService.instant(r, "rated_at"))
        .put("case", r.getUUID("case_id") == null ? null : new JsonObject()
            .put("id", r.getUUID("case_id").toString())
            .put("state", r.getString("case_state"))
            .put("reply", r.getString("case_reply"))
            .put("repliedAt", CaseService.instant(r, "case_replied_at"))
            .put("closeReason", r.getString("case_close_reason")));
    if (staff) {
      v.put("raterName", r.getString("rater_name")).put("officer", r.getString("officer_subject"));
    }
    return v;
  }
}
