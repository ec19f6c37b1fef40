package zhangban.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.FakePlatform;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * What the platform may do wrong, and what Zhangban does about it: an outage is a backlog that
 * drains by itself, Retry-After is honoured, a platform that never answers is timed out, a
 * rejected record becomes a dead letter with the platform's reason that holds back only its own
 * application, and is requeued after a fix. Each record still arrives once.
 */
class PlatformFailureTest {
  static FakePlatform platform;
  static TestServer server;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    platform = FakePlatform.start("zhejiang");
    server = TestServer.start(PlatformDeliveryTest.env(platform));
    fx = new PushFixtures(server, null);
  }

  @AfterAll
  static void stop() {
    server.close();
    platform.close();
  }

  @AfterEach
  void recover() {
    platform.clear();
    PlatformDeliveryTest.drained(server);
    assertEquals(0, platform.resends(), "nothing accepted twice");
  }

  static String number(String id) {
    return server.row("select number from application where id = $1::uuid", id).getString("number");
  }

  static JsonObject report(String number, String kind) {
    return server.row("select id, status, attempts, last_error, next_attempt_at, updated_at from platform_report "
        + "where application_number = $1 and kind = $2", number, kind);
  }

  static long acceptedWith(String keyPart) {
    return platform.accepted().stream().filter(a -> a.key().contains(keyPart)).count();
  }

  @Test
  void anOutageIsABacklogThatDrainsByItselfWhenThePlatformRecovers() {
    platform.failNext(-1, 503, null);
    String number = number(fx.submitted("citizen-outage-" + UUID.randomUUID()));
    Poll.until(Duration.ofSeconds(30), "tried and failed three times", () -> {
      server.clock.advance(Duration.ofSeconds(1));
      return report(number, "application_received").getInteger("attempts") >= 3;
    }, () -> report(number, "application_received"));
    // failing over and over, its backoff in milliseconds here: between tries, or in one
    JsonObject failing = report(number, "application_received");
    assertTrue(List.of("temporary-failure", "sending").contains(failing.getString("status")), failing.encode());
    assertTrue(failing.getString("last_error").startsWith("http-503"), failing.encode());
    JsonObject status = server.api.get("/admin/platform-reports").token(fx.admin()).send().expect(200).json();
    assertTrue(status.getLong("backlog") >= 1, status.encode());
    assertEquals(0, acceptedWith(number));

    platform.clear();
    PlatformDeliveryTest.drained(server);
    assertEquals(1, acceptedWith("application_received:" + number));
  }

  @Test
  void retryAfterIsWaitedFor() {
    platform.failNext(1, 429, 30);
    String number = number(fx.submitted("citizen-throttled-" + UUID.randomUUID()));
    Poll.until("the 429", () -> report(number, "application_received").getInteger("attempts") == 1
        && "temporary-failure".equals(report(number, "application_received").getString("status")));
    JsonObject r = report(number, "application_received");
    Instant failedAt = Instant.parse(r.getString("updated_at"));
    assertEquals(failedAt.plusSeconds(30), Instant.parse(r.getString("next_attempt_at")), r.encode());
    assertTrue(r.getString("last_error").startsWith("http-429"), r.encode());
  }

  @Test
  void aPlatformThatNeverAnswersIsTimedOutAndTriedAgain() {
    platform.hang(1);
    String number = number(fx.submitted("citizen-unanswered-" + UUID.randomUUID()));
    Poll.until(Duration.ofSeconds(30), "timed out", () -> report(number, "application_received").getInteger("attempts") == 1
        && "temporary-failure".equals(report(number, "application_received").getString("status")),
        () -> report(number, "application_received"));
    assertTrue(report(number, "application_received").getString("last_error").startsWith("timeout"),
        report(number, "application_received").encode());
  }

  @Test
  void aRejectedRecordIsADeadLetterThatHoldsBackItsApplicationOnlyUntilRequeued() {
    String held = fx.submitted("citizen-rejected-" + UUID.randomUUID());
    String heldNumber = number(held);
    PlatformDeliveryTest.drained(server);
    platform.reject("application_accepted:" + heldNumber, "E102", "事项编码不存在");
    fx.officerAct(held, "accept", null);
    Poll.until("the rejection", () -> "dead".equals(report(heldNumber, "application_accepted").getString("status")));
    JsonObject dead = report(heldNumber, "application_accepted");
    assertEquals("platform-E102: 事项编码不存在", dead.getString("last_error"));
    assertEquals(1, dead.getInteger("attempts"), "a rejection is not retried");

    // the later records of that application wait; other applications go on
    fx.officerAct(held, "start-review", null);
    fx.officerAct(held, "approve", null);
    fx.officerAct(held, "complete", new JsonObject().put("result", new JsonObject().put("kind", "notice")));
    String other = fx.submitted("citizen-unaffected-" + UUID.randomUUID());
    fx.officerAct(other, "accept", null);
    String otherNumber = number(other);
    Poll.until("the other application's records", () -> acceptedWith("application_accepted:" + otherNumber) == 1);
    assertEquals("held", report(heldNumber, "application_completed").getString("status"));
    JsonObject status = server.api.get("/admin/platform-reports").token(fx.admin()).send().expect(200).json();
    assertEquals(1, status.getLong("heldBack"), status.encode());
    assertEquals(1, status.getJsonObject("byStatus").getLong("dead"), status.encode());
    JsonObject letters = server.api.get("/admin/platform-reports/dead-letters").token(fx.admin()).send().expect(200).json();
    JsonObject letter = letters.getJsonArray("items").getJsonObject(0);
    assertEquals(heldNumber, letter.getString("applicationNumber"));
    assertEquals("application_accepted", letter.getString("kind"));
    assertEquals("platform-E102: 事项编码不存在", letter.getString("reason"));

    // fixed at the platform, requeued: the application's records follow in order
    platform.clear();
    JsonObject requeued = server.api.post("/admin/platform-reports/dead-letters/requeue").token(fx.admin())
        .json(new JsonObject().put("ids", new JsonArray().add(letter.getLong("id")))).expect(200).json();
    assertEquals(1, requeued.getInteger("requeued"));
    PlatformDeliveryTest.drained(server);
    List<String> arrived = platform.accepted().stream().map(FakePlatform.Accepted::key)
        .filter(k -> k.contains(heldNumber)).toList();
    assertEquals(List.of("application_received:" + heldNumber, "application_accepted:" + heldNumber,
        "application_completed:" + heldNumber), arrived);
  }

  @Test
  void aRecordThePlatformRefusesByItsHttpStatusIsADeadLetterAtOnce() {
    platform.failNext(1, 400, null);
    String number = number(fx.submitted("citizen-refused-" + UUID.randomUUID()));
    Poll.until("the refusal", () -> "dead".equals(report(number, "application_received").getString("status")));
    JsonObject dead = report(number, "application_received");
    assertEquals(1, dead.getInteger("attempts"), "a refusal is not retried");
    assertTrue(dead.getString("last_error").startsWith("http-400: "), dead.encode());
    assertEquals(1, server.api.post("/admin/platform-reports/dead-letters/requeue").token(fx.admin())
        .json(new JsonObject().put("ids", new JsonArray().add(dead.getLong("id")))).expect(200).json()
        .getInteger("requeued"));
    Poll.until("accepted once requeued", () -> "sent".equals(report(number, "application_received").getString("status")));
  }

  @Test
  void aRecordLeftHeldBehindRecordsAllSentIsReleased() {
    // what a record written while its predecessor's 'sent' was committing looks like: held, with
    // nothing before it unsent; the worker's periodic check makes it pending
    String number = number(fx.submitted("citizen-raced-" + UUID.randomUUID()));
    PlatformDeliveryTest.drained(server);
    server.update("""
        insert into platform_report (application_number, kind, record, status, next_attempt_at, created_at, updated_at)
        select application_number, 'application_withdrawn', record || '{"reason": "不再需要"}', 'held',
               next_attempt_at, created_at, updated_at
        from platform_report where application_number = $1 and kind = 'application_received'""", number);
    Poll.until("the held record sent", () -> acceptedWith("application_withdrawn:" + number) == 1);
  }

  @Test
  void managersReadTheReportingViewAndOnlyAdministratorsActOnIt() {
    String citizen = fx.citizen("citizen-curious");
    String manager = server.tokens.token("manager-li", "李经理", List.of("manager"), null, null);
    for (String path : List.of("/admin/platform-reports", "/admin/platform-reports/dead-letters",
        "/admin/platform-reports/reconciliation")) {
      server.api.get(path).token(citizen).send().expect(403);
      server.api.get(path).token(fx.officer()).send().expect(403);
      server.api.get(path).token(manager).send().expect(200);
    }
    Map<String, Long> before = server.snapshot();
    server.api.post("/admin/platform-reports/dead-letters/requeue").token(manager).send().expect(403);
    server.api.post("/admin/platform-reports/reconciliation").token(manager).send().expect(403);
    server.api.post("/admin/platform-reports/dead-letters/requeue").token(fx.officer()).send().expect(403);
    assertEquals(before, server.snapshot());
  }

  @Test
  void theReconciliationCountsEachDayAndKindWrittenAndAcknowledged() {
    String number = number(fx.submitted("citizen-counted-" + UUID.randomUUID()));
    PlatformDeliveryTest.drained(server);
    JsonObject checked = server.api.post("/admin/platform-reports/reconciliation").token(fx.admin()).send()
        .expect(200).json();
    JsonObject received = checked.getJsonArray("days").stream().map(d -> (JsonObject) d)
        .filter(d -> d.getString("kind").equals("application_received")).findFirst().orElseThrow();
    assertEquals("2026-11-25", received.getString("day"));
    long written = server.count("select count(*) from platform_report where kind = 'application_received'");
    assertEquals(written, received.getLong("written"));
    assertEquals(written, received.getLong("acknowledged"));
    assertTrue(received.getBoolean("balanced"));
    assertTrue(acceptedWith(number) >= 1);
    assertEquals(checked.getJsonArray("days"), server.api.get("/admin/platform-reports/reconciliation")
        .token(fx.admin()).send().expect(200).json().getJsonArray("days"), "as last checked");
  }

  @Test
  void aReconciliationRangeThatEndsBeforeItBeginsOrIsNotADateIsRefused() {
    Map<String, Long> before = server.snapshot();
    JsonObject problem = server.api.get("/admin/platform-reports/reconciliation?from=2026-11-25&to=2026-11-01")
        .token(fx.admin()).send().expect(422).json();
    assertEquals("/from", problem.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    server.api.get("/admin/platform-reports/reconciliation?from=2025-01-01&to=2026-11-25").token(fx.admin()).send()
        .expect(422);
    server.api.get("/admin/platform-reports/reconciliation?from=yesterday").token(fx.admin()).send().expect(400);
    server.api.get("/admin/platform-reports/dead-letters?cursor=x").token(fx.admin()).send().expect(400);
    server.api.post("/admin/platform-reports/dead-letters/requeue").token(fx.admin())
        .json(new JsonObject().put("ids", new JsonArray().add("one"))).expect(400);
    assertEquals(before, server.snapshot());
  }

  @Test
  void readinessAndMetricsSayWhereRecordsGoAndHowManyWent() {
    fx.submitted("citizen-measured-" + UUID.randomUUID());
    PlatformDeliveryTest.drained(server);
    JsonObject reporting = server.api.get("/health/ready").send().expect(200).json().getJsonObject("checks")
        .getJsonObject("reporting");
    assertEquals("sending", reporting.getString("state"));
    assertEquals("zhejiang", reporting.getString("profile"));
    assertEquals(platform.endpoint(), reporting.getString("endpoint"));
    assertEquals(0L, reporting.getLong("backlog"));
    String metrics = server.api.get("/metrics").send().expect(200).body().toString();
    for (String name : List.of("zhangban_report_sent_total", "zhangban_report_queue_depth",
        "zhangban_report_oldest_pending_seconds", "zhangban_report_send_latency_seconds_count",
        "zhangban_report_retries_total", "zhangban_report_workers")) {
      assertTrue(metrics.contains(name), name);
    }
  }
}
