package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/** Stopping a server stops claiming, lets sends in flight finish, and releases what cannot finish. */
class PushShutdownTest {
  static FakeFcm fake;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  static long oneJobInFlight(TestServer server, PushFixtures fx, String subject, String token) {
    fx.register(subject, UUID.randomUUID(), token, "android", "zh-CN");
    fake.hold(token);
    fx.submitted(subject);
    Poll.until("the send to be in flight", () -> fake.receivedCount(token) == 1, () -> fake.receivedCount(token));
    return server.count("select max(id) from push_job where token = $1", token);
  }

  @Test
  void aSendFcmAcceptedIsRecordedWhileAnotherOfItsRoundIsStillInFlight() {
    // a crash now would send again only what is really in flight: the slow send, not the fast one
    TestServer server = TestServer.startWithGateway(Map.of(), PushFixtures.gateway(fake, Duration.ofSeconds(60)));
    try {
      PushFixtures fx = new PushFixtures(server, fake);
      String subject = "citizen-two-phones";
      String fast = "fast-phone-" + UUID.randomUUID();
      String slow = "slow-phone-" + UUID.randomUUID();
      fx.register(subject, UUID.randomUUID(), fast, "android", "zh-CN");
      fx.register(subject, UUID.randomUUID(), slow, "ios", "zh-CN");
      fake.hold(slow);
      fx.submitted(subject); // one notice, a push to each phone, claimed in one round
      Poll.until("both sends reached FCM", () -> fake.receivedCount(slow) == 1 && fake.deliveredCount(fast) == 1);
      long fastJob = server.count("select max(id) from push_job where token = $1", fast);
      long slowJob = server.count("select max(id) from push_job where token = $1", slow);
      fx.awaitStatus(fastJob, "sent");
      assertEquals("sending", fx.status(slowJob), "the slow send is still in flight");
      assertEquals(1, fake.release(slow, 200, null));
      fx.awaitStatus(slowJob, "sent");
    } finally {
      server.close();
    }
  }

  @Test
  void aSlowSendWhoseLeaseRunsOutIsNotClaimedAgainByItsOwnWorker() {
    TestServer server = TestServer.startWithGateway(Map.of("PUSH_LEASE_SECONDS", "60", "PUSH_POLL_MS", "100"),
        PushFixtures.gateway(fake, Duration.ofSeconds(30)));
    try {
      PushFixtures fx = new PushFixtures(server, fake);
      String token = "slow-send-" + UUID.randomUUID();
      long job = oneJobInFlight(server, fx, "citizen-slow-send", token);
      // the lease runs out by the clock while the send is still in flight
      server.clock.advance(Duration.ofMinutes(2));
      fx.probe();
      assertEquals(1, fake.receivedCount(token), "the job in flight was not claimed and sent again");
      assertEquals(1, fake.release(token, 200, null));
      fx.awaitStatus(job, "sent");
      assertEquals(1, fake.deliveredCount(token));
      assertEquals(1, server.count("select attempts from push_job where id = $1", job));
    } finally {
      server.close();
    }
  }

  @Test
  void aSendInFlightAtShutdownFinishesAndIsRecorded() throws Exception {
    TestServer server = TestServer.startWithGateway(Map.of("PUSH_SHUTDOWN_GRACE_MS", "20000"),
        PushFixtures.gateway(fake, Duration.ofSeconds(30)));
    PushFixtures fx = new PushFixtures(server, fake);
    String token = "shutdown-finish-" + UUID.randomUUID();
    long job = oneJobInFlight(server, fx, "citizen-shutdown-1", token);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    Thread.sleep(300); // the server is now waiting for the send in flight
    assertEquals(1, fake.release(token, 200, null));
    closing.get();

    TestServer after = server.sibling(Map.of("PUSH_WORKER_ENABLED", "false"), null);
    try {
      JsonObject row = after.row("select status, lease_until, attempts from push_job where id = $1", job);
      assertEquals("sent", row.getString("status"));
      assertNull(row.getValue("lease_until"));
      assertEquals(1, fake.deliveredCount(token));
    } finally {
      after.close();
    }
  }

  @Test
  void aSendThatCannotFinishInTheGraceIsReleasedAndSentOnceByTheNextProcess() throws Exception {
    TestServer server = TestServer.startWithGateway(Map.of("PUSH_SHUTDOWN_GRACE_MS", "300"),
        PushFixtures.gateway(fake, Duration.ofSeconds(30)));
    PushFixtures fx = new PushFixtures(server, fake);
    String token = "shutdown-release-" + UUID.randomUUID();
    long job = oneJobInFlight(server, fx, "citizen-shutdown-2", token);

    server.close();
    TestServer reader = server.sibling(Map.of("PUSH_WORKER_ENABLED", "false"), null);
    JsonObject released = reader.row("select status, lease_until, last_error from push_job where id = $1", job);
    reader.close();
    assertEquals("temporary-failure", released.getString("status"));
    assertNull(released.getValue("lease_until"));
    assertEquals("released at shutdown", released.getString("last_error"));
    // the request the stopped process left open fails at FCM: nothing was delivered by it
    assertEquals(1, fake.release(token, 503, "UNAVAILABLE"));

    TestServer next = server.sibling(Map.of(), PushFixtures.gateway(fake, Duration.ofSeconds(30)));
    try {
      new PushFixtures(next, fake).awaitStatus(job, "sent");
      assertEquals(1, fake.deliveredCount(token));
    } finally {
      next.close();
    }
  }
}
