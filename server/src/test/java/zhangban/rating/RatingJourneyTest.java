package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * 好差评 end to end over HTTP, with pushes through the real Firebase Admin SDK to a fake FCM:
 * invitation, poor rating, case, reply pushed to the rater, follow-up, close; and appeals.
 */
class RatingJourneyTest {
  static FakeFcm fake;
  static TestServer server;
  static Api api;
  static RatingFixtures fx;
  static String officerToken;
  static String colleagueToken;
  static String managerToken;

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
    managerToken = "manager-device-" + UUID.randomUUID();
    api.put("/me/devices/" + UUID.randomUUID()).token(fx.manager())
        .json(new JsonObject().put("token", managerToken).put("platform", "ios").put("locale", "en")).expect(200);
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

  @Test
  void fromCompletionToClosedWithEveryPushAndStepOnRecord() {
    String subject = "citizen-journey-" + UUID.randomUUID();
    String citizen = fx.citizen(subject);
    String phone = "citizen-phone-" + UUID.randomUUID();
    fx.filing.register(subject, UUID.randomUUID(), phone, "android", "zh-CN");

    // 办结, then the invitation to rate, as its own push with a link to the rating screen
    String id = fx.completed(subject);
    String number = fx.number(id);
    // the two pushes of the completion go out in the same round, in either order
    Poll.until("the completion and the invitation pushes",
        () -> kinds(phone).containsAll(List.of("application_completed", "rating_invitation")), () -> kinds(phone));
    JsonObject invitation = lastPush(phone, "rating_invitation");
    assertEquals("邀请您评价", invitation.getJsonObject("notification").getString("title"));
    assertEquals("您的“" + PushFixtures.ITEM_NAME + "”申请（" + number + "）已办结。欢迎对本次服务进行评价，评价截止 2026-12-02 10:00。",
        invitation.getJsonObject("notification").getString("body"));
    assertEquals("zhangban://applications/" + id + "/rate?stage=completed",
        invitation.getJsonObject("data").getString("deepLink"));
    assertEquals("rating-" + id, invitation.getJsonObject("android").getString("collapse_key"));

    JsonObject stages = api.get("/applications/" + id + "/ratings").token(citizen).send().expect(200).json();
    assertEquals("open", stages.getJsonArray("stages").getJsonObject(0).getString("state"));
    assertEquals("2026-12-02T02:00:00Z", stages.getJsonArray("stages").getJsonObject(0).getString("windowEndsAt"));
    assertEquals(new JsonArray(), stages.getJsonArray("ratings"));

    // the tags on offer for a 差评 in the app
    JsonObject tags = api.get("/rating-tags?group=online&level=1").token(citizen).send().expect(200).json();
    assertEquals(List.of("efficiency", "guide_accuracy", "convenience", "usability"),
        tags.getJsonArray("tags").stream().map(t -> ((JsonObject) t).getString("code")).toList());

    // a 差评 with two reasons opens a case owned by the department that handled the stage
    JsonObject rating = fx.rate(citizen, id, RatingFixtures.rating(2, "efficiency", "usability")
            .put("dictionaryVersion", tags.getInteger("version")).put("comment", "<b>材料</b>反复提交"))
        .expect(201).json();
    assertTrue(rating.getBoolean("poor"));
    assertEquals("<b>材料</b>反复提交", rating.getString("comment"), "stored as given");
    assertEquals("app", rating.getString("channel"));
    assertEquals("MZJ", rating.getString("department"));
    assertEquals(PushFixtures.ITEM, rating.getString("itemCode"));
    assertFalse(rating.containsKey("raterName"), "the rater's own view");
    JsonObject read = api.get("/ratings/" + rating.getString("id")).token(citizen).send().expect(200).json();
    read.remove("steps");
    assertEquals(rating, read, "the reply (built before the write) is the rating as stored");
    String caseId = fx.caseOf(rating);
    assertEquals("open", rating.getJsonObject("case").getString("state"));
    assertEquals("officer-minzheng", server.row("select officer_subject from rating where id = $1::uuid",
        rating.getString("id")).getString("officer_subject"), "the officer who completed it");

    // every officer of the department hears of the case, once
    for (String device : List.of(officerToken, colleagueToken)) {
      Poll.until("the officer hears of the case", () -> kinds(device).contains("case_opened"), () -> kinds(device));
      assertEquals("zhangban://rectification-cases/" + caseId, lastPush(device, "case_opened")
          .getJsonObject("data").getString("deepLink"));
      assertEquals(1, fake.bodiesFor(device).stream().map(b -> b.getJsonObject("message").getJsonObject("data"))
          .filter(d -> ("zhangban://rectification-cases/" + caseId).equals(d.getString("deepLink"))
              && "case_opened".equals(d.getString("kind"))).count());
    }

    // the department's queue
    JsonObject queue = api.get("/rectification-cases?state=open").token(fx.officer()).send().expect(200).json();
    JsonObject listed = queue.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(c -> caseId.equals(c.getString("id"))).findFirst().orElseThrow();
    // opened Wednesday 2026-11-25: verify by Thursday 26, reply within 15 working days by 2026-12-16
    assertEquals("2026-11-26", listed.getJsonObject("deadlines").getJsonObject("verify").getString("due"));
    assertEquals("2026-12-16", listed.getJsonObject("deadlines").getJsonObject("reply").getString("due"));
    assertEquals("none", listed.getString("warning"));
    assertEquals(List.of("claim", "appeal"), listed.getJsonArray("allowedActions").getList());
    assertEquals(2, listed.getJsonObject("rating").getInteger("level"));

    server.clock.advance(Duration.ofHours(1));
    JsonObject claimed = fx.step(fx.officer(), caseId, "claim", null);
    assertEquals("claimed", claimed.getString("state"));
    assertEquals("officer-minzheng", claimed.getString("claimedBy"));
    server.clock.advance(Duration.ofHours(1));
    JsonObject verified = fx.step(fx.officer(), caseId, "verify",
        RatingFixtures.verification(server.clock.instant().minusSeconds(600)));
    assertEquals("true", verified.getJsonObject("verification").getString("finding"));
    JsonObject rectified = fx.step(fx.officer(), caseId, "rectify", RatingFixtures.rectification());
    assertEquals("immediate", rectified.getJsonObject("rectification").getString("outcome"));
    JsonObject replied = fx.step(fx.officer(), caseId, "reply", RatingFixtures.reply());
    assertEquals("replied", replied.getString("state"));
    assertEquals(List.of("appeal"), replied.getJsonArray("allowedActions").getList());

    // the reply reaches the rater's phone and their view of the rating
    Poll.until("the reply push", () -> kinds(phone).contains("rectification_replied"), () -> kinds(phone));
    JsonObject replyPush = lastPush(phone, "rectification_replied");
    assertEquals("您对“" + PushFixtures.ITEM_NAME + "”申请（" + number + "）的评价已收到整改答复：感谢您的反馈，我们已增开窗口并调整排班。",
        replyPush.getJsonObject("notification").getString("body"));
    assertEquals("zhangban://ratings/" + rating.getString("id"), replyPush.getJsonObject("data").getString("deepLink"));
    citizen = fx.citizen(subject); // tokens are minted on the test clock, which moved on
    JsonObject mine = api.get("/ratings/" + rating.getString("id")).token(citizen).send().expect(200).json();
    assertEquals("感谢您的反馈，我们已增开窗口并调整排班。", mine.getJsonObject("case").getString("reply"));
    assertTrue(mine.getJsonArray("steps").stream().noneMatch(s -> ((JsonObject) s).containsKey("actor")),
        "the rater does not see which officer took each step");

    // the follow-up (追评) closes the case; there is only one
    JsonObject followed = api.post("/ratings/" + rating.getString("id") + "/follow-up").token(citizen)
        .json(new JsonObject().put("satisfaction", "basically_satisfied").put("comment", "有改进")).expect(200).json();
    assertEquals("basically_satisfied", followed.getJsonObject("followUp").getString("satisfaction"));
    assertEquals("closed", followed.getJsonObject("case").getString("state"));
    assertEquals("follow_up", followed.getJsonObject("case").getString("closeReason"));
    var before = server.snapshot();
    api.post("/ratings/" + rating.getString("id") + "/follow-up").token(citizen)
        .json(new JsonObject().put("satisfaction", "satisfied")).expect(409);
    assertEquals(before, server.snapshot());

    // every step on record, with actor and time, in order
    JsonObject full = api.get("/rectification-cases/" + caseId).token(fx.officer()).send().expect(200).json();
    assertEquals("closed", full.getString("state"));
    assertEquals(List.of("rated", "case_opened", "claimed", "verified", "rectified", "replied", "follow_up", "closed"),
        full.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("action")).toList());
    assertEquals(subject, full.getJsonArray("steps").getJsonObject(0).getString("actor"));
    assertEquals("officer-minzheng", full.getJsonArray("steps").getJsonObject(2).getString("actor"));
    assertEquals(List.of(), full.getJsonArray("allowedActions").getList());

