package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.FakeFcm;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/** Quiet hours are kept in the user's own time zone; without one, in the server's (Asia/Shanghai). */
class QuietHoursTimeZoneTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static FakeFcm fake;
  static TestServer server;
  static Api api;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    server = TestServer.startWithGateway(Map.of("PUSH_POLL_MS", "100"),
        PushFixtures.gateway(fake, Duration.ofSeconds(10)));
    api = server.api;
    fx = new PushFixtures(server, fake);
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

  static JsonObject nightQuiet() {
    return new JsonObject().put("push", new JsonObject().put("progress", true).put("rating", true)
        .put("reminder", true)).put("quietHours", new JsonObject().put("start", "22:00").put("end", "07:00"));
  }

  JsonObject preferences(String subject) {
    return api.get("/me/notification-preferences").token(fx.citizen(subject)).send().expect(200).json();
  }

  @Test
  void aProgressPushWaitsForMorningInTheUsersZoneWhileItIsDayInShanghai() {
    String berliner = "citizen-berlin-" + UUID.randomUUID();
    String berlinToken = "berlin-" + UUID.randomUUID();
    fx.register(berliner, UUID.randomUUID(), berlinToken, "android", "en");
    JsonObject prefs = nightQuiet().put("timeZone", "Europe/Berlin");
    assertEquals(prefs, api.put("/me/notification-preferences").token(fx.citizen(berliner)).json(prefs)
        .expect(200).json());
    assertEquals(prefs, preferences(berliner));

    // the same quiet hours without a zone of one's own keep Shanghai's
    String local = "citizen-shanghai-" + UUID.randomUUID();
    String localToken = "shanghai-" + UUID.randomUUID();
    fx.register(local, UUID.randomUUID(), localToken, "android", "zh-CN");
    api.put("/me/notification-preferences").token(fx.citizen(local)).json(nightQuiet()).expect(200);
    assertFalse(preferences(local).containsKey("timeZone"));

    // 10:00 in Shanghai is 03:00 in Berlin (CET)
    ZonedDateTime now = server.clock.instant().atZone(SHANGHAI);
    LocalDate day = now.toLocalTime().isBefore(LocalTime.of(9, 0)) ? now.toLocalDate() : now.toLocalDate().plusDays(1);
    Instant shanghaiMorning = day.atTime(10, 0).atZone(SHANGHAI).toInstant();
    assertEquals(LocalTime.of(3, 0), shanghaiMorning.atZone(BERLIN).toLocalTime());
    Instant berlinMorning = day.atTime(7, 0).atZone(BERLIN).toInstant();
    server.clock.set(shanghaiMorning);

    fx.submitted(local);
    long localJob = fx.jobs(localToken).get(0).getLong("id");
    assertEquals(shanghaiMorning, fx.nextAttemptAt(localJob), "day in Shanghai: no wait");
    fx.awaitStatus(localJob, "sent");

    fx.submitted(berliner);
    List<JsonObject> jobs = fx.jobs(berlinToken);
    assertEquals(1, jobs.size());
    long berlinJob = jobs.get(0).getLong("id");
    assertEquals(berlinMorning, fx.nextAttemptAt(berlinJob), "night in Berlin: waits for 07:00 there");
    fx.probe();
    assertEquals("pending", fx.status(berlinJob));
    assertEquals(0, fake.receivedCount(berlinToken));

    server.clock.set(berlinMorning.minusSeconds(1));
    fx.probe();
    assertEquals("pending", fx.status(berlinJob), "one second before the end of the quiet hours in Berlin");
    server.clock.set(berlinMorning);
    fx.awaitStatus(berlinJob, "sent");
    assertEquals(1, fake.deliveredCount(berlinToken));
  }

  @Test
  void anUnknownTimeZoneIsRefusedAndChangesNothing() {
    String subject = "citizen-zone-" + UUID.randomUUID();
    JsonObject prefs = nightQuiet().put("timeZone", "Asia/Tokyo");
    api.put("/me/notification-preferences").token(fx.citizen(subject)).json(prefs).expect(200);

    for (String zone : List.of("Mars/Olympus_Mons", "europe/berlin", "+08:00")) {
      Api.Response r = api.put("/me/notification-preferences").token(fx.citizen(subject))
          .json(nightQuiet().put("timeZone", zone)).expect(422);
      assertEquals(List.of("/timeZone"), r.pointers(), zone);
    }
    assertEquals(prefs, preferences(subject), "a refused change keeps the stored preferences");

    // leaving the zone out goes back to the server's
    api.put("/me/notification-preferences").token(fx.citizen(subject)).json(nightQuiet()).expect(200);
    assertEquals(nightQuiet(), preferences(subject));
  }
}
