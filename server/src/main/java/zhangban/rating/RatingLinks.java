package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import zhangban.db.Timestamps;
import zhangban.http.ApiException;
import zhangban.http.ProblemType;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/**
 * Rating links: one stage of one application rated without the app, by whoever holds the link
 * sent to the applicant (by SMS) or shown to them (a QR code on the receipt or the hall's screen).
 * The token is 256 random bits, unguessable; only its SHA-256 digest is stored, so neither the
 * database nor its backups can rate. The link lives until the stage's rating window closes or it
 * is revoked; the stage is rated once, whatever the channel.
 */
public final class RatingLinks {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** 32 bytes in unpadded Base64url. */
  static final String TOKEN_PATTERN = "^[A-Za-z0-9_-]{43}$";

  private static final String STAGE_OF_APPLICATION = """
      select a.department, i.state, i.window_ends_at, i.reached_at
      from application a
      left join rating_invitation i on i.application_id = a.id and i.stage = $2
      where a.id = $1
      """;
  private static final String CREATE = """
      insert into rating_link (id, token_digest, application_id, stage, channel, created_by, created_at, expires_at)
      values ($1, $2, $3, $4, $5, $6, $7, $8)
      """;
  /**
   * A follow-up link $1 (token digest $2, made by $3 at $4, good until $5) for rating $6, of the
   * rating's application and stage.
   */
  private static final String CREATE_FOLLOW_UP = """
      insert into rating_link (id, token_digest, application_id, stage, channel, created_by, created_at, expires_at,
        purpose, rating_id)
      select $1, $2, r.application_id, r.stage, 'sms', $3, $4, $5, 'follow_up', r.id
      from rating r where r.id = $6
      """;
  private static final String REVOKE = """
      update rating_link l set revoked_at = $3, revoked_by = $4
      from application a
      where l.id = $1 and l.application_id = $2 and a.id = l.application_id and a.department = $5
        and l.revoked_at is null
      returning l.id
      """;
  private static final String LINK_OF_APPLICATION = """
      select l.revoked_at from rating_link l join application a on a.id = l.application_id
      where l.id = $1 and l.application_id = $2 and a.department = $3
      """;
  private static final String VERIFY_DEADLINE = "select verify_deadline from rectification_case where id = $1";
  /** A link by its token's digest, with what its page shows and what its rating needs. */
  static final String BY_TOKEN = """
      select l.id, l.application_id, l.stage, l.channel, l.expires_at, l.revoked_at, l.purpose, l.rating_id,
             c.state as case_state, c.reply as case_reply, c.replied_at as case_replied_at, r.follow_up,
             a.applicant_subject, a.applicant_uscc, a.applicant_name, a.department,
             d.name as department_name, v.name as item_name,
             i.state as invitation_state, i.reached_at, i.window_ends_at
      from rating_link l
      join application a on a.id = l.application_id
      join department d on d.code = a.department
      join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
      left join rating_invitation i on i.application_id = a.id and i.stage = l.stage
      left join rating r on r.id = l.rating_id
      left join rectification_case c on c.rating_id = l.rating_id
      where l.token_digest = $1
      """;

