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

  /** A push queued for {@code device}, due far in the future (as during long quiet hours). */
  static long queueFor(UUID device) {
    return server.app.pool().preparedQuery("""
        insert into push_job (device_id, token, kind, message, status, next_attempt_at, created_at, updated_at)
        select id, token, 'application_submitted', '{"title":"t","body":"b"}', 'pending', $2, $3, $3
        from push_device where id = $1 returning id""")
        .execute(io.vertx.sqlclient.Tuple.of(device, server.clock.instant().plus(Duration.ofDays(400))
            .atOffset(java.time.ZoneOffset.UTC), server.clock.instant().atOffset(java.time.ZoneOffset.UTC)))
        .await().iterator().next().getLong(0);
  }

  @Test
  void registeringOneDeviceTooManyRetiresTheLeastRecentlyRefreshed() {
    String user = "citizen-many-phones";
    List<UUID> phones = new java.util.ArrayList<>();
    for (int i = 0; i < Devices.MAX_ACTIVE_PER_USER; i++) {
      UUID phone = UUID.randomUUID();
      phones.add(phone);
      fx.register(user, phone, "many-token-" + phone, "android", "zh-CN");
      server.clock.advance(Duration.ofMinutes(1));
    }
    for (UUID phone : phones) {
      assertEquals(true, device(phone).getBoolean("active"), "ten fit");
    }
    fx.register(user, phones.get(0), "many-token-" + phones.get(0), "android", "zh-CN"); // the first one refreshed
    assertEquals(true, device(phones.get(0)).getBoolean("active"), "refreshing one of ten retires nothing");
    server.clock.advance(Duration.ofMinutes(1));
    long queued = queueFor(phones.get(1));

    UUID eleventh = UUID.randomUUID();
    fx.register(user, eleventh, "many-token-" + eleventh, "ios", "zh-CN");
    assertEquals("replaced by newer devices", device(phones.get(1)).getString("retired_reason"),
        "the least recently refreshed, now that the first was refreshed");
    assertEquals("permanent-failure", fx.status(queued), "what was queued for it is dropped");
    assertEquals("replaced by newer devices", fx.job(queued).getString("last_error"));
    assertEquals(true, device(phones.get(0)).getBoolean("active"));
    assertEquals(true, device(phones.get(2)).getBoolean("active"));
    List<Object> listed = server.api.get("/me/devices").token(fx.citizen(user)).send().expect(200)
        .items().stream().map(d -> ((JsonObject) d).getString("deviceId")).map(Object.class::cast).toList();
    assertEquals(Devices.MAX_ACTIVE_PER_USER, listed.size(), listed.toString());
    assertTrue(listed.contains(eleventh.toString()) && !listed.contains(phones.get(1).toString()), listed.toString());
  }

  @Test
  void registrationsOfOneUserAtOnceStillKeepTheCap() throws Exception {
    String user = "citizen-phones-at-once";
    for (int i = 0; i < Devices.MAX_ACTIVE_PER_USER - 1; i++) {
      UUID phone = UUID.randomUUID();
      fx.register(user, phone, "once-token-" + phone, "android", "zh-CN");
    }
    var threads = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<JsonObject>> four = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        UUID phone = UUID.randomUUID();
        four.add(threads.submit(() -> fx.register(user, phone, "once-token-" + phone, "ios", "zh-CN")));
      }
      for (var f : four) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
    assertEquals(Devices.MAX_ACTIVE_PER_USER, server.count(
        "select count(*) from push_device where user_subject = $1 and active", user));
  }
}