    // the inbox keeps the invitation and the reply
    List<String> inbox = api.get("/me/notifications?limit=50").token(citizen).send().expect(200).items().stream()
        .map(n -> ((JsonObject) n).getString("kind")).toList();
    assertTrue(inbox.containsAll(List.of("rating_invitation", "rectification_replied")), inbox.toString());
  }

  @Test
  void anUpheldAppealExcludesTheRatingButKeepsItAndClosesTheCase() {
    JsonObject rating = fx.poorRating("citizen-appeal-up-" + UUID.randomUUID());
    String caseId = fx.caseOf(rating);
    JsonObject appealed = fx.step(fx.officer(), caseId, "appeal", new JsonObject().put("reason", "malicious")
        .put("explanation", "评价人当日未到窗口办理，系恶意差评")
        .put("evidence", new JsonArray().add(new JsonObject().put("kind", "text").put("value", "窗口监控记录编号 2026-1125-07"))));
    assertEquals("pending", appealed.getString("appealState"));
    assertEquals("officer-minzheng", appealed.getJsonObject("appeal").getString("filedBy"));
    assertNull(appealed.getJsonObject("appeal").getString("decision"));
    assertEquals("open", appealed.getString("state"), "the case goes on while the appeal waits");
    assertFalse(appealed.getJsonArray("allowedActions").contains("appeal"), "one appeal per case");

    Poll.until("the manager hears of the appeal", () -> kinds(managerToken).contains("appeal_filed"), () -> kinds(managerToken));
    JsonObject pending = api.get("/rectification-cases?appeal=pending").token(fx.manager()).send().expect(200).json();
    assertTrue(pending.getJsonArray("items").stream().anyMatch(c -> caseId.equals(((JsonObject) c).getString("id"))));
    assertEquals(List.of("decide_appeal"), api.get("/rectification-cases/" + caseId).token(fx.manager()).send()
        .expect(200).json().getJsonArray("allowedActions").getList());

    JsonObject decided = fx.step(fx.manager(), caseId, "appeal/decision",
        new JsonObject().put("decision", "upheld").put("note", "监控记录证实评价人未到场"));
    assertEquals("closed", decided.getString("state"));
    assertEquals("appeal_upheld", decided.getString("closeReason"));
    assertEquals("upheld", decided.getJsonObject("appeal").getString("decision"));
    assertEquals("manager-li", decided.getJsonObject("appeal").getString("decidedBy"));

    JsonObject kept = api.get("/ratings/" + rating.getString("id")).token(fx.manager()).send().expect(200).json();
    assertTrue(kept.getBoolean("excluded"));
    assertEquals("监控记录证实评价人未到场", kept.getString("excludedReason"));
    assertEquals(1, kept.getInteger("level"), "kept as given");
    Poll.until("the department hears the decision", () -> kinds(officerToken).contains("appeal_decided"), () -> kinds(officerToken));
  }

  @Test
  void aRejectedAppealLetsTheCaseGoOnWithItsDeadlines() {
    JsonObject rating = fx.poorRating("citizen-appeal-down-" + UUID.randomUUID());
    String caseId = fx.caseOf(rating);
    JsonObject before = api.get("/rectification-cases/" + caseId).token(fx.officer()).send().expect(200).json();
    fx.step(fx.officer(), caseId, "appeal", new JsonObject().put("reason", "mistaken").put("explanation", "评价对象有误"));
    JsonObject decided = fx.step(fx.manager(), caseId, "appeal/decision",
        new JsonObject().put("decision", "rejected").put("note", "证据不足"));
    assertEquals("open", decided.getString("state"));
    assertEquals("rejected", decided.getJsonObject("appeal").getString("decision"));
    assertEquals(before.getJsonObject("deadlines"), decided.getJsonObject("deadlines"), "the deadlines did not stop");
    assertFalse(api.get("/ratings/" + rating.getString("id")).token(fx.manager()).send().expect(200).json()
        .getBoolean("excluded"));

    // no second appeal; the work goes on
    api.post("/rectification-cases/" + caseId + "/appeal").token(fx.officer())
        .json(new JsonObject().put("reason", "mistaken").put("explanation", "再次申诉")).expect(409);
    api.post("/rectification-cases/" + caseId + "/appeal/decision").token(fx.manager())
        .json(new JsonObject().put("decision", "upheld").put("note", "改判")).expect(409);
    assertEquals("claimed", fx.step(fx.officer(), caseId, "claim", null).getString("state"));
    assertNull(decided.getString("closedAt"));
  }
}
