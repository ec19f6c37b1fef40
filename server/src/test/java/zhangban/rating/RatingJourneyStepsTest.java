package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The steps of {@link RatingJourneyTest#fromCompletionToClosedWithEveryPushAndStepOnRecord}, one
 * behaviour a test, each on a transaction of its own: a failure in one step no longer hides the
 * steps after it. The clock never moves here, so every case opens on Wednesday 2026-11-25.
 */
class RatingJourneyStepsTest {
  static FakeFcm fake;
  static TestServer server;
  static Api api;
  static RatingFixtures fx;
  static String officerToken;
  static String colleagueToken;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    server = TestServer.startWithGateway(Map.of("PUSH_POLL_MS", "100"), PushFixtures.gateway(fake, Duration.ofSeconds(10)));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, fake));
    officerToken = "officer-device-" + UUID.randomUUID();
    api.put("/me/devices/" + UUID.randomUUID()).token(fx.officer())
        .json(new JsonObject().put("token", officerToken).put("platform", "android").put("locale", "zh-CN")).expect(200);
    colleagueToken = "colleague-device-" + UUID.randomUUID();
    api.put("/me/devices/" + UUID.randomUUID()).token(fx.officer("officer-minzheng-colleague", "MZJ"))
        .json(new JsonObject().put("token", colleagueToken).put("platform", "ios").put("locale", "zh-CN")).expect(200);
  }

  @AfterAll
  static void stop() {
    server.close();
    fake.close();
  }

  static List<String> kinds(String token) {
    return fake.kindsFor(token);
  }

  static JsonObject lastPush(String token, String kind) {
    return fake.lastMessage(token, kind);
  }

  /** A citizen with a phone registered for pushes. */
  record Citizen(String subject, String token, String phone) {}

  static Citizen citizenWithPhone(String name) {
    String subject = name + "-" + UUID.randomUUID();
    String phone = "citizen-phone-" + UUID.randomUUID();
    fx.filing.register(subject, UUID.randomUUID(), phone, "android", "zh-CN");
    return new Citizen(subject, fx.citizen(subject), phone);
  }

  /** The 差评 of the journey, with two reasons and a comment, on a fresh completed application. */
  static JsonObject poorRatingOf(Citizen c, String id) {
    return fx.rate(c.token(), id, fx.withVersion(RatingFixtures.rating(2, "efficiency", "usability"))
        .put("comment", "<b>材料</b>反复提交")).expect(201).json();
  }

  /** A case of the journey carried by the demo officer to the reply; answers the rating. */
  static JsonObject replied(Citizen c) {
    JsonObject rating = poorRatingOf(c, fx.completed(c.subject()));
    String caseId = fx.caseOf(rating);
    fx.step(fx.officer(), caseId, "claim", null);
    fx.step(fx.officer(), caseId, "verify", RatingFixtures.verification(server.clock.instant()));
    fx.step(fx.officer(), caseId, "rectify", RatingFixtures.rectification());
    fx.step(fx.officer(), caseId, "reply", RatingFixtures.reply());
    return rating;
  }

  @Test
  void completionInvitesTheApplicantToRateWithALinkToTheRatingScreen() {
    Citizen c = citizenWithPhone("citizen-invited");
    String id = fx.completed(c.subject());
    // the two pushes of the completion go out in the same round, in either order
    Poll.until("the completion and the invitation pushes",
        () -> kinds(c.phone()).containsAll(List.of("application_completed", "rating_invitation")), () -> kinds(c.phone()));
    JsonObject invitation = lastPush(c.phone(), "rating_invitation");
    assertEquals("邀请您评价", invitation.getJsonObject("notification").getString("title"));
    assertEquals("您的“" + PushFixtures.ITEM_NAME + "”申请（" + fx.number(id) + "）已办结。欢迎对本次服务进行评价，评价截止 2026-12-02 10:00。",
        invitation.getJsonObject("notification").getString("body"));
    assertEquals("zhangban://applications/" + id + "/rate?stage=completed",
        invitation.getJsonObject("data").getString("deepLink"));
    assertEquals("rating-" + id, invitation.getJsonObject("android").getString("collapse_key"));
  }

  @Test
  void aCompletedApplicationListsItsOpenStageWithTheWindowAndNoRatings() {
    Citizen c = citizenWithPhone("citizen-stages");
    String id = fx.completed(c.subject());
    JsonObject stages = api.get("/applications/" + id + "/ratings").token(c.token()).send().expect(200).json();
    assertEquals("open", stages.getJsonArray("stages").getJsonObject(0).getString("state"));
    assertEquals("2026-12-02T02:00:00Z", stages.getJsonArray("stages").getJsonObject(0).getString("windowEndsAt"));
    assertEquals(new JsonArray(), stages.getJsonArray("ratings"));
  }

  @Test
  void thePoorRatingReasonsOnOfferInTheAppAreTheOnlineOnes() {
    JsonObject tags = api.get("/rating-tags?group=online&level=1").token(fx.citizen("citizen-tags")).send()
        .expect(200).json();
    assertEquals(List.of("efficiency", "guide_accuracy", "convenience", "usability"),
        tags.getJsonArray("tags").stream().map(t -> ((JsonObject) t).getString("code")).toList());
  }

  @Test
  void aPoorRatingIsAnsweredAsItIsStoredWithItsCommentAsGiven() {
    Citizen c = citizenWithPhone("citizen-stored");
    JsonObject rating = poorRatingOf(c, fx.completed(c.subject()));
    assertTrue(rating.getBoolean("poor"));
    assertEquals("<b>材料</b>反复提交", rating.getString("comment"), "stored as given");
    assertEquals("app", rating.getString("channel"));
    assertEquals(PushFixtures.ITEM, rating.getString("itemCode"));
    assertFalse(rating.containsKey("raterName"), "the rater's own view");
    JsonObject read = api.get("/ratings/" + rating.getString("id")).token(c.token()).send().expect(200).json();
    read.remove("steps");
    assertEquals(rating, read, "the reply (built before the write) is the rating as stored");
  }

  @Test
  void aPoorRatingOpensACaseOfTheDepartmentAndTheOfficerThatHandledTheStage() {
    Citizen c = citizenWithPhone("citizen-owner");
    JsonObject rating = poorRatingOf(c, fx.completed(c.subject()));
    assertEquals("MZJ", rating.getString("department"));
    assertEquals("open", rating.getJsonObject("case").getString("state"));
    assertEquals("officer-minzheng", server.row("select officer_subject from rating where id = $1::uuid",
        rating.getString("id")).getString("officer_subject"), "the officer who completed it");
  }

  @Test
  void everyOfficerOfTheDepartmentHearsOfTheCaseOnce() {
    Citizen c = citizenWithPhone("citizen-heard");
    String caseId = fx.caseOf(poorRatingOf(c, fx.completed(c.subject())));
    for (String device : List.of(officerToken, colleagueToken)) {
      Poll.until("the officer hears of the case", () -> fake.bodiesFor(device).stream()
          .anyMatch(b -> ("zhangban://rectification-cases/" + caseId).equals(
              b.getJsonObject("message").getJsonObject("data").getString("deepLink"))), () -> kinds(device));
      assertEquals(1, fake.bodiesFor(device).stream().map(b -> b.getJsonObject("message").getJsonObject("data"))
          .filter(d -> ("zhangban://rectification-cases/" + caseId).equals(d.getString("deepLink"))
              && "case_opened".equals(d.getString("kind"))).count());
    }
  }

  @Test
  void aNewCaseIsQueuedWithItsDeadlinesInWorkingDaysAndWhatMayBeDone() {
    Citizen c = citizenWithPhone("citizen-queued");
    String caseId = fx.caseOf(poorRatingOf(c, fx.completed(c.subject())));
    JsonObject queue = api.get("/rectification-cases?state=open").token(fx.officer()).send().expect(200).json();
    JsonObject listed = queue.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(k -> caseId.equals(k.getString("id"))).findFirst().orElseThrow();
    // opened Wednesday 2026-11-25: verify by Thursday 26, reply within 15 working days by 2026-12-16
    assertEquals("2026-11-26", listed.getJsonObject("deadlines").getJsonObject("verify").getString("due"));
    assertEquals("2026-12-16", listed.getJsonObject("deadlines").getJsonObject("reply").getString("due"));
    assertEquals("none", listed.getString("warning"));
    assertEquals(List.of("claim", "appeal"), listed.getJsonArray("allowedActions").getList());
    assertEquals(2, listed.getJsonObject("rating").getInteger("level"));
  }

  @Test
  void theOfficerWhoClaimsACaseTakesItsStepsToTheReply() {
    Citizen c = citizenWithPhone("citizen-steps");
    String caseId = fx.caseOf(poorRatingOf(c, fx.completed(c.subject())));
    JsonObject claimed = fx.step(fx.officer(), caseId, "claim", null);
    assertEquals("claimed", claimed.getString("state"));
    assertEquals("officer-minzheng", claimed.getString("claimedBy"));
    JsonObject verified = fx.step(fx.officer(), caseId, "verify", RatingFixtures.verification(server.clock.instant()));
    assertEquals("true", verified.getJsonObject("verification").getString("finding"));
    JsonObject rectified = fx.step(fx.officer(), caseId, "rectify", RatingFixtures.rectification());
    assertEquals("immediate", rectified.getJsonObject("rectification").getString("outcome"));
    JsonObject replied = fx.step(fx.officer(), caseId, "reply", RatingFixtures.reply());
    assertEquals("replied", replied.getString("state"));
    assertEquals(List.of("appeal"), replied.getJsonArray("allowedActions").getList());
  }

  @Test
  void aStepOnAVersionOfTheCaseThatMovedOnIsRefusedAndChangesNothing() {
    Citizen c = citizenWithPhone("citizen-if-match");
    String caseId = fx.caseOf(poorRatingOf(c, fx.completed(c.subject())));
    int opened = api.get("/rectification-cases/" + caseId).token(fx.officer()).send().expect(200).json()
        .getInteger("version");
    api.post("/rectification-cases/" + caseId + "/claim").token(fx.officer()).header("If-Match", "\"" + opened + "\"")
        .send().expect(200);
    JsonObject problem = api.post("/rectification-cases/" + caseId + "/verify").token(fx.officer())
        .header("If-Match", "\"" + opened + "\"").json(RatingFixtures.verification(server.clock.instant()))
        .expect(412).json();
    assertEquals(opened + 1, problem.getInteger("currentVersion"));
    JsonObject now = api.get("/rectification-cases/" + caseId).token(fx.officer()).send().expect(200).json();
    assertEquals("claimed", now.getString("state"), "the stale verify did nothing");
    assertEquals(opened + 1, now.getInteger("version"));
  }

  @Test
  void theReplyReachesTheRatersPhoneAndTheirViewOfTheRating() {
    Citizen c = citizenWithPhone("citizen-replied");
    JsonObject rating = replied(c);
    Poll.until("the reply push", () -> kinds(c.phone()).contains("rectification_replied"), () -> kinds(c.phone()));
    JsonObject replyPush = lastPush(c.phone(), "rectification_replied");
    assertEquals("您对“" + PushFixtures.ITEM_NAME + "”申请（" + rating.getString("applicationNumber")
            + "）的评价已收到整改答复：感谢您的反馈，我们已增开窗口并调整排班。",
        replyPush.getJsonObject("notification").getString("body"));
    assertEquals("zhangban://ratings/" + rating.getString("id"), replyPush.getJsonObject("data").getString("deepLink"));
    JsonObject mine = api.get("/ratings/" + rating.getString("id")).token(c.token()).send().expect(200).json();
    assertEquals("感谢您的反馈，我们已增开窗口并调整排班。", mine.getJsonObject("case").getString("reply"));
  }

  @Test
  void theRaterDoesNotSeeWhichOfficerTookEachStep() {
    Citizen c = citizenWithPhone("citizen-no-actors");
    JsonObject rating = replied(c);
    JsonObject mine = api.get("/ratings/" + rating.getString("id")).token(c.token()).send().expect(200).json();
    assertTrue(mine.getJsonArray("steps").stream().noneMatch(s -> ((JsonObject) s).containsKey("actor")),
        "the rater does not see which officer took each step");
  }

  @Test
  void theFollowUpClosesTheCaseAndASecondOneChangesNothing() {
    Citizen c = citizenWithPhone("citizen-follow-up");
    JsonObject rating = replied(c);
    JsonObject followed = api.post("/ratings/" + rating.getString("id") + "/follow-up").token(c.token())
        .json(new JsonObject().put("satisfaction", "basically_satisfied").put("comment", "有改进")).expect(200).json();
    assertEquals("basically_satisfied", followed.getJsonObject("followUp").getString("satisfaction"));
    assertEquals("closed", followed.getJsonObject("case").getString("state"));
    assertEquals("follow_up", followed.getJsonObject("case").getString("closeReason"));
    var before = server.snapshot();
    api.post("/ratings/" + rating.getString("id") + "/follow-up").token(c.token())
        .json(new JsonObject().put("satisfaction", "satisfied")).expect(409);
    assertEquals(before, server.snapshot());
  }

  @Test
  void everyStepOfAClosedCaseIsOnRecordInOrderWithItsActor() {
    Citizen c = citizenWithPhone("citizen-record");
    JsonObject rating = replied(c);
    api.post("/ratings/" + rating.getString("id") + "/follow-up").token(c.token())
        .json(new JsonObject().put("satisfaction", "basically_satisfied")).expect(200);
    JsonObject full = api.get("/rectification-cases/" + fx.caseOf(rating)).token(fx.officer()).send().expect(200).json();
    assertEquals("closed", full.getString("state"));
    assertEquals(List.of("rated", "case_opened", "claimed", "verified", "rectified", "replied", "follow_up", "closed"),
        full.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("action")).toList());
    assertEquals(c.subject(), full.getJsonArray("steps").getJsonObject(0).getString("actor"));
    assertEquals("officer-minzheng", full.getJsonArray("steps").getJsonObject(2).getString("actor"));
    assertEquals(List.of(), full.getJsonArray("allowedActions").getList());
  }

  @Test
  void theRatersInboxKeepsTheInvitationAndTheReply() {
    Citizen c = citizenWithPhone("citizen-inbox");
    replied(c);
    List<String> inbox = api.get("/me/notifications?limit=50").token(c.token()).send().expect(200).items().stream()
        .map(n -> ((JsonObject) n).getString("kind")).toList();
    assertTrue(inbox.containsAll(List.of("rating_invitation", "rectification_replied")), inbox.toString());
  }
}
