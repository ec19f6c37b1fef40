package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Function;
import zhangban.config.Config;
import zhangban.db.Idempotency;
import zhangban.db.Timestamps;
import zhangban.http.ApiException;
import zhangban.http.CallLimiter;
import zhangban.http.MobileNumbers;
import zhangban.sms.PhoneVault;
import zhangban.http.ProblemType;
import zhangban.http.Http;
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
  static final Set<String> OFFLINE = Set.of("hall", "tablet", "kiosk", "qr", "sms", "hotline");
  /** The follow-up as a score, for its mean in statistics. */
  static final java.util.Map<String, Long> FOLLOW_UP_SCORES = java.util.Map.of(
      "satisfied", 3L, "basically_satisfied", 2L, "dissatisfied", 1L);

  /**
   * What the rules of a rating ask, in one statement: the reply kept under the idempotency key
   * ($2 the claimant, $3 the key), the application (by its id $1, or else by its number $5), the
   * invitation of the stage ($4) and the current tag dictionary's version.
   */
  private static final String BEFORE = """
      select k.operation as stored_operation, k.request_hash as stored_hash, k.body as stored_body,
             (select max(version) from rating_tag_dictionary) as dictionary_now, x.*
      from (select 1) one
      left join idempotency_record k on k.subject = $2 and k.key = $3
      left join lateral (
        select a.id, a.department, a.applicant_subject, a.applicant_uscc, a.hall_code, a.window_code,
               a.applicant_phone_hash,
               i.state as invitation_state, i.reached_at, i.window_ends_at
        from application a
        left join rating_invitation i on i.application_id = a.id and i.stage = $4
        where a.id = coalesce($1::uuid, (select id from application where number = $5::text))) x on true
      """;

  /**
   * All of a good rating in one statement, atomic without a transaction around it, with the rules
   * that the data decide checked by the statement itself: the stage's invitation is taken if it
   * is still open, in its window, the application's applicant is the rater, the dictionary
   * version named is still the current one and the idempotency key unused; only then are written
   * the rating ($1–$17; its application's number, applicant, department, region, officer and item
   * are taken from the rows the statement finds), its audit ($18–$21: action, actor, role,
   * details), its delta for the statistics (counted on its day in time zone $27) and the reply
   * kept under the key ($22–$26: claimant, key, operation, hash, and the body, which the
   * application's number, department and item complete), and when $28 its record for the provincial
   * platform (docs/platform-reporting.md). Answers those four, or no row: then a
   * rule refused it (or it lost a race: the invitation taken, the dictionary changed) and a read
   * must say why. A key another request has just claimed fails it with a unique violation. The
   * invitation's row lock orders two ratings of one stage.
   */
  private static final String WRITE = """
      with taken as (
        update rating_invitation i set state = 'rated'
        from application a join department d on d.code = a.department
        where i.application_id = $2 and i.stage = $3 and i.state = 'open'
          and i.window_ends_at > $16 and i.reached_at <= $16 + interval '300 seconds'
          and ($9::int is null or $9 = (select max(version) from rating_tag_dictionary))
          and a.id = $2 and a.applicant_subject is not distinct from $11
          and not exists (select 1 from idempotency_record k where k.subject = $22 and k.key = $23)
        returning a.number, a.applicant_name, i.department, d.region, i.officer_subject, a.item_code, a.item_version),
      rated as (
        insert into rating (id, application_id, application_number, stage, level, poor, channel, channel_group, tags,
          dictionary_version, comment, rater_subject, rater_name, department, region, officer_subject, item_code,
          item_version, source, import_client, external_id, defaulted, rated_at, created_at)
        select $1::uuid, $2::uuid, t.number, $3::text, $4::smallint, $5::boolean, $6::text, $7::text, $8::text[],
               $9::int, $10::text, $11::text, t.applicant_name, t.department, t.region, t.officer_subject,
               t.item_code, t.item_version, $12::text, $13::text, $14::text, $15::boolean, $16::timestamptz,
               $17::timestamptz
        from taken t
        returning id, application_number, level, rated_at, created_at, department, channel, item_code, item_version,
                  officer_subject, comment),
      audited as (
        insert into rating_audit (rating_id, case_id, action, actor, actor_role, note, details, at)
        select id, null, $18::text, $19::text, $20::text, comment, $21::jsonb, created_at from rated),
      counted as (
        insert into stat_rollup_delta (day, department, channel, item, officer, active, l1, l2, l3, l4, l5)
        select (rated_at at time zone $27::text)::date, department, channel, item_code, coalesce(officer_subject, ''),
               1, (level = 1)::int, (level = 2)::int, (level = 3)::int, (level = 4)::int, (level = 5)::int
        from rated),
      reported as (
        insert into platform_report (application_number, kind, record, status, next_attempt_at, created_at, updated_at)
        select f.number, 'rating', jsonb_strip_nulls(f.fields || jsonb_build_object(
                 'at', utc_instant_text(r.rated_at), 'ratingId', r.id, 'sequence', 1, 'stage', $3::text,
                 'channel', r.channel, 'level', r.level, 'tags', to_jsonb($8::text[]), 'comment', r.comment,
                 'defaulted', $15::boolean)),
               platform_report_arrival_status(f.number), r.created_at, r.created_at, r.created_at
        from rated r join application_report_fields f on f.application_id = $2
        where $28::boolean),
      kept as (
        insert into idempotency_record (subject, key, operation, request_hash, status, body)
        select $22::text, $23::text, $24::text, $25::text, 201, $26::jsonb
               || jsonb_build_object('applicationNumber', application_number, 'department', department,
                                     'itemCode', item_code, 'itemVersion', item_version)
        from rated)
      select application_number, department, item_code, item_version from rated
      """;

  /**
   * All of a poor rating in one statement, as {@link #WRITE}, and its rectification case: the case
   * ($29 its id, $30 the day it opens, $31–$34 the verify and reply deadlines and their first
   * yellow days) with the audit row of its opening after the rating's own (its details $35, to
   * which the department is added), and the rating's reasons counted for the statistics; $28 as
   * in {@link #WRITE}. Answers
   * also the item's name, for the notice to the department.
   */
  private static final String WRITE_POOR = """
      with taken as (
        update rating_invitation i set state = 'rated'
        from application a join department d on d.code = a.department
        where i.application_id = $2 and i.stage = $3 and i.state = 'open'
          and i.window_ends_at > $16 and i.reached_at <= $16 + interval '300 seconds'
          and ($9::int is null or $9 = (select max(version) from rating_tag_dictionary))
          and a.id = $2 and a.applicant_subject is not distinct from $11
          and not exists (select 1 from idempotency_record k where k.subject = $22 and k.key = $23)
        returning a.number, a.applicant_name, i.department, d.region, i.officer_subject, a.item_code, a.item_version),
      rated as (
        insert into rating (id, application_id, application_number, stage, level, poor, channel, channel_group, tags,
          dictionary_version, comment, rater_subject, rater_name, department, region, officer_subject, item_code,
          item_version, source, import_client, external_id, defaulted, rated_at, created_at)
        select $1::uuid, $2::uuid, t.number, $3::text, $4::smallint, $5::boolean, $6::text, $7::text, $8::text[],
               $9::int, $10::text, $11::text, t.applicant_name, t.department, t.region, t.officer_subject,
               t.item_code, t.item_version, $12::text, $13::text, $14::text, $15::boolean, $16::timestamptz,
               $17::timestamptz
        from taken t
        returning id, application_number, level, rated_at, created_at, department, channel, item_code, item_version,
                  officer_subject, tags, comment),
      opened as (
        insert into rectification_case (id, rating_id, application_id, application_number, department, state,
          opened_at, opened_on, verify_deadline, verify_warning_from, reply_deadline, reply_warning_from)
        select $29::uuid, id, $2::uuid, application_number, department, 'open', created_at, $30::date,
               $31::date, $32::date, $33::date, $34::date
        from rated),
      audited as (
        insert into rating_audit (rating_id, case_id, action, actor, actor_role, note, details, at)
        select rating_id, case_id, action, actor, actor_role, note, details, at from (
          select 1 as step, id as rating_id, null::uuid as case_id, $18::text as action, $19::text as actor,
                 $20::text as actor_role, comment as note, $21::jsonb as details, created_at as at
          from rated
          union all
          select 2, id, $29::uuid, 'case_opened', 'system', 'system', null,
                 jsonb_build_object('department', department) || $35::jsonb, created_at
          from rated) steps
        order by step),
      counted as (
        insert into stat_rollup_delta (day, department, channel, item, officer, active, l1, l2, l3, l4, l5, poor)
        select (rated_at at time zone $27::text)::date, department, channel, item_code, coalesce(officer_subject, ''),
               1, (level = 1)::int, (level = 2)::int, (level = 3)::int, (level = 4)::int, (level = 5)::int, 1
        from rated),
      reasons_counted as (
        insert into stat_tag_rollup as s (dim, grain, period, department, channel, key, tag, poor)
        select 'dept', g.grain, case g.grain when 'day' then r.day else date_trunc('month', r.day)::date end,
               r.department, r.channel, '', t.tag, 1
        from (select (rated_at at time zone $27::text)::date as day, department, channel, tags from rated) r
        cross join unnest(r.tags) t(tag)
        cross join (values (1, 'day'), (2, 'month')) g(o, grain)
        order by t.tag, g.o
        on conflict (dim, grain, period, department, channel, key, tag) do update set poor = s.poor + excluded.poor),
      reported as (
        insert into platform_report (application_number, kind, record, status, next_attempt_at, created_at, updated_at)
        select f.number, 'rating', jsonb_strip_nulls(f.fields || jsonb_build_object(
                 'at', utc_instant_text(r.rated_at), 'ratingId', r.id, 'sequence', 1, 'stage', $3::text,
                 'channel', r.channel, 'level', r.level, 'tags', to_jsonb($8::text[]), 'comment', r.comment,
                 'defaulted', $15::boolean)),
               platform_report_arrival_status(f.number), r.created_at, r.created_at, r.created_at
        from rated r join application_report_fields f on f.application_id = $2
        where $28::boolean),
      kept as (
        insert into idempotency_record (subject, key, operation, request_hash, status, body)
        select $22::text, $23::text, $24::text, $25::text, 201, $26::jsonb
               || jsonb_build_object('applicationNumber', application_number, 'department', department,
                                     'itemCode', item_code, 'itemVersion', item_version)
        from rated)
      select application_number, department, item_code, item_version,
             (select v.name from service_item_version v
              where v.item_code = rated.item_code and v.version = rated.item_version) as item_name
      from rated
      """;

  static final String SELECT = """
      select r.*, c.id as case_id, c.state as case_state, c.reply as case_reply, c.replied_at as case_replied_at,
             c.close_reason as case_close_reason
      from rating r left join rectification_case c on c.rating_id = r.id
      """;
  private static final String BY_ID = SELECT + "where r.id = $1";
  private static final String BY_ID_FOR_UPDATE = SELECT + "where r.id = $1 for update of r";
  private static final String OF_APPLICATION = SELECT + "where r.application_id = $1 order by r.rated_at";
  private static final String FOLLOW_UP = """
      update rating set follow_up = $2, follow_up_comment = $3, follow_up_at = $4 where id = $1
      """;
  private static final String STAGES_OF_APPLICATION = """
      select stage, reached_at, window_ends_at, state from rating_invitation where application_id = $1
      order by reached_at
      """;


  private final Pool pool;
  private final Optional<PhoneVault> phones;
  private final Audit audit;
  private final TagDictionary dictionary;
  private final Rectification rectification;
  private final Config.Rating rules;
  private final Clock clock;
  private final CallLimiter limiter;
  private final Rollups rollups;
  private final boolean reporting;
  private final ZoneId zone;

  /**
   * {@code reporting}: each rating also records what the provincial platform is owed (a
   * reporting profile is configured).
   */
  public RatingService(Pool pool, TagDictionary dictionary, Rectification rectification,
                       Config.Rating rules, Rollups rollups, Clock clock, ZoneId zone, boolean reporting, Audit audit,
                       Optional<PhoneVault> phones) {
    this.phones = phones;
    this.reporting = reporting;
    this.audit = audit;
    this.rollups = rollups;
    this.zone = zone;
    this.pool = pool;
    this.dictionary = dictionary;
    this.rectification = rectification;
    this.rules = rules;
    this.clock = clock;
    this.limiter = new CallLimiter(rules.callsPerMinute(), "rating calls", clock);
  }

  /** What a rating says, before the rules are checked. */
  record Draft(String stage, int level, String channel, List<String> tags, Integer dictionaryVersion, String comment,
               Instant ratedAt) {}

  // ---- rating by the applicant ---------------------------------------------------------------

  public Future<JsonObject> rate(Principal p, UUID applicationId, String key, JsonObject in, Optional<String> device) {
    limiter.acquire("user:" + p.subject(), device.map(d -> "device:" + d).orElse(null));
    if (p.has(Role.OFFICER) || p.has(Role.MANAGER) || p.has(Role.ADMIN) || p.has(Role.INTEGRATION)) {
      throw new ApiException(ProblemType.STAFF_CANNOT_RATE,
          "Staff may not rate, nor rate for someone; only the applicant rates their own transaction.", null);
    }
    if (!p.isApplicant()) {
      throw ApiException.forbidden("Only citizens and enterprise members rate.");
    }
    Draft d = draft(in, in.getString("channel", "app"), clock.instant());
    return straight(new Submission(applicationId, null, p.subject(), key, "rateApplication",
        Idempotency.hash("rateApplication", applicationId.toString(), in), p.subject(), "applicant", null, null,
        p.primaryRole(), a -> {
          if (a.getUUID("id") == null || !canSeeAsApplicant(p, a)) {
            throw ApiException.notFound("No application " + applicationId + ".");
          }
          if (!p.subject().equals(a.getString("applicant_subject"))) {
            throw new ApiException(ProblemType.NOT_THE_RATER,
                "Only the member who filed the application may rate it.", null);
          }
        }), applicationId, d);
  }

  // ---- rating by link (a QR code, an SMS) -------------------------------------------------------

  /** The highest level that must name a reason (a 差评 when RATING_POOR_NEEDS_TAG), or 0 when none must. */
  int reasonRequiredUpTo() {
    return rules.poorNeedsTag() ? rules.poorMaxLevel() : 0;
  }

  /** Refuses a stage that is not rated here (RATING_STAGES). */
  void checkRateable(String stage) {
    if (!rules.stages().contains(stage)) {
      throw new ApiException(ProblemType.STAGE_NOT_RATEABLE,
          "Stage " + stage + " is not rated here; rateable stages: " + String.join(", ", rules.stages()) + ".",
          new JsonObject().put("errors", new JsonArray().add(ApiException.fieldError("/stage", "Not a rateable stage."))));
    }
  }

  /**
   * A rating through a rating link, as the applicant: whoever holds the link sent or shown to
   * them. The same request again answers the same rating; anything else once the stage is rated
   * (through this link or any channel) is refused as a used link.
   */
  Future<JsonObject> rateByLink(RatingLinks.Link link, JsonObject in) {
    limiter.acquire("link:" + link.id(), null);
    JsonObject body = in.copy().put("stage", link.stage());
    Draft d = draft(body, link.channel(), clock.instant());
    String role = link.enterprise() ? Role.ENTERPRISE.wire() : Role.CITIZEN.wire();
    // written straight away, as the app's ratings are: the statement checks what the data decide
    return straight(new Submission(link.applicationId(), null, "link:" + link.id(), "rating", "rateByLink",
        Idempotency.hash("rateByLink", link.id().toString(), body), link.applicant(), "applicant", null, null, role,
        a -> { }), link.applicationId(), d)
        .recover(t -> t instanceof ApiException e && (e.type() == ProblemType.ALREADY_RATED
            || e.type() == ProblemType.IDEMPOTENCY_KEY_REUSED) ? Future.failedFuture(RatingLinks.used())
            : Future.failedFuture(t));
  }

  // ---- 一次一评 at a hall window ---------------------------------------------------------------

  /**
   * A window's tablet (an integration client with its hall and window as claims) rates a visit the
   * hall system registered at that window, as the applicant who stands there, within
   * RATING_VISIT_MINUTES of the stage; once per visit and stage, the same request again answering
   * the same rating.
   */
  public Future<JsonObject> rateVisit(Principal device, String number, JsonObject in) {
    if (!device.has(Role.INTEGRATION) || device.window().isEmpty()) {
      throw ApiException.forbidden("Only a window's rating tablet (a hall and window in its credential) rates a visit.");
    }
    limiter.acquire("device:" + device.subject(), null);
    Instant now = clock.instant();
    Draft d = draft(in, "tablet", now);
    return submit(new Submission(null, number, device.subject(), "visit:" + number + ":" + d.stage(), "rateVisit",
        Idempotency.hash("rateVisit", number, in), null, "applicant", device.subject(), null, Role.INTEGRATION.wire(),
        a -> {
          if (a.getUUID("id") == null || !device.department().orElse("").equals(a.getString("department"))) {
            throw ApiException.notFound("No transaction " + number + ".");
          }
          if (!device.hall().equals(Optional.ofNullable(a.getString("hall_code")))
              || !device.window().equals(Optional.ofNullable(a.getString("window_code")))) {
            throw ApiException.forbidden("Transaction " + number + " was served at another window; this tablet "
                + "serves window " + device.window().get() + " of hall " + device.hall().get() + ".");
          }
          OffsetDateTime reached = a.getOffsetDateTime("reached_at");
          if (reached != null && now.isAfter(reached.toInstant().plus(Duration.ofMinutes(rules.visitMinutes())))) {
            throw new ApiException(ProblemType.RATING_WINDOW_CLOSED, "A visit is rated at the window within "
                + rules.visitMinutes() + " minutes; this one was served at " + reached.toInstant() + ".",
                new JsonObject().put("windowEndsAt", reached.toInstant().plus(Duration.ofMinutes(rules.visitMinutes()))
                    .toString()));
          }
        }), d, 1)
        // the visit's key is its stage: another rating of it is one too many, not a misused key
        .recover(t -> t instanceof ApiException e && e.type() == ProblemType.IDEMPOTENCY_KEY_REUSED
            ? Future.failedFuture(new ApiException(ProblemType.ALREADY_RATED,
                "This visit was rated already; a rating is never changed.", null))
            : Future.failedFuture(t));
  }

  // ---- imports from halls, kiosks and the hotline ----------------------------------------------

  /**
   * The look-up hash of the number an imported rating came from (a 12345 caller), when it names
   * one instead of the rater's subject; exactly one of the two names the rater.
   */
  private byte[] raterPhone(JsonObject in) {
    String mobile = in.getString("raterMobile");
    if ((mobile == null) == (in.getString("raterSubject") == null)) {
      throw ApiException.unprocessable("Name the rater by raterSubject or by raterMobile, one of the two.",
          new JsonArray().add(ApiException.fieldError(mobile == null ? "/raterSubject" : "/raterMobile",
              "One of raterSubject and raterMobile.")));
    }
    if (mobile == null) {
      return null;
    }
    return MobileNumbers.read(mobile, "/raterMobile", phones).lookup();
  }

  /** An integration client imports an offline rating; the same external id returns the first result. */
  public Future<JsonObject> importRating(Principal client, JsonObject in) {
    if (!client.has(Role.INTEGRATION)) {
      throw ApiException.forbidden("Only integration clients import ratings.");
    }
    if (client.isWindowTablet()) {
      throw ApiException.forbidden("A window's tablet rates visits; it imports no ratings.");
    }
    Instant ratedAt = Http.instant(in.getString("ratedAt"), "/ratedAt");
    Draft d = draft(in, in.getString("channel"), ratedAt);
    if (ratedAt.isAfter(clock.instant().plusSeconds(300))) {
      throw ApiException.unprocessable("A rating cannot come from the future.",
          new JsonArray().add(ApiException.fieldError("/ratedAt", "Not later than now.")));
    }
    String externalId = in.getString("externalId");
    String number = in.getString("applicationNumber");
    String raterSubject = in.getString("raterSubject");
    byte[] raterPhone = raterPhone(in);
    return submit(new Submission(null, number, client.subject(), "rating:" + externalId, "importRating",
        Idempotency.hash("importRating", externalId, in), raterSubject, "import", client.subject(),
        externalId, Role.INTEGRATION.wire(), a -> {
          String dept = client.department().orElse("");
          if (a.getUUID("id") == null
              || !(dept.equals(a.getString("department")) || rules.provinceWideImporters().contains(dept))) {
            throw ApiException.notFound("No application " + number + ".");
          }
          if (raterSubject != null && !raterSubject.equals(a.getString("applicant_subject"))) {
            throw ApiException.unprocessable("Only the applicant who filed the application may rate it.",
                new JsonArray().add(ApiException.fieldError("/raterSubject", "Not the applicant who filed it.")));
          }
          Buffer known = a.getBuffer("applicant_phone_hash");
          if (raterPhone != null && (known == null || !java.security.MessageDigest.isEqual(known.getBytes(), raterPhone))) {
            throw ApiException.unprocessable("Only the applicant may rate: the number is not the one the transaction "
                + "was registered with.", new JsonArray().add(ApiException.fieldError("/raterMobile",
                "Not the applicant's number.")));
          }
        }), d, 1);
  }

  private Draft draft(JsonObject in, String channel, Instant ratedAt) {
    String comment = in.getString("comment");
    if (comment != null && comment.codePointCount(0, comment.length()) > rules.commentMaxChars()) {
      throw ApiException.unprocessable("The comment is too long.", new JsonArray().add(ApiException.fieldError(
          "/comment", "At most " + rules.commentMaxChars() + " characters.")));
    }
    String stage = in.getString("stage", "completed");
    checkRateable(stage);
    List<String> tags = in.getJsonArray("tags", new JsonArray()).stream().map(String::valueOf).toList();
    return new Draft(stage, in.getInteger("level"), channel, tags, in.getInteger("dictionaryVersion"),
        comment, ratedAt.truncatedTo(ChronoUnit.MICROS));
  }

  /**
   * A rating as it arrives: its application (by id in the app, by number from an import)
   * and checked ({@code check} throws what the caller may not do), who brings it, and the key and
   * hash its reply is kept under.
   */
  private record Submission(UUID applicationId, String applicationNumber, String claimant, String key, String operation,
                            String hash, String rater, String source, String client, String externalId,
                            String actorRole, Consumer<Row> check) {
    Submission withRater(String r) {
      return new Submission(applicationId, applicationNumber, claimant, key, operation, hash, r, source, client,
          externalId, actorRole, check);
    }
  }

  /**
   * A write that wrote nothing: a rule the statement checks refused it, or it lost a race (the
   * winner's reply, or why not, is then read).
   */
  private static final class NotWritten extends RuntimeException {
    NotWritten() {
      super("not written", null, false, false);
    }
  }

  private static final int ATTEMPTS = 3;

  /**
   * An applicant's rating whose tags fit the dictionary version it names, as this process knows
   * it, is written straight away: the write itself checks what the data decide (the application
   * is the rater's, the stage open and in its window, the version current, the key unused). Only
   * when it writes nothing, or the tags do not fit, does the rating go the way of every rating
   * ({@link #submit}): the read finds the reply kept under the key, or says which rule refused it.
   */
  private Future<JsonObject> straight(Submission s, UUID applicationId, Draft d) {
    TagDictionary.Version known = d.dictionaryVersion() == null ? null
        : dictionary.known(d.dictionaryVersion()).orElse(null);
    if (d.dictionaryVersion() != null && known == null || !misfits(known, d).isEmpty()) {
      return submit(s, d, 1);
    }
    return write(s, d, applicationId, d.dictionaryVersion(), clock.instant().truncatedTo(ChronoUnit.MICROS))
        .recover(t -> notWritten(t) ? submit(s, d, 1) : Future.failedFuture(t));
  }

  private static boolean notWritten(Throwable t) {
    return t instanceof NotWritten || t instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  /**
   * The rules every rating passes, whoever brings it, checked on what one read finds; then all of
   * the rating written by one statement ({@link #write}), and for a poor one its case in the same
   * transaction. A submission that lost a race (the same key or stage taken by another request, a
   * new dictionary version) reads again: the winner's reply, or why not.
   */
  private Future<JsonObject> submit(Submission s, Draft d, int attempt) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return pool.preparedQuery(BEFORE).execute(Tuple.of(s.applicationId(), s.claimant(), s.key(), d.stage(),
            s.applicationNumber()))
        .compose(rows -> {
          Row a = rows.iterator().next();
          if (a.getString("stored_operation") != null) {
            Idempotency.check(a.getString("stored_operation"), a.getString("stored_hash"), s.operation(), s.hash());
            return Future.succeededFuture((JsonObject) a.getJson("stored_body"));
          }
          s.check().accept(a);
          checkInvitation(a, d);
          // a rating at the window, or by the applicant's phone, is the applicant's, whoever they are to Zhangban
          Submission as = s.rater() == null ? s.withRater(a.getString("applicant_subject")) : s;
          return checkTags(d, a.getInteger("dictionary_now"))
              .compose(version -> write(as, d, a.getUUID("id"), version, now));
        })
        .recover(t -> {
          if (!notWritten(t)) {
            return Future.failedFuture(t);
          }
          if (attempt >= ATTEMPTS) {
            return Future.failedFuture(new ApiException(ProblemType.RATING_CONFLICT,
                "Other requests kept rating this stage at the same moment; read its ratings, then try again.", null));
          }
          return submit(s, d, attempt + 1);
        });
  }

  /**
   * Writes the rating ({@link #WRITE}, or {@link #WRITE_POOR} with its case) of application
   * {@code applicationId}; answers its reply, or fails with {@link NotWritten} when the statement
   * wrote nothing. A poor rating's transaction first reads the calendar its case's deadlines are
   * counted on: on the transaction's connection, so that the rating waits for a connection once,
   * not twice.
   */
  private Future<JsonObject> write(Submission s, Draft d, UUID applicationId, Integer version, Instant now) {
    boolean poor = rules.isPoor(d.level());
    UUID caseId = UUID.randomUUID();
    UUID id = UUID.randomUUID();
    String channelGroup = ONLINE.contains(d.channel()) ? "online" : "offline";
    List<Object> params = new ArrayList<>(Arrays.asList(id, applicationId, d.stage(), (short) d.level(), poor,
        d.channel(), channelGroup, d.tags().toArray(new String[0]), version, d.comment(), s.rater(), s.source(),
        s.client(), s.externalId(), false, Timestamps.utc(d.ratedAt()), Timestamps.utc(now)));
    Map<String, Object> columns = new HashMap<>();
    columns.put("id", id);
    columns.put("application_id", applicationId);
    columns.put("stage", d.stage());
    columns.put("level", d.level());
    columns.put("poor", poor);
    columns.put("channel", d.channel());
    columns.put("tags", d.tags().toArray(new String[0]));
    columns.put("dictionary_version", version);
    columns.put("comment", d.comment());
    columns.put("source", s.source());
    columns.put("defaulted", false);
    columns.put("excluded", false);
    columns.put("rated_at", Timestamps.utc(d.ratedAt()));
    if (poor) {
      columns.put("case_id", caseId);
      columns.put("case_state", "open");
    }
    // what the statement finds (number, department, item) it adds to the reply it keeps, and to this one
    JsonObject reply = view(columns::get, false);
    params.addAll(Arrays.asList("import".equals(s.source()) ? "imported" : "rated",
        s.client() != null ? s.client() : s.rater() != null ? s.rater() : s.claimant(), s.actorRole(), new JsonObject().put("level", d.level())
            .put("channel", d.channel()).put("tags", new JsonArray(d.tags())).put("externalId", s.externalId()),
        s.claimant(), s.key(), s.operation(), s.hash(), reply, zone.getId(), reporting));
    if (!poor) {
      return pool.preparedQuery(WRITE).execute(Tuple.from(params)).map(rows -> found(written(rows), reply));
    }
    return pool.withTransaction(tx -> rectification.plan(tx, caseId, now).compose(opening -> {
      List<Object> all = new ArrayList<>(params);
      all.addAll(Arrays.asList(opening.id(), opening.day(), opening.verifyBy(), opening.verifyWarningFrom(),
          opening.replyBy(), opening.replyWarningFrom(), opening.details()));
      return tx.preparedQuery(WRITE_POOR).execute(Tuple.from(all)).compose(rows -> {
        Row r = written(rows);
        return rectification.announce(tx, opening, applicationId, r.getString("application_number"),
            r.getString("department"), r.getString("item_name"), now).map(v -> found(r, reply));
      });
    }));
  }

  private static Row written(RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw new NotWritten();
    }
    return rows.iterator().next();
  }

  /** The reply with what the write found of the application. */
  private static JsonObject found(Row r, JsonObject reply) {
    return reply.put("applicationNumber", r.getString("application_number"))
        .put("department", r.getString("department"))
        .put("itemCode", r.getString("item_code"))
        .put("itemVersion", r.getInteger("item_version"));
  }

  /**
   * The stage's invitation must be open, and the rating must fall in its window: else none yet,
   * rated (or defaulted), or out of its window.
   */
  private static void checkInvitation(Row a, Draft d) {
    checkOpen(d.stage(), a.getString("invitation_state"), a.getOffsetDateTime("window_ends_at"),
        a.getOffsetDateTime("reached_at"), d.ratedAt());
  }

  /**
   * A stage in {@code state} (its invitation's, null when not reached) whose window ends at
   * {@code ends} takes a rating given {@code at}: else why not.
   */
  static void checkOpen(String stage, String state, OffsetDateTime endsAt, OffsetDateTime reachedAt, Instant at) {
    if (state == null) {
      throw new ApiException(ProblemType.STAGE_NOT_REACHED,
          "The application has not reached the " + stage + " stage, so it cannot be rated yet.", null);
    }
    if ("rated".equals(state) || "defaulted".equals(state)) {
      throw new ApiException(ProblemType.ALREADY_RATED,
          "This stage of the application was rated already; a rating is never changed.", null);
    }
    Instant ends = endsAt.toInstant();
    Instant reached = reachedAt.toInstant();
    if (!"open".equals(state) || !ends.isAfter(at) || reached.isAfter(at.plusSeconds(300))) {
      throw new ApiException(ProblemType.RATING_WINDOW_CLOSED,
          "Ratings of this stage were taken until " + ends + ".",
          new JsonObject().put("windowEndsAt", ends.toString()));
    }
  }

  /**
   * Tags must be of the current dictionary version ({@code now}), fit the level and the channel's
   * group; answers the version the rating keeps (none when it names none: it then may name no tags).
   */
  private Future<Integer> checkTags(Draft d, Integer now) {
    if (d.dictionaryVersion() == null) {
      if (!d.tags().isEmpty()) {
        throw ApiException.unprocessable("Tags need the dictionary version they come from.",
            new JsonArray().add(ApiException.fieldError("/dictionaryVersion", "Required with tags.")));
      }
      return Future.succeededFuture(fit(null, d));
    }
    if (!d.dictionaryVersion().equals(now)) {
      return dictionary.version(pool, d.dictionaryVersion()).map(found -> {
        if (found.isEmpty()) {
          throw ApiException.unprocessable("No such dictionary version.", new JsonArray().add(
              ApiException.fieldError("/dictionaryVersion", "Unknown version; the current one is " + now + ".")));
        }
        throw new ApiException(ProblemType.STALE_DICTIONARY,
            "The reason tags changed; load version " + now + " and rate again.",
            new JsonObject().put("currentVersion", now));
      });
    }
    return dictionary.published(now).map(current -> fit(current, d));
  }

  /** Checks the tags against {@code current} (null: the rating names no version); answers the version kept. */
  private Integer fit(TagDictionary.Version current, Draft d) {
    JsonArray errors = misfits(current, d);
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable("The reason tags do not fit.", errors);
    }
    return current == null ? null : current.version();
  }

  /**
   * Why the tags do not fit {@code current} (null: the rating names no version, so it may name no
   * tags): each tag once, of the version, of the channel's group and offered for the level; a
   * poor rating names one at least when the rules say so.
   */
  private JsonArray misfits(TagDictionary.Version current, Draft d) {
    String group = ONLINE.contains(d.channel()) ? "online" : "offline";
    JsonArray errors = new JsonArray();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < d.tags().size(); i++) {
      String code = d.tags().get(i);
      Optional<JsonObject> tag = current == null ? Optional.empty() : current.tag(code);
      if (!seen.add(code)) {
        errors.add(ApiException.fieldError("/tags/" + i, "Named twice."));
      } else if (tag.isEmpty()) {
        errors.add(ApiException.fieldError("/tags/" + i, current == null ? "Tags need a dictionary version."
            : "Not a tag of dictionary version " + current.version() + "."));
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
    return errors;
  }

  // ---- the follow-up (追评) -------------------------------------------------------------------

  public Future<JsonObject> followUp(Principal p, UUID ratingId, JsonObject in, Optional<String> device) {
    limiter.acquire("user:" + p.subject(), device.map(d -> "device:" + d).orElse(null));
    return followUp(ratingId, in, p.subject(), p.primaryRole(), r -> p.subject().equals(r.getString("rater_subject")));
  }

  /**
   * The follow-up through a follow-up link, as the rater: whoever holds the link sent with the
   * department's reply to the number the 差评 came from.
   */
  Future<JsonObject> followUpByLink(RatingLinks.Link link, JsonObject in) {
    limiter.acquire("link:" + link.id(), null);
    String role = link.enterprise() ? Role.ENTERPRISE.wire() : Role.CITIZEN.wire();
    return followUp(link.ratingId(), in, link.applicant() != null ? link.applicant() : "link:" + link.id(), role,
        r -> true);
  }

  /** The follow-up of rating {@code ratingId} by {@code actor} (in {@code role}), if {@code mayGive} lets them. */
  private Future<JsonObject> followUp(UUID ratingId, JsonObject in, String actor, String role, Predicate<Row> mayGive) {
    String comment = in.getString("comment");
    if (comment != null && comment.codePointCount(0, comment.length()) > rules.commentMaxChars()) {
      throw ApiException.unprocessable("The comment is too long.", new JsonArray().add(ApiException.fieldError(
          "/comment", "At most " + rules.commentMaxChars() + " characters.")));
    }
    return pool.withTransaction(tx -> tx.preparedQuery(BY_ID_FOR_UPDATE)
        .execute(Tuple.of(ratingId)).compose(rows -> {
          Row r = rows.size() == 0 ? null : rows.iterator().next();
          if (r == null || !mayGive.test(r)) {
            throw ApiException.notFound("No rating " + ratingId + ".");
          }
          if (r.getString("follow_up") != null) {
            throw new ApiException(ProblemType.FOLLOW_UP_GIVEN,
                "The follow-up (追评) of this rating was given already.", null);
          }
          if (!"replied".equals(r.getString("case_state"))) {
            throw new ApiException(ProblemType.NO_REPLY_YET,
                "A follow-up comes after the department's reply to a poor rating.", null);
          }
          Instant now = clock.instant();
          UUID caseId = r.getUUID("case_id");
          String satisfaction = in.getString("satisfaction");
          return tx.preparedQuery(FOLLOW_UP).execute(Tuple.of(ratingId, satisfaction, comment, Timestamps.utc(now)))
              .compose(v -> audit.record(tx, ratingId, caseId, "follow_up", actor, role, comment,
                  new JsonObject().put("satisfaction", satisfaction), now))
              .compose(v -> rollups.rating(tx, ratingId, Rollups.Delta.of("follow_ups", 1)
                  .and("follow_up_sum", FOLLOW_UP_SCORES.get(satisfaction))))
              .compose(v -> rectification.closeAfterFollowUp(tx, ratingId, caseId, actor, role, now))
              .compose(v -> byId(tx, ratingId)).map(row -> view(row, false));
        }));
  }

  // ---- reads ---------------------------------------------------------------------------------

  public Future<JsonObject> get(Principal p, UUID id) {
    return byId(pool, id).compose(r -> {
      if (r == null || !canSee(p, r)) {
        throw ApiException.notFound("No rating " + id + ".");
      }
      boolean staff = !p.subject().equals(r.getString("rater_subject"));
      return Audit.steps(pool, id, staff).map(steps -> view(r, staff).put("steps", steps));
    });
  }

  /** The ratings and open invitations of an application the caller may see (visibility by filing). */
  public Future<JsonObject> forApplication(Principal p, UUID applicationId) {
    return pool.preparedQuery(OF_APPLICATION).execute(Tuple.of(applicationId))
        .compose(rows -> pool.preparedQuery(STAGES_OF_APPLICATION).execute(Tuple.of(applicationId))
            .map(invitations -> {
              JsonArray ratings = new JsonArray();
              for (Row r : rows) {
                ratings.add(view(r, !p.subject().equals(r.getString("rater_subject"))));
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

  private static Future<Row> byId(SqlClient c, UUID id) {
    return c.preparedQuery(BY_ID).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private static boolean canSeeAsApplicant(Principal p, Row a) {
    if (p.subject().equals(a.getString("applicant_subject"))) {
      return true;
    }
    return p.has(Role.ENTERPRISE) && a.getString("applicant_uscc") != null
        && p.uscc().equals(Optional.of(a.getString("applicant_uscc")));
  }

  private static boolean canSee(Principal p, Row r) {
    return p.subject().equals(r.getString("rater_subject"))
        || p.managesDepartment(r.getString("department"))
        || (p.has(Role.OFFICER) && p.department().equals(Optional.of(r.getString("department"))));
  }

  /** A rating; {@code staff} adds who rated and who was rated, which the rater's own view leaves out. */
  static JsonObject view(Row r, boolean staff) {
    return view(r::getValue, staff);
  }

  /** A rating from its columns as {@link #SELECT} names them (a column it lacks is null). */
  static JsonObject view(Function<String, Object> r, boolean staff) {
    UUID caseId = (UUID) r.apply("case_id");
    JsonObject v = new JsonObject()
        .put("id", r.apply("id").toString())
        .put("applicationId", r.apply("application_id").toString())
        .put("applicationNumber", r.apply("application_number"))
        .put("stage", r.apply("stage"))
        .put("level", ((Number) r.apply("level")).intValue())
        .put("poor", r.apply("poor"))
        .put("channel", r.apply("channel"))
        .put("tags", new JsonArray(List.of((String[]) r.apply("tags"))))
        .put("dictionaryVersion", r.apply("dictionary_version"))
        .put("comment", r.apply("comment"))
        .put("department", r.apply("department"))
        .put("itemCode", r.apply("item_code"))
        .put("itemVersion", r.apply("item_version"))
        .put("source", r.apply("source"))
        .put("defaulted", r.apply("defaulted"))
        .put("excluded", r.apply("excluded"))
        .put("excludedReason", r.apply("excluded_reason"))
        .put("followUp", r.apply("follow_up") == null ? null : new JsonObject()
            .put("satisfaction", r.apply("follow_up"))
            .put("comment", r.apply("follow_up_comment"))
            .put("at", instant(r.apply("follow_up_at"))))
        .put("ratedAt", instant(r.apply("rated_at")))
        .put("case", caseId == null ? null : new JsonObject()
            .put("id", caseId.toString())
            .put("state", r.apply("case_state"))
            .put("reply", r.apply("case_reply"))
            .put("repliedAt", instant(r.apply("case_replied_at")))
            .put("closeReason", r.apply("case_close_reason")));
    if (staff) {
      v.put("raterName", r.apply("rater_name")).put("officer", r.apply("officer_subject"));
    }
    return v;
  }

  private static String instant(Object t) {
    return t == null ? null : ((OffsetDateTime) t).toInstant().toString();
  }
}
