package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zhangban.support.Api;
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * Each answer FCM can give, through the real Firebase Admin SDK, and what becomes of the push job
 * and the device. Every case has its own citizen and device; the clock only moves forward.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushFailureTest {
  static final int MAX_ATTEMPTS = 3;
  static final int SEND_TIMEOUT_MS = 500;
  static final long BACKOFF_BASE_MS = 2000;

  static FakeFcm fake;
  static TestServer server;
  static Api api;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    server = TestServer.startWithGateway(Map.of(
            "PUSH_POLL_MS", "100",
            "PUSH_MAX_ATTEMPTS", String.valueOf(MAX_ATTEMPTS),
            "PUSH_SEND_TIMEOUT_MS", String.valueOf(SEND_TIMEOUT_MS),
            "PUSH_BACKOFF_BASE_MS", String.valueOf(BACKOFF_BASE_MS),
            "PUSH_BACKOFF_MAX_MS", "60000"),
        PushFixtures.gateway(fake, Duration.ofMillis(SEND_TIMEOUT_MS)));
    assertEquals(SEND_TIMEOUT_MS, server.config.push().sendTimeoutMillis());
    api = server.api;
    fx = new PushFixtures(server, fake);
    fx.probe(); // the first send warms up the SDK and the HTTP client
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  /** A citizen of their own with one Android device. */
  record Citizen(String subject, UUID device, String token) {}

  static Citizen citizen(String name) {
    String suffix = UUID.randomUUID().toString().replace("-", "");
    Citizen c = new Citizen("citizen-" + name + "-" + suffix, UUID.randomUUID(), name + "-token-" + suffix);
    fx.register(c.subject(), c.device(), c.token(), "android", "zh-CN");
    return c;
  }

  /** Files and submits an application of {@code c}: one push job for the device; answers {application, job}. */
  static Object[] submitOne(Citizen c) {
    int before = fx.jobs(c.token()).size();
    String app = fx.submitted(c.subject());
    List<JsonObject> jobs = fx.jobs(c.token());
    assertEquals(before + 1, jobs.size(), jobs.toString());
    JsonObject job = jobs.get(jobs.size() - 1);
    assertEquals("application_submitted", job.getString("kind"));
    return new Object[] {app, job.getLong("id")};
  }

  static boolean deviceActive(Citizen c) {
    return server.row("select active from push_device where id = $1", c.device()).getBoolean("active");
  }

  @Test
  @Order(1)
  void acceptedByFcmTheJobIsSentWithFcmsMessageName() {
    Citizen c = citizen("ok");
    long job = (long) submitOne(c)[1];
    fx.awaitStatus(job, "sent");
    JsonObject row = fx.job(job);
    assertTrue(row.getString("fcm_message_id").matches("projects/demo/messages/\\d+"), row.encode());
    assertEquals(1, row.getInteger("attempts"));
    assertNull(row.getString("last_error"));
    assertNull(server.row("select lease_until from push_job where id = $1", job).getValue("lease_until"),
        "no lease kept");
    assertEquals(1, fake.deliveredCount(c.token()));
    assertTrue(deviceActive(c));
  }

  @ParameterizedTest(name = "{0} {1} retires the token")
  @CsvSource({"404, UNREGISTERED", "400, INVALID_ARGUMENT", "403, SENDER_ID_MISMATCH"})
  @Order(2)
  void aDeadTokenIsRetiredAndNeverUsedAgain(int status, String code) {
    Citizen c = citizen("dead-" + status);
    // something else already queued for the device, due later
    Instant later = server.clock.instant().plus(Duration.ofHours(1));
    long queued = server.app.pool().preparedQuery("""
        insert into push_job (device_id, token, kind, message, status, next_attempt_at, created_at, updated_at)
        values ($1, $2, 'application_submitted', $3, 'pending', $4, $5, $5) returning id""")
        .execute(io.vertx.sqlclient.Tuple.of(c.device(), c.token(), new JsonObject().put("title", "t").put("body", "b")
            .put("data", new JsonObject().put("notificationId", UUID.randomUUID().toString())),
            later.atOffset(ZoneOffset.UTC), server.clock.instant().atOffset(ZoneOffset.UTC)))
        .await().iterator().next().getLong(0);
    fake.failToken(c.token(), status, code, null);

    Object[] first = submitOne(c);
    String app = (String) first[0];
    long job = (long) first[1];
    fx.awaitStatus(job, "permanent-failure");
    JsonObject row = fx.job(job);
    assertTrue(row.getString("last_error").startsWith(code), row.encode());
    assertEquals(1, row.getInteger("attempts"));
    JsonObject device = server.row("select active, retired_reason from push_device where id = $1", c.device());
    assertEquals(false, device.getBoolean("active"));
    assertEquals(code, device.getString("retired_reason"));
    JsonObject dropped = fx.job(queued);
    assertEquals("permanent-failure", dropped.getString("status"), "what was queued for the token is dropped");
    assertEquals("token retired: " + code, dropped.getString("last_error"));
    assertEquals(0, api.get("/me/devices").token(fx.citizen(c.subject())).send().expect(200).items().size());

    // later steps of the application reach the inbox, never the dead token
    fx.officerAct(app, "accept", null);
    server.clock.advance(Duration.ofHours(2));
    fx.probe();
    assertEquals(1, fake.receivedCount(c.token()), "FCM was asked once");
    assertEquals(0, fake.deliveredCount(c.token()));
    assertEquals(2, fx.jobs(c.token()).size(), "no job for the retired device");
    assertEquals(2, server.count("select count(*) from notification where user_subject = $1", c.subject()));
    fake.clear(c.token());
  }

  @Test
  @Order(3)
  void quotaExceededWaitsExactlyTheRetryAfterGiven() {
    Citizen c = citizen("quota");
    fake.failTokenOnce(c.token(), 429, "QUOTA_EXCEEDED", 7);
    Instant t0 = server.clock.instant();
    long job = (long) submitOne(c)[1];
    fx.awaitStatus(job, "temporary-failure");
    assertEquals(t0.plusSeconds(7), fx.nextAttemptAt(job));
    JsonObject row = fx.job(job);
    assertTrue(row.getString("last_error").startsWith("QUOTA_EXCEEDED"), row.encode());
    assertEquals(1, row.getInteger("attempts"));

    fx.probe();
    server.clock.advance(Duration.ofSeconds(6));
    fx.probe();
    assertEquals("temporary-failure", fx.status(job), "not before the Retry-After");
    assertEquals(1, fake.receivedCount(c.token()));

    server.clock.advance(Duration.ofSeconds(1));
    fx.awaitStatus(job, "sent");
    assertEquals(2, fx.job(job).getInteger("attempts"));
    assertEquals(2, fake.receivedCount(c.token()));
    assertEquals(1, fake.deliveredCount(c.token()));
    assertTrue(deviceActive(c));
  }

  @Test
  @Order(4)
  void internalErrorsBackOffThenDeadLetterThenRequeueDelivers() {
    Citizen c = citizen("internal");
    fake.failToken(c.token(), 500, "INTERNAL", null);
    long job = (long) submitOne(c)[1];
    for (int attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      int n = attempt;
      Poll.until("attempt " + n + " to fail", () -> fake.receivedCount(c.token()) == n
          && "temporary-failure".equals(fx.status(job)), () -> fx.job(job));
      Instant now = server.clock.instant();
      long full = BACKOFF_BASE_MS << (attempt - 1);
      Instant next = fx.nextAttemptAt(job);
      assertFalse(next.isBefore(now.plusMillis(full / 2)), "backoff of attempt " + n + ": " + next);
      assertFalse(next.isAfter(now.plusMillis(full)), "backoff of attempt " + n + ": " + next);
      assertEquals(attempt, fx.job(job).getInteger("attempts"));
      assertTrue(fx.job(job).getString("last_error").startsWith("INTERNAL"));
      fx.probe();
      assertEquals(n, fake.receivedCount(c.token()), "not retried before its time");
      server.clock.set(next);
    }
    fx.awaitStatus(job, "dead");
    JsonObject dead = fx.job(job);
    assertEquals(MAX_ATTEMPTS, dead.getInteger("attempts"));
    assertTrue(dead.getString("last_error").startsWith("INTERNAL after 3 attempts"), dead.encode());
    assertEquals(MAX_ATTEMPTS, fake.receivedCount(c.token()));
    assertTrue(deviceActive(c), "a server error says nothing against the token");

    // the operator sees it
    String admin = fx.admin();
    JsonArray letters = api.get("/admin/push/dead-letters?limit=100").token(admin).send().expect(200).items();
    JsonObject letter = letters.stream().map(o -> (JsonObject) o).filter(l -> l.getLong("id") == job).findFirst()
        .orElseThrow(() -> new AssertionError("job " + job + " not among " + letters));
    assertEquals(c.device().toString(), letter.getString("deviceId"));
    assertEquals("application_submitted", letter.getString("kind"));
    assertEquals(MAX_ATTEMPTS, letter.getInteger("attempts"));
    assertTrue(letter.getString("reason").contains("INTERNAL"), letter.encode());
    JsonObject stats = api.get("/admin/push/stats").token(admin).send().expect(200).json();
    assertEquals(server.count("select count(*) from push_job where status = 'dead'"),
        stats.getJsonObject("byStatus").getLong("dead"));
    assertTrue(stats.getJsonObject("byStatus").getLong("dead") >= 1);
    assertTrue(stats.getString("gateway").contains("demo"), stats.encode());
    api.get("/admin/push/dead-letters").token(fx.citizen(c.subject())).send().expect(403);
    api.get("/admin/push/stats").token(fx.officer()).send().expect(403);
    api.post("/admin/push/dead-letters/requeue").token(fx.officer())
        .json(new JsonObject().put("ids", new JsonArray().add(job))).expect(403);
    assertEquals("dead", fx.status(job), "a refused requeue changes nothing");

    // FCM recovers; the operator requeues it
    fake.clear(c.token());
    JsonObject requeued = api.post("/admin/push/dead-letters/requeue").token(admin)
        .json(new JsonObject().put("ids", new JsonArray().add(job))).expect(200).json();
    assertEquals(1, requeued.getInteger("requeued"));
    fx.awaitStatus(job, "sent");
    assertEquals(1, fake.deliveredCount(c.token()));
    assertEquals(1, fx.job(job).getInteger("attempts"), "attempts start again");
    assertTrue(api.get("/admin/push/dead-letters?limit=100").token(admin).send().expect(200).items().stream()
        .noneMatch(l -> ((JsonObject) l).getLong("id") == job));
  }

  @Test
  @Order(5)
  void requeueingAllSkipsDeadLettersOfRetiredDevices() {
    Citizen alive = citizen("requeue-alive");
    Citizen gone = citizen("requeue-gone");
    fake.failToken(alive.token(), 500, "INTERNAL", null);
    fake.failToken(gone.token(), 500, "INTERNAL", null);
    long aliveJob = (long) submitOne(alive)[1];
    long goneJob = (long) submitOne(gone)[1];
    for (long job : new long[] {aliveJob, goneJob}) {
      driveToDead(job);
    }
    api.delete("/me/devices/" + gone.device()).token(fx.citizen(gone.subject())).send().expect(204);
    fake.clear(alive.token());
    fake.clear(gone.token());

    JsonObject requeued = api.post("/admin/push/dead-letters/requeue").token(fx.admin()).send().expect(200).json();
    assertEquals(1, requeued.getInteger("requeued"));
    fx.awaitStatus(aliveJob, "sent");
    fx.probe();
    assertEquals("dead", fx.status(goneJob), "no requeue for an unregistered device");
    assertEquals(0, fake.deliveredCount(gone.token()));
  }

  /** Lets a job that always fails temporarily use up its attempts, moving the clock to each retry. */
  static void driveToDead(long job) {
    for (int round = 0; round < MAX_ATTEMPTS; round++) {
      Poll.until("job " + job + " to have failed", () -> List.of("temporary-failure", "dead").contains(fx.status(job)),
          () -> fx.job(job));
      if ("dead".equals(fx.status(job))) {
        break;
      }
      int attempts = fx.job(job).getInteger("attempts");
      Instant next = fx.nextAttemptAt(job);
      if (next.isAfter(server.clock.instant())) {
        server.clock.set(next);
      }
      Poll.until("job " + job + " to be tried again", () -> fx.job(job).getInteger("attempts") > attempts,
          () -> fx.job(job));
    }
    fx.awaitStatus(job, "dead");
    assertEquals(MAX_ATTEMPTS, fx.job(job).getInteger("attempts"));
  }

  @Test
  @Order(6)
  void unavailableHonoursTheRetryAfterWithoutTheSdkRetryingItself() {
    Citizen c = citizen("unavailable");
    fake.failTokenOnce(c.token(), 503, "UNAVAILABLE", 3600);
    Instant t0 = server.clock.instant();
    long job = (long) submitOne(c)[1];
    fx.awaitStatus(job, "temporary-failure");
    assertEquals(t0.plusSeconds(3600), fx.nextAttemptAt(job));
    assertTrue(fx.job(job).getString("last_error").startsWith("UNAVAILABLE"), fx.job(job).encode());
    assertEquals(1, fake.receivedCount(c.token()), "the SDK gave up at once");

    server.clock.advance(Duration.ofSeconds(3599));
    fx.probe();
    assertEquals("temporary-failure", fx.status(job));
    server.clock.advance(Duration.ofSeconds(1));
    fx.awaitStatus(job, "sent");
    assertEquals(2, fake.receivedCount(c.token()));
    assertEquals(1, fake.deliveredCount(c.token()));
  }

  @Test
  @Order(6)
  void aShortRetryAfterOn503IsTheWorkersToHonourNotTheSdks() {
    // The SDK would wait 2 s and retry by itself; the transport makes it give up so that the
    // worker's lease is never outlasted and the worker alone schedules the next attempt.
    Citizen c = citizen("unavailable-short");
    fake.failTokenOnce(c.token(), 503, "UNAVAILABLE", 2);
    Instant t0 = server.clock.instant();
    long job = (long) submitOne(c)[1];
    fx.awaitStatus(job, "temporary-failure");
    assertEquals(1, fake.receivedCount(c.token()), "the SDK gave up at once");
    assertEquals(t0.plusSeconds(2), fx.nextAttemptAt(job));
    server.clock.advance(Duration.ofSeconds(2));
    fx.awaitStatus(job, "sent");
    assertEquals(2, fake.receivedCount(c.token()));
  }

  @Test
  @Order(7)
  void aHungRequestTimesOutAndIsDeliveredLater() {
    Citizen c = citizen("hung");
    fake.hang(c.token());
    long job = (long) submitOne(c)[1];
    fx.awaitStatus(job, "temporary-failure");
    JsonObject row = fx.job(job);
    assertTrue(row.getString("last_error").startsWith("IO_ERROR"), row.encode());
    assertEquals(1, row.getInteger("attempts"));
    assertEquals(0, fake.deliveredCount(c.token()));
    assertEquals(1, fake.receivedCount(c.token()), "the SDK does not retry a time-out by itself");
    Instant next = fx.nextAttemptAt(job);
    assertTrue(next.isAfter(server.clock.instant()), "backs off: " + next);

    fake.clear(c.token());
    fx.probe();
    assertEquals("temporary-failure", fx.status(job), "not before its backoff");
    server.clock.set(next);
    fx.awaitStatus(job, "sent");
    assertEquals(1, fake.deliveredCount(c.token()));
    assertEquals(2, fx.job(job).getInteger("attempts"));
  }

  @Test
  @Order(100)
  void nothingIsLostAndNothingIsSentTwice() {
    fx.assertEverythingSettledOnce();
    JsonObject stats = api.get("/admin/push/stats").token(fx.admin()).send().expect(200).json();
    JsonObject byStatus = stats.getJsonObject("byStatus");
    assertEquals(0, byStatus.getLong("pending") + byStatus.getLong("sending") + byStatus.getLong("temporaryFailure"),
        stats.encode());
    assertEquals(server.count("select count(*) from push_job"), byStatus.getLong("sent") + byStatus.getLong("dead")
        + byStatus.getLong("permanentFailure"));
    assertEquals(server.count("select count(*) from push_job where status = 'permanent-failure'"),
        byStatus.getLong("permanentFailure"));
    assertEquals(byStatus.getLong("permanentFailure"), byStatus.getLong("permanent-failure"), "the deprecated key");
    assertEquals(byStatus.getLong("temporaryFailure"), byStatus.getLong("temporary-failure"), "the deprecated key");
    assertEquals(0, stats.getLong("oldestPendingSeconds"));
  }
}
