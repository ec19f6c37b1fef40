package zhangban.filing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.rating.RatingFixtures;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * Transactions handled in a hall or a department's own system, registered by that system under its
 * own 办件编号: rated, rectified and counted like the app's applications, moved on only by the system
 * that registered them, the applicant's mobile number kept sealed and shown masked.
 */
class ExternalTransactionTest {
  static final String HALL = "hall-system-minzheng";
  static TestServer server;
  static Api api;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("PHONE_KEYS", "k1:" + key(32), "PHONE_LOOKUP_KEY", key(32)));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String key(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  static String hall() {
    return fx.integration(HALL, "MZJ");
  }

  static String number() {
    return "330100" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L);
  }

  /** A hall transaction of the marriage item at window A05, reaching {@code stage} at the test clock's now. */
  static JsonObject transaction(String stage) {
    return new JsonObject().put("itemCode", PushFixtures.ITEM).put("channel", "hall").put("window", "A05")
        .put("officer", "officer-minzheng").put("officerName", "王敏").put("stage", stage)
        .put("at", server.clock.instant().toString())
        .put("applicant", new JsonObject().put("kind", "citizen").put("name", "赵云").put("mobile", "138 1234 1234"));
  }

  @Test
  void aServerThatKeepsNoNumbersRefusesOneAndKeepsNothing() {
    try (TestServer keepsNone = server.sibling(Map.of(), null)) {
      String hall = keepsNone.tokens.token(HALL, "大厅系统", java.util.List.of("integration"), "MZJ", null);
      Map<String, Long> before = keepsNone.snapshot();
      Api.Response refused = keepsNone.api.put("/integration/transactions/" + number()).token(hall)
          .json(transaction("completed"));
      assertEquals(422, refused.status(), refused.body().toString());
      assertEquals(java.util.List.of("/applicant/mobile"), refused.pointers());
      refused = keepsNone.api.post("/integration/ratings").token(hall).json(new JsonObject()
          .put("externalId", "no-keys-" + UUID.randomUUID()).put("applicationNumber", number())
          .put("raterMobile", "13812341234").put("channel", "hotline").put("level", 5)
          .put("ratedAt", keepsNone.clock.instant().toString()));
      assertEquals(422, refused.status(), refused.body().toString());
      assertEquals(java.util.List.of("/raterMobile"), refused.pointers());
      assertEquals(before, keepsNone.snapshot(), "nothing kept");
    }
  }

  static Api.Response register(String token, String number, JsonObject body) {
    return api.put("/integration/transactions/" + number).token(token).json(body);
  }

  static String type(Api.Response r) {
    return r.json().getString("type").replace("https://zhangban.gov.cn/problems/", "");
  }

  @Test
  void aHallRegistersATransactionThenCompletesItAndTheSameCallAgainChangesNothing() {
    String number = number();
    JsonObject accepted = register(hall(), number, transaction("accepted")).expect(201).json();
    assertEquals(number, accepted.getString("number"));
    assertEquals("accepted", accepted.getString("state"));
    assertEquals("hall", accepted.getString("source"));
    assertEquals("A05", accepted.getString("window"));
    assertEquals("MZJ", accepted.getString("department"));
    assertEquals(new JsonArray(), accepted.getJsonArray("allowedActions"), "only the hall moves it on");
    JsonObject applicant = accepted.getJsonObject("applicant");
    assertNull(applicant.getString("subject"), "someone Zhangban does not know");
    assertEquals("138****1234", applicant.getString("mobile"));

    Map<String, Long> before = server.snapshot();
    JsonObject again = register(hall(), number, transaction("accepted")).expect(200).json();
    assertEquals(accepted, again, "the same call again: the transaction as it is");
    assertEquals(before, server.snapshot());

    server.clock.advance(java.time.Duration.ofHours(2));
    JsonObject completed = register(hall(), number, transaction("completed")).expect(200).json();
    assertEquals("completed", completed.getString("state"));
    assertEquals(server.count("select version from application where number = $1", number),
        (long) completed.getInteger("version"), "the version stored");
    assertEquals(server.clock.instant().toString(), completed.getString("completedAt"));
    String id = completed.getString("id");
    List<JsonObject> events = server.rows("select action, actor, actor_role, details from timeline_event "
        + "where application_id = $1::uuid order by seq", id);
    assertEquals(List.of("accept", "complete"), events.stream().map(e -> e.getString("action")).toList());
    assertTrue(events.stream().allMatch(e -> "officer-minzheng".equals(e.getString("actor"))
        && "integration".equals(e.getString("actor_role"))));
    JsonObject invitation = server.row("select state, officer_subject, rater_subject, department from rating_invitation "
        + "where application_id = $1::uuid and stage = 'completed'", id);
    assertEquals("open", invitation.getString("state"), "the completion opens its rating window as the app's do");
    assertEquals("officer-minzheng", invitation.getString("officer_subject"), "the rating is about the officer on duty");
    assertNull(invitation.getString("rater_subject"));
  }

  @Test
  void theMobileNumberIsStoredSealedAndHashedNeverInClear() {
    String number = number();
    register(hall(), number, transaction("completed")).expect(201);
    JsonObject row = server.row("select applicant_phone, encode(applicant_phone_hash, 'hex') as hash, "
        + "applicant_phone_masked from application where number = $1", number);
    assertTrue(row.getString("applicant_phone").startsWith("v1:k1:"), "sealed under the current key");
    assertFalse(row.getString("applicant_phone").contains("12341234"));
    assertEquals(64, row.getString("hash").length(), "HMAC-SHA256");
    assertEquals("138****1234", row.getString("applicant_phone_masked"));
    assertEquals(0, server.count("select count(*) from application a, timeline_event e where e.application_id = a.id "
        + "and a.number = $1 and e.details::text like '%1234%'", number), "nor in its timeline");
  }

  @Test
  void officersSeeItInTheirQueueMarkedWithItsSourceButCannotActOnIt() {
    String number = number();
    String id = register(hall(), number, transaction("accepted")).expect(201).json().getString("id");
    JsonObject page = api.get("/applications?department=MZJ&state=accepted&limit=50").token(fx.officer()).send()
        .expect(200).json();
    JsonObject mine = page.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("id").equals(id)).findFirst().orElseThrow();
    assertEquals("hall", mine.getString("source"));
    assertEquals(new JsonArray(), mine.getJsonArray("allowedActions"));
    JsonArray fromHalls = api.get("/applications?department=MZJ&source=hall&limit=100").token(fx.officer()).send()
        .expect(200).json().getJsonArray("items");
    assertTrue(fromHalls.stream().map(JsonObject.class::cast).anyMatch(a -> a.getString("id").equals(id)));
    assertTrue(fromHalls.stream().map(JsonObject.class::cast).allMatch(a -> "hall".equals(a.getString("source"))),
        "only what halls registered");

    Map<String, Long> before = server.snapshot();
    assertEquals("handled-elsewhere", type(api.post("/applications/" + id + "/start-review").token(fx.officer())
        .json(new JsonObject()).expect(409)));
    assertEquals("handled-elsewhere", type(api.post("/integration/applications/" + number + "/events").token(hall())
        .json(new JsonObject().put("eventId", "e-" + UUID.randomUUID()).put("action", "reject").put("reason", "x"))
        .expect(409)));
    assertEquals(before, server.snapshot());
  }

  @Test
  void aKnownApplicantIsInvitedInTheAppAndRatesThereAboutTheOfficerOnDuty() {
    String subject = "citizen-hall-" + UUID.randomUUID();
    JsonObject body = transaction("completed");
    body.getJsonObject("applicant").put("subject", subject).remove("mobile");
    String id = register(hall(), number(), body).expect(201).json().getString("id");
    assertEquals(1, server.count("select count(*) from notification where user_subject = $1 and kind = 'rating_invitation'",
        subject), "invited in the app's inbox");
    JsonObject mine = api.get("/applications/" + id).token(fx.citizen(subject)).send().expect(200).json();
    assertEquals("hall", mine.getString("source"), "the applicant sees it among their own");

    JsonObject rating = fx.rate(fx.citizen(subject), id, fx.withVersion(RatingFixtures.rating(1, "efficiency")))
        .expect(201).json();
    assertTrue(rating.getBoolean("poor"));
    JsonObject c = server.row("select c.department, r.officer_subject from rectification_case c "
        + "join rating r on r.id = c.rating_id where c.rating_id = $1::uuid", rating.getString("id"));
    assertEquals("MZJ", c.getString("department"), "the case goes to the window's department");
    assertEquals("officer-minzheng", c.getString("officer_subject"), "and names the officer on duty");
  }

  @Test
  void someoneWithoutTheAppRatesThroughALinkTheHallMakes() {
    String id = register(hall(), number(), transaction("completed")).expect(201).json().getString("id");
    JsonObject link = api.post("/applications/" + id + "/rating-links").token(hall())
        .json(new JsonObject().put("stage", "completed").put("channel", "sms")).expect(201).json();
    JsonObject view = api.get("/public/rating-links/" + link.getString("token")).send().expect(200).json();
    assertEquals("赵*", view.getString("applicantName"));
    JsonObject rating = api.post("/public/rating-links/" + link.getString("token") + "/rating")
        .json(new JsonObject().put("level", 2).put("tags", new JsonArray().add("service_efficiency"))
            .put("dictionaryVersion", fx.dictionaryVersion()))
        .expect(201).json();
    assertEquals("sms", rating.getString("channel"));
    JsonObject stored = server.row("select id, rater_subject, officer_subject, poor from rating "
        + "where application_id = $1::uuid", id);
    assertNull(stored.getString("rater_subject"), "rated by whoever holds the link sent to the applicant");
    assertEquals("officer-minzheng", stored.getString("officer_subject"));
    assertEquals(1, server.count("select count(*) from rectification_case where rating_id = $1::uuid",
        stored.getString("id")), "a 差评 by link opens its case like any other");
  }

  @Test
  void everyRefusalIsAClearProblemAndChangesNothing() {
    String number = number();
    register(hall(), number, transaction("completed")).expect(201);
    String appNumber = fx.number(fx.completed("citizen-ext-" + UUID.randomUUID()));
    Map<String, Long> before = server.snapshot();

    assertEquals("transaction-number-taken", type(register(fx.integration("hall-system-2", "MZJ"), number,
        transaction("completed")).expect(409)), "another system's number");
    assertEquals(List.of("/number"), register(hall(), appNumber, transaction("completed")).expect(422).pointers(),
        "an application filed in the app: Zhangban's own numbering");
    assertEquals("invalid-transition", type(register(hall(), number, transaction("accepted")).expect(409)),
        "back from 办结 to 受理");
    assertEquals(List.of("/number"), register(hall(), "ZB2026120799999999", transaction("accepted")).expect(422)
        .pointers(), "Zhangban's own numbering, which a later submission would draw");
    assertEquals(List.of("/itemCode"), register(hall(), number,
        transaction("completed").put("itemCode", "GA-HZ-0001")).expect(400).pointers(), "the item is fixed");
    assertEquals(List.of("/applicant/mobile"), register(hall(), number(),
        transaction("accepted").put("applicant", new JsonObject().put("kind", "citizen").put("name", "赵云")
            .put("mobile", "12345"))).expect(400).pointers());
    assertEquals(List.of("/itemCode"), register(hall(), number(), transaction("accepted").put("itemCode", "NO-SUCH"))
        .expect(400).pointers());
    assertEquals(List.of("/at"), register(hall(), number(), transaction("accepted")
        .put("at", server.clock.instant().plusSeconds(3600).toString())).expect(400).pointers(), "not in the future");
    assertEquals(List.of("/applicant/uscc"), register(hall(), number(), transaction("accepted")
        .put("applicant", new JsonObject().put("kind", "enterprise").put("name", "某公司"))).expect(422).pointers());
    register(fx.integration("hall-system-sc", "SCJGJ"), number(), transaction("accepted")).expect(403);
    register(fx.officer(), number(), transaction("accepted")).expect(403);
    register(fx.citizen("citizen-ext-" + UUID.randomUUID()), number(), transaction("accepted")).expect(403);
    register(null, number(), transaction("accepted")).expect(401);
    api.put("/integration/transactions/bad%20number").token(hall()).json(transaction("accepted")).expect(400);
    register(hall(), number(), transaction("accepted").put("channel", "app")).expect(400);
    assertEquals(before, server.snapshot());
  }
}
