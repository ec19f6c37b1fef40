package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
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
 * 12345: the province-wide hotline records a rating heard on the phone, or a complaint taken as a
 * 差评, against a transaction a hall registered. The caller is the applicant when they call from
 * the number the transaction was registered with; the 差评 opens the same rectification case.
 */
class HotlineRatingTest {
  static final String PHONE = "13712345678";
  static TestServer server;
  static Api api;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    server = TestServer.start(Map.of("PHONE_KEYS", "k1:" + Base64.getEncoder().encodeToString(key),
        "PHONE_LOOKUP_KEY", Base64.getEncoder().encodeToString(key), "RATING_IMPORT_PROVINCE_WIDE", "HOTLINE"));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String hotline() {
    return fx.integration("hotline-12345", "HOTLINE");
  }

  /** A completed hall transaction of someone known by {@link #PHONE}; answers its number. */
  static String transaction() {
    String number = "3301" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
    api.put("/integration/transactions/" + number).token(fx.integration("hall-system-minzheng", "MZJ"))
        .json(new JsonObject().put("itemCode", PushFixtures.ITEM).put("channel", "hall").put("window", "A05")
            .put("officer", "officer-minzheng").put("stage", "completed").put("at", server.clock.instant().toString())
            .put("applicant", new JsonObject().put("kind", "citizen").put("name", "孙权").put("mobile", PHONE)))
        .expect(201);
    return number;
  }

  static JsonObject heard(String number, int level, String... tags) {
    return new JsonObject().put("externalId", "12345-" + UUID.randomUUID()).put("applicationNumber", number)
        .put("raterMobile", "+86" + PHONE).put("channel", "hotline").put("level", level)
        .put("tags", new JsonArray(List.of((Object[]) tags))).put("dictionaryVersion", fx.dictionaryVersion())
        .put("ratedAt", server.clock.instant().toString());
  }

  static Api.Response importRating(JsonObject body) {
    return api.post("/integration/ratings").token(hotline()).json(body);
  }

  @Test
  void aComplaintFromTheApplicantsNumberIsTheTransactionsPoorRatingWithItsCase() {
    String number = transaction();
    JsonObject complaint = heard(number, 1, "service_attitude").put("comment", "来电投诉：窗口人员推诿");
    JsonObject rating = importRating(complaint).expect(201).json();
    assertEquals("hotline", rating.getString("channel"));
    assertEquals("import", rating.getString("source"));
    assertTrue(rating.getBoolean("poor"));
    assertEquals("open", rating.getJsonObject("case").getString("state"));
    JsonObject stored = server.row("select r.rater_subject, r.officer_subject, c.department from rating r "
        + "join rectification_case c on c.rating_id = r.id where r.id = $1::uuid", rating.getString("id"));
    assertNull(stored.getString("rater_subject"));
    assertEquals("officer-minzheng", stored.getString("officer_subject"), "about the officer who served them");
    assertEquals("MZJ", stored.getString("department"), "the case goes to the department, not to the hotline");
    assertEquals(rating, importRating(complaint).expect(201).json(), "the same externalId: the same rating");
    assertEquals("already-rated", importRating(heard(number, 5)).expect(409).json().getString("type")
        .replaceAll(".*/", ""), "one rating per stage, whoever brings it");
  }

  @Test
  void aCallerFromAnotherNumberOrNamedTwiceOrNotAtAllIsRefusedChangingNothing() {
    String number = transaction();
    Map<String, Long> before = server.snapshot();
    assertEquals(List.of("/raterMobile"), importRating(heard(number, 4).put("raterMobile", "13900000000"))
        .expect(422).pointers(), "not the applicant's number");
    assertEquals(List.of("/raterMobile"), importRating(heard(number, 4).put("raterMobile", "12345")).expect(400)
        .pointers());
    importRating(heard(number, 4).put("raterSubject", "citizen-someone")).expect(422);
    importRating(heard(number, 4).copy().put("raterMobile", (String) null)).expect(400);
    JsonObject neither = heard(number, 4);
    neither.remove("raterMobile");
    importRating(neither).expect(422);
    api.post("/integration/ratings").token(fx.integration("hall-system-other", "SCJGJ")).json(heard(number, 4))
        .expect(404);
    assertEquals(before, server.snapshot());
  }
}
