package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
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

/**
 * A device whose registration was not refreshed for PUSH_DEVICE_STALE_DAYS is retired, and a user
 * keeps at most {@link Devices#MAX_ACTIVE_PER_USER} active devices.
 */
class StaleDeviceTest {
  static FakeFcm fake;
  static TestServer server;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    server = TestServer.startWithGateway(Map.of("PUSH_PRUNE_INTERVAL_MS", "100", "PUSH_DEVICE_STALE_DAYS", "270"),
        PushFixtures.gateway(fake, Duration.ofSeconds(5)));
    fx = new PushFixtures(server, fake);
  }

  @AfterAll
  static void stop() {
    server.close();
    fake.close();
  }

  static JsonObject device(UUID id) {
    return server.row("select active, retired_reason from push_device where id = $1", id);
  }

  @Test
  void devicesNotRefreshedForTheConfiguredDaysAreRetiredAndTheirQueuedPushesDropped() {
    UUID old = UUID.randomUUID();
    UUID refreshed = UUID.randomUUID();
    fx.register("citizen-stale", old, "stale-token-" + old, "android", "zh-CN");
    fx.register("citizen-stale", refreshed, "fresh-token-" + refreshed, "ios", "en");
    // a push for the old device, due far in the future (as during long quiet hours)
    long queued = server.app.pool().preparedQuery("""
        insert into push_job (device_id, token, kind, message, status, next_attempt_at, created_at, updated_at)
        select id, token, 'application_submitted', '{"title":"t","body":"b"}', 'pending', $2, $3, $3
        from push_device where id = $1 returning id""")
        .execute(io.vertx.sqlclient.Tuple.of(old, server.clock.instant().plus(Duration.ofDays(400))
            .atOffset(java.time.ZoneOffset.UTC), server.clock.instant().atOffset(java.time.ZoneOffset.UTC)))
        .await().iterator().next().getLong(0);

    server.clock.advance(Duration.ofDays(200));
    fx.register("citizen-stale", refreshed, "fresh-token-" + refreshed, "ios", "en"); // the app ran and refreshed
    fx.probe();
    assertEquals(true, device(old).getBoolean("active"), "200 days is not stale yet");

    server.clock.advance(Duration.ofDays(71));
    Poll.until("the old device to be retired", () -> !device(old).getBoolean("active"), () -> device(old));
    assertTrue(device(old).getString("retired_reason").startsWith("stale"), device(old).encode());
    assertEquals(true, device(refreshed).getBoolean("active"));
    assertEquals("permanent-failure", fx.status(queued));

    List<Object> listed = server.api.get("/me/devices").token(fx.citizen("citizen-stale")).send().expect(200)
        .items().stream().map(d -> ((JsonObject) d).getString("deviceId")).map(Object.class::cast).toList();
    assertEquals(List.of(refreshed.toString()), listed);
  }

  @Test
  void registeringOneDeviceTooManyRetiresTheLeastRecentlyRefreshed() {
    String user = "citizen-many-phones";
    List<UUID> phones = new java.util.ArrayList<>();
    for (int i = 0; i <= Devices.MAX_ACTIVE_PER_USER; i++) {
      UUID phone = UUID.randomUUID();
      phones.add(phone);
      fx.register(user, phone, "many-token-" + phone, "android", "zh-CN");
      server.clock.advance(Duration.ofMinutes(1));
    }
    fx.register(user, phones.get(0), "many-token-" + phones.get(0), "android", "zh-CN"); // the first one refreshed
    server.clock.advance(Duration.ofMinutes(1));
    UUID newest = UUID.randomUUID();
    fx.register(user, newest, "many-token-" + newest, "ios", "zh-CN");

    // eleven were registered, then one more: the two least recently refreshed (the second and third) are gone
    assertEquals("replaced by newer devices", device(phones.get(1)).getString("retired_reason"));
    assertEquals("replaced by newer devices", device(phones.get(2)).getString("retired_reason"));
    assertEquals(true, device(phones.get(0)).getBoolean("active"), "registered again, so the newest but one");
    assertEquals(true, device(newest).getBoolean("active"));
    List<Object> listed = server.api.get("/me/devices").token(fx.citizen(user)).send().expect(200)
        .items().stream().map(d -> ((JsonObject) d).getString("deviceId")).map(Object.class::cast).toList();
    assertEquals(Devices.MAX_ACTIVE_PER_USER, listed.size(), listed.toString());
    assertTrue(listed.contains(newest.toString()) && !listed.contains(phones.get(1).toString()), listed.toString());
  }
}
