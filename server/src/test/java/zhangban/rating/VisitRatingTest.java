package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * 一次一评 at a hall window: the hall's queue system registers each visit it served, and the
 * window's rating tablet (a credential naming its hall and window) submits the rating given there,
 * for the officer on duty, within minutes of the visit; once per visit, whatever the channel.
 */
class VisitRatingTest {
  static final String HALL = "HZ-SMZX";
  static TestServer server;
  static Api api;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("RATING_VISIT_MINUTES", "30"));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A credential of the hall's system ({@code window} null) or of one window's tablet. */
  static String device(String subject, String dept, String hall, String window) {
    var claims = server.tokens.claims(subject).claim("name", "设备 " + subject).claim("roles", List.of("integration"))
        .claim("dept", dept).claim("hall", hall);
    if (window != null) {
      claims.claim("window", window);
    }
    return server.tokens.sign(claims.build());
  }

  static String hallSystem() {
    return device("queue-system-" + HALL, "MZJ", HALL, null);
  }

  static String tablet(String window) {
    return device("tablet-" + HALL + "-" + window, "MZJ", HALL, window);
  }

  /** A visit the hall's system registered as served at {@code window} just now; answers its number. */
  static String visit(String window, String subject) {
    String number = "V" + HALL + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
    JsonObject applicant = new JsonObject().put("kind", "citizen").put("name", "钱多");
    if (subject != null) {
      applicant.put("subject", subject);
    }
    api.put("/integration/transactions/" + number).token(hallSystem())
        .json(new JsonObject().put("itemCode", PushFixtures.ITEM).put("channel", "hall").put("window", window)
            .put("officer", "officer-minzheng").put("stage", "completed").put("at", server.clock.instant().toString())
            .put("applicant", applicant))
        .expect(201);
    return number;
  }

  static Api.Response rate(String token, String number, JsonObject body) {
    return api.put("/integration/transactions/" + number + "/visit-rating").token(token).json(body);
  }

  static JsonObject poor() {
    return new JsonObject().put("level", 1).put("tags", new JsonArray().add("service_attitude"))
        .put("dictionaryVersion", fx.dictionaryVersion()).put("comment", "态度不好");
  }

  static String type(Api.Response r) {
    return r.json().getString("type").replace("https://zhangban.gov.cn/problems/", "");
  }

  @Test
  void theWindowsTabletRatesTheVisitForTheOfficerOnDutyOnce() {
    String number = visit("A05", null);
    JsonObject rating = rate(tablet("A05"), number, poor()).expect(201).json();
    assertEquals("tablet", rating.getString("channel"));
    assertEquals(number, rating.getString("applicationNumber"));
    assertTrue(rating.getBoolean("poor"));
    assertEquals("open", rating.getJsonObject("case").getString("state"), "a 差评 at the window opens its case");
    JsonObject stored = server.row("select rater_subject, officer_subject, import_client, channel_group from rating "
        + "where id = $1::uuid", rating.getString("id"));
    assertNull(stored.getString("rater_subject"), "the person at the window, unknown to Zhangban");
    assertEquals("officer-minzheng", stored.getString("officer_subject"));
    assertEquals("tablet-" + HALL + "-A05", stored.getString("import_client"), "which tablet brought it");
    assertEquals("offline", stored.getString("channel_group"));

    assertEquals(rating, rate(tablet("A05"), number, poor()).expect(201).json(), "the same again: the same rating");
    assertEquals("already-rated", type(rate(tablet("A05"), number, new JsonObject().put("level", 5)).expect(409)),
        "one rating per visit");
  }

  @Test
  void aKnownApplicantsVisitIsTheirsWhicheverWayTheyRateItFirst() {
    String subject = "citizen-visit-" + UUID.randomUUID();
    String number = visit("A06", subject);
    rate(tablet("A06"), number, new JsonObject().put("level", 5)).expect(201);
    String id = server.row("select id from application where number = $1", number).getString("id");
    assertEquals(subject, server.row("select rater_subject from rating where application_id = $1::uuid", id)
        .getString("rater_subject"));
    assertEquals("already-rated", type(fx.rate(fx.citizen(subject), id, fx.withVersion(RatingFixtures.rating(4)))
        .expect(409)), "then not again in the app");
  }

  @Test
  void anotherWindowAnotherHallAStaleVisitAndNonTabletsAreRefusedChangingNothing() {
    String number = visit("A07", null);
    Map<String, Long> before = server.snapshot();
    rate(tablet("A08"), number, poor()).expect(403);
    rate(device("tablet-other-hall", "MZJ", "HZ-XCQ", "A07"), number, poor()).expect(403);
    rate(device("tablet-other-dept", "SCJGJ", HALL, "A07"), number, poor()).expect(404);
    rate(hallSystem(), number, poor()).expect(403);
    rate(fx.officer(), number, poor()).expect(403);
    rate(fx.citizen("citizen-" + UUID.randomUUID()), number, poor()).expect(403);
    rate(null, number, poor()).expect(401);
    rate(tablet("A07"), "NO-SUCH-VISIT", poor()).expect(404);
    // a tablet sits in a public hall: its credential rates visits and does nothing else
    String id = server.row("select id from application where number = $1", number).getString("id");
    api.post("/applications/" + id + "/rating-links").token(tablet("A07"))
        .json(new JsonObject().put("stage", "completed").put("channel", "qr")).expect(403);
    api.post("/integration/ratings").token(tablet("A07")).json(new JsonObject().put("externalId", "t-1")
        .put("applicationNumber", number).put("raterSubject", "x").put("channel", "tablet").put("level", 5)
        .put("ratedAt", server.clock.instant().toString())).expect(403);
    api.put("/integration/transactions/V" + UUID.randomUUID().toString().substring(0, 8)).token(tablet("A07"))
        .json(new JsonObject().put("itemCode", PushFixtures.ITEM).put("channel", "hall").put("window", "A07")
            .put("stage", "completed").put("at", server.clock.instant().toString())
            .put("applicant", new JsonObject().put("kind", "citizen").put("name", "钱多"))).expect(403);
    api.post("/integration/applications/" + number + "/events").token(tablet("A07"))
        .json(new JsonObject().put("eventId", "t-2").put("action", "accept")).expect(403);
    assertEquals(List.of("/tags"), rate(tablet("A07"), number, new JsonObject().put("level", 1)
        .put("dictionaryVersion", fx.dictionaryVersion())).expect(422).pointers(), "a 差评 names its reason");
    server.clock.advance(Duration.ofMinutes(31));
    assertEquals("rating-window-closed", type(rate(tablet("A07"), number, poor()).expect(409)),
        "a visit is rated at the window, within RATING_VISIT_MINUTES");
    assertEquals(before, server.snapshot());
  }
}