  /** A link as its token found it. */
  record Link(UUID id, UUID applicationId, String stage, String channel, Instant expiresAt, Instant revokedAt,
              String applicant, boolean enterprise, String applicantName, String department, String departmentName,
              String itemName, String invitationState, Instant reachedAt, String purpose, UUID ratingId,
              String caseState, String caseReply, Instant caseRepliedAt, String followUp) {
    boolean forFollowUp() {
      return "follow_up".equals(purpose);
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final RatingService ratings;
  private final TagDictionary dictionary;
  private final URI publicBase;
  private final Clock clock;
  private final ZoneId zone;

  public RatingLinks(Vertx vertx, Pool pool, RatingService ratings, TagDictionary dictionary, URI publicBase,
                     Clock clock, ZoneId zone) {
    this.vertx = vertx;
    this.pool = pool;
    this.ratings = ratings;
    this.dictionary = dictionary;
    this.publicBase = publicBase;
    this.clock = clock;
    this.zone = zone;
  }

  /**
   * A new link for a stage of an application of the caller's department (its officers, its hall
   * or approval system), good until the stage's window closes. The token is in the answer only.
   */
  public Future<JsonObject> create(Principal p, UUID applicationId, JsonObject in) {
    String department = staffDepartment(p);
    String stage = in.getString("stage", "completed");
    String channel = in.getString("channel");
    ratings.checkRateable(stage);
    Instant now = clock.instant();
    return pool.preparedQuery(STAGE_OF_APPLICATION).execute(Tuple.of(applicationId, stage)).compose(rows -> {
      Row a = rows.size() == 0 ? null : rows.iterator().next();
      if (a == null || !department.equals(a.getString("department"))) {
        throw ApiException.notFound("No application " + applicationId + ".");
      }
      // a link is made for a stage that could be rated now
      RatingService.checkOpen(stage, a.getString("state"), a.getOffsetDateTime("window_ends_at"),
          a.getOffsetDateTime("reached_at"), now);
      Instant ends = a.getOffsetDateTime("window_ends_at").toInstant();
      return insert(pool, applicationId, stage, channel, p.subject(), now, ends)
          .map(made -> new JsonObject()
              .put("id", made.id().toString())
              .put("applicationId", applicationId.toString())
              .put("stage", stage)
              .put("channel", channel)
              .put("token", made.token())
              .put("url", url(made.token()))
              .put("qrUrl", publicBase.resolve("/public/rating-links/" + made.token() + "/qr").toString())
              .put("expiresAt", ends.toString()));
    });
  }

  private static String newToken() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /**
   * A link sent by Zhangban itself (an invitation by SMS), made in the caller's transaction by
   * {@code by}: answers its URL under {@code publicBase}, the only place its token is.
   */
  static Future<String> issue(SqlClient tx, URI publicBase, UUID applicationId, String stage, String channel, String by,
                              Instant now, Instant ends) {
    return insert(tx, applicationId, stage, channel, by, now, ends).map(made -> url(publicBase, made.token()));
  }

  /** A link just made: its id, and its token, which only the one who made it ever holds. */
  private record Made(UUID id, String token) {}

  /** Makes a rating link (a fresh token, only its digest kept) for a stage of an application. */
  private static Future<Made> insert(SqlClient c, UUID applicationId, String stage, String channel, String by,
                                     Instant now, Instant ends) {
    Made made = new Made(UUID.randomUUID(), newToken());
    return c.preparedQuery(CREATE).execute(Tuple.of(made.id(), digest(made.token()), applicationId, stage, channel, by,
        Timestamps.utc(now), Timestamps.utc(ends))).map(made);
  }

  /**
   * A link to the follow-up (追评) of rating {@code ratingId}, sent with the department's reply, good
   * until {@code ends}: answers its URL.
   */
  static Future<String> issueFollowUp(SqlClient tx, URI publicBase, UUID ratingId, String by, Instant now, Instant ends) {
    String token = newToken();
    return tx.preparedQuery(CREATE_FOLLOW_UP).execute(Tuple.of(UUID.randomUUID(), digest(token), by,
        Timestamps.utc(now), Timestamps.utc(ends), ratingId)).map(v -> url(publicBase, token));
  }

  /** Revokes a link of an application of the caller's department; revoking twice is no error. */
  public Future<Void> revoke(Principal p, UUID applicationId, UUID linkId) {
    String department = staffDepartment(p);
    Instant now = clock.instant();
    return pool.preparedQuery(REVOKE).execute(Tuple.of(linkId, applicationId, Timestamps.utc(now), p.subject(),
            department))
        .compose(rows -> rows.rowCount() > 0 ? Future.succeededFuture()
            : pool.preparedQuery(LINK_OF_APPLICATION).execute(Tuple.of(linkId, applicationId, department))
                .map(found -> {
                  if (found.size() == 0) {
                    throw ApiException.notFound("No rating link " + linkId + " of application " + applicationId + ".");
                  }
                  return (Void) null;
                }));
  }

  /** What the link's page shows: the transaction without personal data beyond a masked name, and the tags to choose. */
  public Future<JsonObject> view(String token) {
    return usable(token).compose(link -> dictionary.view(Optional.empty(),
            Optional.of(RatingService.ONLINE.contains(link.channel()) ? "online" : "offline"), Optional.empty())
        .map(tags -> new JsonObject()
            .put("purpose", link.purpose())
            .put("reply", !link.forFollowUp() ? null : new JsonObject().put("text", link.caseReply())
                .put("repliedOn", link.caseRepliedAt().atZone(zone).toLocalDate().toString()))
            .put("stage", link.stage())
            .put("channel", link.channel())
            .put("itemName", link.itemName())
            .put("departmentName", link.departmentName())
            .put("reachedOn", link.reachedAt().atZone(zone).toLocalDate().toString())
            .put("applicantName", mask(link.applicantName()))
            .put("expiresAt", link.expiresAt().toString())
            .put("reasonRequiredUpTo", ratings.reasonRequiredUpTo())
            .put("dictionary", tags)));
  }

  /**
   * Rates the link's stage as the applicant; the same request again answers the same rating. For
   * a poor rating the answer says by when the department will be in touch (the case's verify
   * deadline).
   */
  public Future<JsonObject> rate(String token, JsonObject in) {
    return find(token).compose(link -> {
      if (link.forFollowUp()) {
        throw unknown(); // a follow-up link does not rate
      }
      refuseRevokedOrExpired(link);
      return ratings.rateByLink(link, in);
    }).compose(rating -> {
      JsonObject result = new JsonObject().put("level", rating.getInteger("level"))
          .put("poor", rating.getBoolean("poor")).put("channel", rating.getString("channel"))
          .put("ratedAt", rating.getString("ratedAt"));
      JsonObject opened = rating.getJsonObject("case");
      if (opened == null) {
        return Future.succeededFuture(result);
      }
      return pool.preparedQuery(VERIFY_DEADLINE).execute(Tuple.of(UUID.fromString(opened.getString("id"))))
          .map(rows -> rows.size() == 0 ? result
              : result.put("contactBy", rows.iterator().next().getLocalDate("verify_deadline").toString()));
    });
  }

  /**
   * The follow-up (追评) of the rating the link was sent for, after the department's reply: as its
   * rater. The same request again answers the same follow-up; another after it, a used link.
   */
  public Future<JsonObject> followUp(String token, JsonObject in) {
    return find(token).compose(link -> {
      if (!link.forFollowUp()) {
        throw unknown();
      }
      refuseRevokedOrExpired(link);
      if (link.followUp() != null) {
        if (link.followUp().equals(in.getString("satisfaction"))) {
          return Future.succeededFuture(new JsonObject().put("satisfaction", link.followUp()));
        }
        throw used();
      }
      return ratings.followUpByLink(link, in).map(r -> new JsonObject()
          .put("satisfaction", r.getJsonObject("followUp").getString("satisfaction")));
    });
  }

  /**
   * The link's URL as a QR code: PNG, or SVG drawn from the same modules. Encoding and writing an
   * image takes milliseconds of CPU: off the event loop.
   */
  public Future<QrCodes.Image> qr(String token, String format, int size) {
    return usable(token).compose(link -> vertx.executeBlocking(
        () -> "svg".equals(format) ? QrCodes.svg(url(token), size) : QrCodes.png(url(token), size), false));
  }

  /** The link's URL: the token after '#', so that it never reaches a server's log or a Referer. */
  public String url(String token) {
    return url(publicBase, token);
  }

  static String url(URI publicBase, String token) {
    return publicBase.resolve("/rate/").toString() + "#" + token;
  }

  /** A link whose page may be shown: known, not revoked, not expired, its stage not rated. */
  Future<Link> usable(String token) {
    return find(token).map(link -> {
      refuseRevokedOrExpired(link);
      if (link.forFollowUp() ? link.followUp() != null || !"replied".equals(link.caseState())
          : !"open".equals(link.invitationState())) {
        throw used();
      }
      return link;
    });
  }

  private void refuseRevokedOrExpired(Link link) {
    if (link.revokedAt() != null) {
      throw new ApiException(ProblemType.RATING_LINK_REVOKED, "This rating link was withdrawn.", null);
    }
    if (!link.expiresAt().isAfter(clock.instant())) {
      throw new ApiException(ProblemType.RATING_LINK_EXPIRED,
          "This rating link expired at " + link.expiresAt() + ", when the rating window closed.",
          new JsonObject().put("expiredAt", link.expiresAt().toString()));
    }
  }

  private Future<Link> find(String token) {
    if (token == null || !token.matches(TOKEN_PATTERN)) {
      return Future.failedFuture(unknown());
    }
    return pool.preparedQuery(BY_TOKEN).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(digest(token))))
        .map(rows -> {
          if (rows.size() == 0) {
            throw unknown();
          }
          Row r = rows.iterator().next();
          return new Link(r.getUUID("id"), r.getUUID("application_id"), r.getString("stage"), r.getString("channel"),
              r.getOffsetDateTime("expires_at").toInstant(),
              r.getOffsetDateTime("revoked_at") == null ? null : r.getOffsetDateTime("revoked_at").toInstant(),
              r.getString("applicant_subject"), r.getString("applicant_uscc") != null, r.getString("applicant_name"),
              r.getString("department"), r.getString("department_name"), r.getString("item_name"),
              r.getString("invitation_state"),
              r.getOffsetDateTime("reached_at") == null ? Instant.EPOCH : r.getOffsetDateTime("reached_at").toInstant(),
              r.getString("purpose"), r.getUUID("rating_id"), r.getString("case_state"), r.getString("case_reply"),
              r.getOffsetDateTime("case_replied_at") == null ? null : r.getOffsetDateTime("case_replied_at").toInstant(),
              r.getString("follow_up"));
        });
  }

  static ApiException used() {
    return new ApiException(ProblemType.RATING_LINK_USED, "This transaction was rated already; thank you.", null);
  }

  private static ApiException unknown() {
    return new ApiException(ProblemType.RATING_LINK_UNKNOWN,
        "This is not a rating link Zhangban gave out; check that the whole link was opened.", null);
  }

  /** Officers of a department and its integration clients (hall and approval systems) make its links. */
  private static String staffDepartment(Principal p) {
    if (!(p.has(Role.OFFICER) || p.has(Role.INTEGRATION)) || p.department().isEmpty() || p.isWindowTablet()) {
      throw ApiException.forbidden("Rating links are made by a department's officers and systems.");
    }
    return p.department().get();
  }

  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** 张伟 → 张*, 欧阳娜娜 → 欧***: the first character only. */
  static String mask(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    int first = name.offsetByCodePoints(0, 1);
    return name.substring(0, first) + "*".repeat(Math.max(1, name.codePointCount(first, name.length())));
  }
}
