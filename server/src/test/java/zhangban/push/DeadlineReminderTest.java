package zhangban.push;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/** Officers with a registered device hear once when an application turns yellow, and once when red. */
class DeadlineReminderTest {
  static FakeFcm fake;
  static TestServer server;
  static TestServer replica;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    Map<String, String> env = Map.of("REMINDER_INTERVAL_MS", "100", "PUSH_POLL_MS", "100");
    server = TestServer.startWithGateway(env, PushFixtures.gateway(fake, Duration.ofSeconds(5)));
    // a second replica scanning the same database: reminders must still go out once
    replica = server.sibling(env, PushFixtures.gateway(fake, Duration.ofSeconds(5)));
    fx = new PushFixtures(server, fake);
  }

  @AfterAll
  static void stop() {
    replica.close();
    server.close();
    fake.close();
  }

  static List<String> officerInbox() {
    JsonArray items = server.api.get("/me/notifications?limit=100").token(fx.officer()).send().expect(200).items();
    return items.stream().map(o -> ((JsonObject) o).getString("kind")).toList();
  }

  @Test
  void officersAreRemindedOncePerLevelAcrossReplicas() {
    String officerToken = "officer-device-" + UUID.randomUUID();
    server.api.put("/me/devices/" + UUID.randomUUID()).token(fx.officer())
        .json(new JsonObject().put("token", officerToken).put("platform", "ios").put("locale", "zh-CN"))
        .expect(200);
    String id = fx.submitted("citizen-reminded");
    JsonObject accepted = fx.officerAct(id, "accept", null);
    assertEquals("2026-12-02", accepted.getString("deadline"));

    // 2026-12-01 10:00 Shanghai: yellow
    server.clock.set(Instant.parse("2026-12-01T02:00:00Z"));
    Poll.until("the yellow reminder", () -> officerInbox().contains("deadline_approaching"), DeadlineReminderTest::officerInbox);
    Poll.until("its push", () -> fake.deliveredCount(officerToken) == 1, () -> fake.deliveredCount(officerToken));
    JsonObject push = fake.bodiesFor(officerToken).get(0).getJsonObject("message");
    assertEquals("办件即将超期", push.getJsonObject("notification").getString("title"));
    assertTrue(push.getJsonObject("notification").getString("body").contains("2026-12-02"), push.encode());

    // 2026-12-03: red, an urgent push
    server.clock.set(Instant.parse("2026-12-03T02:00:00Z"));
    Poll.until("the red reminder", () -> officerInbox().contains("deadline_overdue"), DeadlineReminderTest::officerInbox);
    Poll.until("its push", () -> fake.deliveredCount(officerToken) == 2, () -> fake.deliveredCount(officerToken));

    // later passes of both replicas announce nothing more
    fx.probe();
    server.clock.advance(Duration.ofMinutes(1));
    fx.probe();
    assertEquals(1, officerInbox().stream().filter("deadline_approaching"::equals).count());
    assertEquals(1, officerInbox().stream().filter("deadline_overdue"::equals).count());
    assertEquals(2, fake.deliveredCount(officerToken));
    assertEquals(2, server.count("select count(*) from deadline_reminder where application_id = $1::uuid", id));
  }
}
