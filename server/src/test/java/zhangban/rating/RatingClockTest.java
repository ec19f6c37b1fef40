package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import zhangban.support.Api;
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * What the clock drives, with a controllable clock and two replicas scanning one database: the one
 * reminder to rate, the close of the window (with and without a default rating), case deadlines
 * across the National Day holidays, yellow and red with escalation to managers, and the close of
 * cases whose rater never answered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RatingClockTest {
  static final Map<String, String> ENV = Map.of("RATING_SCHEDULER_INTERVAL_MS", "100", "PUSH_POLL_MS", "100");
  static FakeFcm fake;
  static TestServer server;
  static TestServer replica;
  static TestServer defaulting;
  static Api api;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    server = TestServer.startWithGateway(ENV, PushFixtures.gateway(fake, Duration.ofSeconds(10)));
    replica = server.sibling(ENV, PushFixtures.gateway(fake, Duration.ofSeconds(10)));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, fake));
    java.util.HashMap<String, String> env = new java.util.HashMap<>(ENV);
    env.put("RATING_DEFAULT_LEVEL", "3");
    defaulting = TestServer.start(env);
  }

  @AfterAll
  static void stop() {
    defaulting.close();
    replica.close();
    server.close();
    fake.close();
  }

  static List<String> inboxKinds(String token) {
    return api.get("/me/notifications?limit=100").token(token).send().expect(200).items().stream()
        .map(n -> ((JsonObject) n).getString("kind")).toList();
  }

  /** A barrier: a whole pass of each replica's schedulers that started after the clock last moved. */
  static void schedulersPassed() {
    for (TestServer s : List.of(server, replica)) {
      while (s.app.ratingScheduler().pass().await() < 0) {
        Thread.onSpinWait();
      }
      while (s.app.caseScheduler().pass().await() < 0) {
        Thread.onSpinWait();
      }
    }
  }

  static long count(List<String> kinds, String kind) {
    return kinds.stream().filter(kind::equals).count();
  }

  @Test
  @Order(1)
  void anUnratedStageIsRemindedOnceAndItsWindowClosesWithoutADefault() {
    String subject = "citizen-remind-" + UUID.randomUUID();
    String id = fx.completed(subject);
    server.clock.advance(Duration.ofDays(3).minusMinutes(1));
    schedulersPassed();
    assertEquals(0, count(inboxKinds(fx.citizen(subject)), "rating_reminder"), "not before three days");

    server.clock.advance(Duration.ofMinutes(2));
    Poll.until("the reminder", () -> count(inboxKinds(fx.citizen(subject)), "rating_reminder") == 1,
        () -> inboxKinds(fx.citizen(subject)));
    server.clock.advance(Duration.ofDays(1));
    schedulersPassed();
    assertEquals(1, count(inboxKinds(fx.citizen(subject)), "rating_reminder"), "one reminder, whatever the replicas");

    server.clock.advance(Duration.ofDays(3).plusMinutes(1));
    Poll.until("the window closes", () -> "expired".equals(server.row(
        "select state from rating_invitation where application_id = $1::uuid", id).getString("state")));
    assertEquals(0, server.count("select count(*) from rating where application_id = $1::uuid", id),
        "no default rating unless configured");
    JsonObject stages = api.get("/applications/" + id + "/ratings").token(fx.citizen(subject)).send().expect(200).json();
    assertEquals("expired", stages.getJsonArray("stages").getJsonObject(0).getString("state"));
  }

  @Test
  @Order(2)
  void whereAProvinceWantsItTheClosedWindowGivesTheDefaultMarkedAndNeverActive() {
    RatingFixtures d = new RatingFixtures(defaulting, new PushFixtures(defaulting, null));
    String subject = "citizen-default-" + UUID.randomUUID();
    String id = d.completed(subject);
    defaulting.clock.advance(Duration.ofDays(7).plusMinutes(1));
    Poll.until("the default rating", () -> defaulting.count(
        "select count(*) from rating where application_id = $1::uuid", id) == 1);
    JsonObject rating = defaulting.api.get("/applications/" + id + "/ratings").token(d.citizen(subject)).send()
        .expect(200).json().getJsonArray("ratings").getJsonObject(0);
    assertEquals(3, rating.getInteger("level"));
    assertTrue(rating.getBoolean("defaulted"));
    assertEquals("default", rating.getString("source"));
    assertEquals("system", rating.getString("channel"));
    assertEquals(1, defaulting.count("select count(*) from rating_audit where action = 'defaulted' and rating_id = $1::uuid",
        rating.getString("id")));
    Api.Response late = d.rate(d.citizen(subject), id, d.withVersion(RatingFixtures.rating(1, "efficiency")));
    assertEquals(409, late.status(), late.body().toString());
  }

  @Test
  @Order(3)
  void caseDeadlinesSkipTheHolidaysAndOverdueCasesEscalateOnce() {
    // Wednesday 30 September 2026, 10:00 in Shanghai; 1-7 October are the National Day holidays
    server.clock.set(Instant.parse("2026-09-30T02:00:00Z"));
    String officerPhone = "officer-clock-" + UUID.randomUUID();
    api.put("/me/devices/" + UUID.randomUUID()).token(fx.officer())
        .json(new JsonObject().put("token", officerPhone).put("platform", "android").put("locale", "zh-CN")).expect(200);
    String managerPhone = "manager-clock-" + UUID.randomUUID();
    api.put("/me/devices/" + UUID.randomUUID()).token(fx.manager())
        .json(new JsonObject().put("token", managerPhone).put("platform", "android").put("locale", "zh-CN")).expect(200);

    JsonObject rating = fx.poorRating("citizen-holiday-" + UUID.randomUUID());
    String caseId = fx.caseOf(rating);
    JsonObject c = api.get("/rectification-cases/" + caseId).token(fx.officer()).send().expect(200).json();
    // verify within 1 working day: Thursday 8 October; reply within 15 (Saturday 10 October is worked): 27 October
    assertEquals("2026-10-08", c.getJsonObject("deadlines").getJsonObject("verify").getString("due"));
    assertEquals("2026-10-27", c.getJsonObject("deadlines").getJsonObject("reply").getString("due"));
    assertEquals("2026-10-22", c.getJsonObject("deadlines").getJsonObject("reply").getString("warningFrom"));
    assertEquals("none", c.getString("warning"));

    // the verify deadline's day: yellow, told to the department
    server.clock.set(Instant.parse("2026-10-08T01:00:00Z"));
    Poll.until("yellow", () -> count(inboxKinds(fx.officer()), "case_deadline_approaching") == 1,
        () -> inboxKinds(fx.officer()));
    assertEquals("yellow", api.get("/rectification-cases/" + caseId).token(fx.officer()).send().expect(200).json()
        .getString("warning"));

    // not verified by the end of it: red, escalated to managers
    server.clock.set(Instant.parse("2026-10-09T01:00:00Z"));
    Poll.until("red", () -> count(inboxKinds(fx.manager()), "case_overdue") == 1, () -> inboxKinds(fx.manager()));
    Poll.until("the manager's push", () -> fake.bodiesFor(managerPhone).stream().anyMatch(b ->
        "case_overdue".equals(b.getJsonObject("message").getJsonObject("data").getString("kind"))));
    JsonObject red = api.get("/rectification-cases/" + caseId).token(fx.manager()).send().expect(200).json();
    assertEquals("red", red.getString("warning"));
    assertNotNull(red.getString("escalatedAt"));
    JsonObject queue = api.get("/rectification-cases?escalated=true&warning=red").token(fx.manager()).send().expect(200).json();
    assertTrue(queue.getJsonArray("items").stream().anyMatch(o -> caseId.equals(((JsonObject) o).getString("id"))));
    assertEquals(1, count(inboxKinds(fx.officer()), "case_overdue"));

    // later passes of both replicas announce nothing more
    server.clock.advance(Duration.ofHours(1));
    schedulersPassed();
    assertEquals(1, count(inboxKinds(fx.manager()), "case_overdue"));
    assertEquals(1, server.count("select count(*) from rating_audit where case_id = $1::uuid and action = 'escalated'", caseId));

    // the case is handled late; once replied, it is no longer red
    fx.step(fx.officer(), caseId, "claim", null);
    fx.step(fx.officer(), caseId, "verify", RatingFixtures.verification(server.clock.instant()));
    fx.step(fx.officer(), caseId, "rectify", RatingFixtures.rectification());
    JsonObject replied = fx.step(fx.officer(), caseId, "reply", RatingFixtures.reply());
    assertEquals("none", replied.getString("warning"));

    // the rater never answers: closed after RECTIFY_FOLLOW_UP_DAYS (7)
    server.clock.advance(Duration.ofDays(7).plusMinutes(1));
    Poll.until("closed without follow-up", () -> "closed".equals(api.get("/rectification-cases/" + caseId)
        .token(fx.officer()).send().expect(200).json().getString("state")));
    JsonObject closed = api.get("/rectification-cases/" + caseId).token(fx.officer()).send().expect(200).json();
    assertEquals("no_follow_up", closed.getString("closeReason"));
    assertEquals(1, server.count("select count(*) from rating_audit where case_id = $1::uuid and action = 'closed'", caseId));
  }
}
