package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/** Every refusal of the rating rules answers a clear problem and changes nothing; races have one winner. */
class RatingRulesTest {
  static TestServer server;
  static Api api;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("RATING_CALLS_PER_MINUTE", "30", "RATING_COMMENT_MAX_CHARS", "20",
        "RATING_IMPORT_PROVINCE_WIDE", "HOTLINE"));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Asserts the refusal's status and problem type, and that nothing changed. */
  static JsonObject refused(int status, String type, java.util.function.Supplier<Api.Response> call) {
    Map<String, Long> before = server.snapshot();
    Api.Response r = call.get();
    assertEquals(status, r.status(), r.body().toString());
    assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r.header("Content-Type"));
    JsonObject problem = r.json();
    if (type != null) {
      assertEquals("https://zhangban.gov.cn/problems/" + type, problem.getString("type"), problem.encode());
    }
    assertEquals(before, server.snapshot(), "a refusal changes nothing");
    return problem;
  }

  @Test
  void whoMayRate() {
    String subject = "citizen-who-" + UUID.randomUUID();
    String id = fx.completed(subject);
    JsonObject good = fx.withVersion(RatingFixtures.rating(5, "convenience"));
    refused(404, "not-found", () -> fx.rate(fx.citizen("someone-else"), id, good));
    JsonObject staff = refused(403, "staff-cannot-rate", () -> fx.rate(fx.officer(), id, good));
    assertTrue(staff.getString("detail").contains("Staff may not rate"), staff.encode());
    refused(403, "staff-cannot-rate", () -> fx.rate(fx.manager(), id, good));
    refused(403, "staff-cannot-rate", () -> fx.rate(fx.admin(), id, good));
    assertEquals(201, fx.rate(fx.citizen(subject), id, good).status());
  }

  @Test
  void onlyTheEnterpriseMemberWhoFiledRates() {
    String wang = "enterprise-rate-wang-" + UUID.randomUUID();
    String zhao = "enterprise-rate-zhao-" + UUID.randomUUID();
    String id = api.post("/applications").token(fx.enterprise(wang)).idempotencyKey("e-" + UUID.randomUUID())
        .json(new JsonObject().put("itemCode", PushFixtures.ITEM).put("form", new JsonObject().put("partnerName", "李娜")
            .put("appointmentDate", "2026-12-20").put("venue", "futian"))).expect(201).json().getString("id");
    for (String m : List.of("id_card", "household_register")) {
      api.put("/applications/" + id + "/materials/" + m).token(fx.enterprise(wang))
          .multipart(io.vertx.ext.web.multipart.MultipartForm.create()
              .binaryFileUpload("file", "doc.pdf", PushFixtures.PDF, "application/pdf")).expect(200);
    }
    api.post("/applications/" + id + "/submit").token(fx.enterprise(wang)).idempotencyKey("s-" + id).send().expect(200);
    for (String step : List.of("accept", "start-review", "approve")) {
      fx.filing.officerAct(id, step, null);
    }
    fx.filing.officerAct(id, "complete", new JsonObject().put("result", new JsonObject().put("kind", "notice")));
    JsonObject good = fx.withVersion(RatingFixtures.rating(4));
    // a colleague sees the application but did not file it
    api.get("/applications/" + id + "/ratings").token(fx.enterprise(zhao)).send().expect(200);
    refused(403, "not-the-rater", () -> fx.rate(fx.enterprise(zhao), id, good));
    assertEquals(201, fx.rate(fx.enterprise(wang), id, good).status());
  }

  @Test
  void onceWithinTheWindowAndOnlyRateableStagesReached() {
    String subject = "citizen-when-" + UUID.randomUUID();
    JsonObject good = fx.withVersion(RatingFixtures.rating(5));
    // submitted, not yet 办结
    String early = fx.filing.submitted(subject);
    refused(409, "stage-not-reached", () -> fx.rate(fx.citizen(subject), early, good));
    // 受理 is not rateable by default
    fx.filing.officerAct(early, "accept", null);
    JsonObject problem = refused(422, "stage-not-rateable",
        () -> fx.rate(fx.citizen(subject), early, good.copy().put("stage", "accepted")));
    assertEquals("/stage", problem.getJsonArray("errors").getJsonObject(0).getString("pointer"));

    String id = fx.completed(subject);
    JsonObject first = fx.rate(fx.citizen(subject), id, good).expect(201).json();
    JsonObject twice = refused(409, "already-rated", () -> fx.rate(fx.citizen(subject), id,
        fx.withVersion(RatingFixtures.rating(1, "efficiency"))));
    assertTrue(twice.getString("detail").contains("never changed"), twice.encode());
    assertEquals(5, api.get("/ratings/" + first.getString("id")).token(fx.citizen(subject)).send().expect(200)
        .json().getInteger("level"));

    // seven natural days after 办结 the window is closed
    String late = fx.completed(subject);
    server.clock.advance(Duration.ofDays(7));
    try {
      JsonObject closed = refused(409, "rating-window-closed", () -> fx.rate(fx.citizen(subject), late, good));
      assertNotNull(closed.getString("windowEndsAt"));
    } finally {
      server.clock.advance(Duration.ofDays(-7));
    }
  }

  @Test
  void tagsCommentsAndTheDictionaryVersion() {
    String subject = "citizen-tags-" + UUID.randomUUID();
    String id = fx.completed(subject);
    String token = fx.citizen(subject);
    int version = fx.dictionaryVersion();
    JsonObject unknown = refused(422, "unprocessable", () -> fx.rate(token, id,
        RatingFixtures.rating(2, "efficiency", "rude_staff").put("dictionaryVersion", version)));
    assertEquals("/tags/1", unknown.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    JsonObject offline = refused(422, "unprocessable", () -> fx.rate(token, id,
        RatingFixtures.rating(2, "service_attitude").put("dictionaryVersion", version)));
    assertTrue(offline.getJsonArray("errors").getJsonObject(0).getString("message").contains("offline"), offline.encode());
    refused(422, "unprocessable", () -> fx.rate(token, id, RatingFixtures.rating(1).put("dictionaryVersion", version)));
    refused(422, "unprocessable", () -> fx.rate(token, id, RatingFixtures.rating(2, "efficiency")));
    refused(422, "unprocessable", () -> fx.rate(token, id,
        RatingFixtures.rating(2, "efficiency").put("dictionaryVersion", version + 100)));
    JsonObject tooLong = refused(422, "unprocessable", () -> fx.rate(token, id,
        fx.withVersion(RatingFixtures.rating(4)).put("comment", "办".repeat(21))));
    assertEquals("/comment", tooLong.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    refused(400, null, () -> fx.rate(token, id, fx.withVersion(RatingFixtures.rating(6))));
    refused(400, null, () -> fx.rate(token, id, fx.withVersion(RatingFixtures.rating(3)).put("channel", "hall")));
    // twenty characters, counted as characters, not bytes
    assertEquals(201, fx.rate(token, id, fx.withVersion(RatingFixtures.rating(4)).put("comment", "办".repeat(20))).status());
  }

  @Test
  void adminsPublishNewDictionaryVersionsAndRatingsKeepTheirs() {
    String subject = "citizen-dict-" + UUID.randomUUID();
    String oldRated = fx.completed(subject);
    int old = fx.dictionaryVersion();
    JsonObject kept = fx.rate(fx.citizen(subject), oldRated, RatingFixtures.rating(2, "efficiency")
        .put("dictionaryVersion", old)).expect(201).json();

    JsonObject current = api.get("/rating-tags").token(fx.admin()).send().expect(200).json();
    JsonArray tags = current.getJsonArray("tags").copy();
    tags.add(new JsonObject().put("code", "waiting_time").put("group", "online").put("levels", new JsonArray().add(1).add(2))
        .put("label", new JsonObject().put("zh-CN", "等候时间").put("en", "Waiting time")));
    JsonObject input = new JsonObject().put("note", "增加等候时间").put("tags", tags);
    refused(403, "forbidden", () -> api.put("/admin/rating-tags").token(fx.officer()).json(input));
    refused(422, "unprocessable", () -> api.put("/admin/rating-tags").token(fx.admin())
        .json(new JsonObject().put("tags", new JsonArray().add(tags.getJsonObject(0)).add(tags.getJsonObject(0)))));
    JsonObject published = api.put("/admin/rating-tags").token(fx.admin()).json(input).expect(201).json();
    int next = published.getInteger("version");
    assertTrue(next > old);

    String id = fx.completed(subject);
    JsonObject stale = refused(409, "stale-dictionary", () -> fx.rate(fx.citizen(subject), id,
        RatingFixtures.rating(2, "efficiency").put("dictionaryVersion", old)));
    assertEquals(next, stale.getInteger("currentVersion"));
    JsonObject rated = fx.rate(fx.citizen(subject), id, RatingFixtures.rating(2, "waiting_time")
        .put("dictionaryVersion", next)).expect(201).json();
    assertEquals(next, rated.getInteger("dictionaryVersion"));
    assertEquals(old, api.get("/ratings/" + kept.getString("id")).token(fx.manager()).send().expect(200).json()
        .getInteger("dictionaryVersion"));
    // the old version stays readable
    assertEquals(old, api.get("/rating-tags?version=" + old).token(fx.citizen(subject)).send().expect(200).json()
        .getInteger("version"));
    api.get("/rating-tags?version=99999").token(fx.citizen(subject)).send().expect(404);
  }

  @Test
  void aRatingIsAnsweredAsItIsStored() {
    String subject = "citizen-stored-" + UUID.randomUUID();
    for (JsonObject body : List.of(fx.withVersion(RatingFixtures.rating(4, "convenience")).put("comment", "顺利"),
        RatingFixtures.rating(5).put("channel", "web"),
        fx.withVersion(RatingFixtures.rating(2, "usability")).put("comment", "页面总是卡住"))) {
      JsonObject answered = fx.rate(fx.citizen(subject), fx.completed(subject), body).expect(201).json();
      JsonObject stored = api.get("/ratings/" + answered.getString("id")).token(fx.citizen(subject)).send()
          .expect(200).json();
      stored.remove("steps");
      assertEquals(stored, answered, body.encode());
    }
  }

  @Test
  void identicalRatingRequestsAtOnceMakeOneRating() throws Exception {
    // a poor rating (written with its case in a transaction) and a good one (one statement alone)
    for (JsonObject body : List.of(fx.withVersion(RatingFixtures.rating(1, "efficiency")),
        fx.withVersion(RatingFixtures.rating(5)))) {
      boolean poor = body.getInteger("level") == 1;
      String subject = "citizen-race-" + UUID.randomUUID();
      String id = fx.completed(subject);
      // retries of one request (one key): all answer the same rating
      List<CompletableFuture<Api.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> api.post("/applications/" + id + "/ratings")
            .token(fx.citizen(subject)).idempotencyKey("one-key-" + id).json(body)));
      }
      JsonObject first = calls.get(0).get().expect(201).json();
      for (var c : calls) {
        assertEquals(first, c.get().expect(201).json());
      }
      JsonObject read = api.get("/ratings/" + first.getString("id")).token(fx.citizen(subject)).send().expect(200)
          .json();
      read.remove("steps");
      assertEquals(first, read, "the reply (built before the write) is the rating as stored");
      // double taps (new keys each): one rating, the rest told it was rated
      String other = fx.completed(subject);
      List<CompletableFuture<Api.Response>> taps = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        taps.add(CompletableFuture.supplyAsync(() -> fx.rate(fx.citizen(subject), other, body)));
      }
      int created = 0;
      for (var t : taps) {
        Api.Response r = t.get();
        if (r.status() == 201) {
          created++;
        } else {
          assertEquals(409, r.status(), r.body().toString());
        }
      }
      assertEquals(1, created);
      // one key used for two applications at once: one rated, the other refused
      String third = fx.completed(subject);
      String fourth = fx.completed(subject);
      List<CompletableFuture<Api.Response>> reused = new ArrayList<>();
      for (String app : List.of(third, fourth)) {
        reused.add(CompletableFuture.supplyAsync(() -> api.post("/applications/" + app + "/ratings")
            .token(fx.citizen(subject)).idempotencyKey("reused-" + third).json(body)));
      }
      List<Integer> statuses = new ArrayList<>();
      for (var r : reused) {
        statuses.add(r.get().status());
      }
      assertEquals(List.of(201, 422), statuses.stream().sorted().toList());
      assertEquals(1, server.count("select count(*) from rating where application_id in ($1::uuid, $2::uuid)",
          third, fourth));
      for (String app : List.of(id, other)) {
        assertEquals(1, server.count("select count(*) from rating where application_id = $1::uuid", app));
        assertEquals(poor ? 1 : 0,
            server.count("select count(*) from rectification_case where application_id = $1::uuid", app));
        assertEquals(1, server.count("select count(*) from rating_audit a join rating r on r.id = a.rating_id"
            + " where r.application_id = $1::uuid and a.action = 'rated'", app));
      }
    }
  }

  @Test
  void aRetryIsAnsweredAsTheFirstRequestWasWhateverBecameOfTheRatingSince() {
    String subject = "citizen-retry-" + UUID.randomUUID();
    String id = fx.completed(subject);
    String key = "retry-" + id;
    JsonObject body = fx.withVersion(RatingFixtures.rating(1, "efficiency")).put("comment", "等了三个小时");
    JsonObject first = api.post("/applications/" + id + "/ratings").token(fx.citizen(subject)).idempotencyKey(key)
        .json(body).expect(201).json();
    // its case runs its course, the applicant follows up, an appeal excludes it
    server.update("""
        update rectification_case set state = 'closed', reply = '已增加窗口', replied_at = now(),
          close_reason = 'follow_up' where rating_id = $1::uuid""", first.getString("id"));
    server.update("""
        update rating set follow_up = 'satisfied', follow_up_comment = '好多了', follow_up_at = now(),
          excluded = true, excluded_reason = '申诉成立' where id = $1::uuid""", first.getString("id"));
    JsonObject now = api.get("/ratings/" + first.getString("id")).token(fx.citizen(subject)).send().expect(200).json();
    assertEquals("closed", now.getJsonObject("case").getString("state"));
    Api.Response retried = api.post("/applications/" + id + "/ratings").token(fx.citizen(subject))
        .idempotencyKey(key).json(body);
    assertEquals(201, retried.status(), retried.body().toString());
    assertEquals(first, retried.json(), "the retry answers what the first request was answered");
    assertEquals("open", retried.json().getJsonObject("case").getString("state"));
  }

  @Test
  void manyOfficersClaimingOneCaseOneWins() throws Exception {
    String caseId = fx.caseOf(fx.poorRating("citizen-claim-" + UUID.randomUUID()));
    List<CompletableFuture<Api.Response>> claims = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String officer = fx.officer("officer-mz-" + i, "MZJ");
      claims.add(CompletableFuture.supplyAsync(() ->
          api.post("/rectification-cases/" + caseId + "/claim").token(officer).send()));
    }
    List<Integer> statuses = new ArrayList<>();
    for (var c : claims) {
      statuses.add(c.get().status());
    }
    assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
    assertEquals(5, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    assertEquals(1, server.count("select count(*) from rating_audit where case_id = $1::uuid and action = 'claimed'", caseId));
  }

  @Test
  void caseStepsBelongToTheirPeople() {
    String caseId = fx.caseOf(fx.poorRating("citizen-steps-" + UUID.randomUUID()));
    String stranger = fx.officer("officer-gaj", "GAJ");
    // another department does not see the case, so cannot claim or appeal it
    refused(404, "not-found", () -> api.post("/rectification-cases/" + caseId + "/appeal").token(stranger)
        .json(new JsonObject().put("reason", "malicious").put("explanation", "不是我们办的")));
    refused(404, "not-found", () -> api.post("/rectification-cases/" + caseId + "/claim").token(stranger).send());
    refused(403, "forbidden", () -> api.get("/rectification-cases?department=MZJ").token(stranger).send());
    refused(403, "forbidden", () -> api.get("/rectification-cases").token(fx.citizen("anyone")).send());
    // a manager neither claims nor appeals; an officer does not decide appeals
    refused(403, "forbidden", () -> api.post("/rectification-cases/" + caseId + "/claim").token(fx.manager()).send());
    fx.step(fx.officer(), caseId, "appeal", new JsonObject().put("reason", "mistaken").put("explanation", "评价对象有误"));
    refused(403, "forbidden", () -> api.post("/rectification-cases/" + caseId + "/appeal/decision").token(fx.officer())
        .json(new JsonObject().put("decision", "upheld").put("note", "自己批准")));
    // only the claimant takes the next steps, in order
    refused(409, "invalid-case-transition", () -> api.post("/rectification-cases/" + caseId + "/verify")
        .token(fx.officer()).json(RatingFixtures.verification(server.clock.instant())));
    fx.step(fx.officer(), caseId, "claim", null);
    String colleague = fx.officer("officer-mz-colleague", "MZJ");
    refused(403, "forbidden", () -> api.post("/rectification-cases/" + caseId + "/verify").token(colleague)
        .json(RatingFixtures.verification(server.clock.instant())));
    JsonObject wrongOrder = refused(409, "invalid-case-transition", () -> api.post("/rectification-cases/" + caseId
        + "/reply").token(fx.officer()).json(RatingFixtures.reply()));
    assertEquals("claimed", wrongOrder.getString("currentState"));
    assertEquals(List.of("verify"), wrongOrder.getJsonArray("allowedActions").getList());
    refused(422, "unprocessable", () -> api.post("/rectification-cases/" + caseId + "/verify").token(fx.officer())
        .json(RatingFixtures.verification(server.clock.instant().plus(Duration.ofDays(1)))));
    fx.step(fx.officer(), caseId, "verify", RatingFixtures.verification(server.clock.instant()));
    refused(422, "unprocessable", () -> api.post("/rectification-cases/" + caseId + "/rectify").token(fx.officer())
        .json(new JsonObject().put("outcome", "ledger").put("measures", "列入整改台账")));
    JsonObject ledger = fx.step(fx.officer(), caseId, "rectify", new JsonObject().put("outcome", "ledger")
        .put("measures", "列入整改台账").put("ledgerDeadline", "2026-12-31"));
    assertEquals("2026-12-31", ledger.getJsonObject("rectification").getString("ledgerDeadline"));
    // the rater follows up only after the reply
    refused(409, "no-reply-yet", () -> api.post("/ratings/" + ledger.getString("ratingId") + "/follow-up")
        .token(fx.citizen(server.row("select rater_subject from rating where id = $1::uuid",
            ledger.getString("ratingId")).getString("rater_subject")))
        .json(new JsonObject().put("satisfaction", "satisfied")));
  }

  @Test
  void aRetriedCaseStepWithItsKeyIsTakenOnce() {
    String caseId = fx.caseOf(fx.poorRating("citizen-retry-" + UUID.randomUUID()));
    JsonObject first = api.post("/rectification-cases/" + caseId + "/claim").token(fx.officer())
        .idempotencyKey("claim-" + caseId).send().expect(200).json();
    JsonObject again = api.post("/rectification-cases/" + caseId + "/claim").token(fx.officer())
        .idempotencyKey("claim-" + caseId).send().expect(200).json();
    assertEquals(first, again);
    assertEquals(1, server.count("select count(*) from rating_audit where case_id = $1::uuid and action = 'claimed'", caseId));
  }

  @Test
  void hallsKiosksAndTheHotlineImportUnderTheSameRulesOncePerExternalId() {
    String subject = "citizen-import-" + UUID.randomUUID();
    String id = fx.completed(subject);
    String number = fx.number(id);
    String hall = fx.integration("hall-mzj", "MZJ");
    JsonObject in = new JsonObject().put("externalId", "HALL-" + UUID.randomUUID()).put("applicationNumber", number)
        .put("raterSubject", subject).put("channel", "hall").put("level", 2)
        .put("tags", new JsonArray().add("service_attitude")).put("dictionaryVersion", fx.dictionaryVersion())
        .put("ratedAt", server.clock.instant().minusSeconds(60).toString());
    refused(403, "forbidden", () -> api.post("/integration/ratings").token(fx.officer()).json(in));
    refused(404, "not-found", () -> api.post("/integration/ratings").token(fx.integration("hall-gaj", "GAJ")).json(in));
    refused(422, "unprocessable", () -> api.post("/integration/ratings").token(hall).json(in.copy().put("raterSubject", "someone")));
    refused(422, "unprocessable", () -> api.post("/integration/ratings").token(hall)
        .json(in.copy().put("tags", new JsonArray().add("usability"))));
    refused(409, "rating-window-closed", () -> api.post("/integration/ratings").token(hall)
        .json(in.copy().put("ratedAt", server.clock.instant().minus(Duration.ofDays(30)).toString())));

    JsonObject first = api.post("/integration/ratings").token(hall).json(in).expect(201).json();
    assertEquals("import", first.getString("source"));
    assertEquals("hall", first.getString("channel"));
    assertNotNull(first.getJsonObject("case"), "a poor rating from a hall opens a case too");
    Map<String, Long> before = server.snapshot();
    assertEquals(first, api.post("/integration/ratings").token(hall).json(in).expect(201).json());
    assertEquals(before, server.snapshot(), "the same external id changes nothing");
    // the applicant rated in the hall: the app cannot rate that stage again
    refused(409, "already-rated", () -> fx.rate(fx.citizen(subject), id, fx.withVersion(RatingFixtures.rating(5))));

    // a province-wide hotline may import for any department
    String other = fx.completed(subject);
    JsonObject hotline = api.post("/integration/ratings").token(fx.integration("hotline-12345", "HOTLINE"))
        .json(in.copy().put("externalId", "12345-" + UUID.randomUUID()).put("applicationNumber", fx.number(other))
            .put("channel", "hotline").put("level", 4).put("tags", new JsonArray()))
        .expect(201).json();
    assertEquals("hotline", hotline.getString("channel"));
  }

  @Test
  void ratingCallsAreLimitedPerUserAndPerDevice() {
    String subject = "citizen-flood-" + UUID.randomUUID();
    String id = fx.completed(subject);
    String token = fx.citizen(subject);
    String device = "device-" + UUID.randomUUID();
    Api.Response last = null;
    int refusedCount = 0;
    for (int i = 0; i < 35; i++) {
      last = api.post("/applications/" + id + "/ratings").token(token).idempotencyKey("flood-key-" + i)
          .header("X-Device-Id", device).json(fx.withVersion(RatingFixtures.rating(5)));
      if (last.status() == 429) {
        refusedCount++;
      }
    }
    // the first rates, the next 29 are told it was rated, the rest are refused before any work
    assertEquals(5, refusedCount);
    assertEquals(1, server.count("select count(*) from rating where application_id = $1::uuid", id));
    assertEquals(429, last.status());
    assertNotNull(last.header("Retry-After"));
    assertEquals("https://zhangban.gov.cn/problems/too-many-requests", last.json().getString("type"));
    // the same device signed in as someone else is limited too
    Api.Response other = api.post("/applications/" + id + "/ratings").token(fx.citizen("citizen-other-" + UUID.randomUUID()))
        .idempotencyKey("flood-other-key").header("X-Device-Id", device).json(fx.withVersion(RatingFixtures.rating(5)));
    assertEquals(429, other.status());
  }
}
