package zhangban.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zhangban.rating.RatingFixtures;
import zhangban.support.FakePlatform;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The whole journey, reported: file → accept → complete → rate 差评 → the case's steps → 追评, and
 * another 差评 whose appeal is upheld. Every record reaches the platform exactly once, in the
 * platform's shape (its schema and signature checked by the fake), and each application's records
 * in the order they happened; in both shipped profiles (one form-encoded a record a request, one
 * JSON in batches).
 */
class PlatformDeliveryTest {
  static final Map<String, String> FAST = Map.of("REPORTING_POLL_MS", "50", "REPORTING_BACKOFF_BASE_MS", "100",
      "REPORTING_BACKOFF_MAX_MS", "200", "REPORTING_TIMEOUT_MS", "2000");

  static Map<String, String> env(FakePlatform platform) {
    Map<String, String> env = new HashMap<>(FAST);
    env.putAll(platform.env());
    return env;
  }

  /** Each application's records as written, each with the key the platform knows it by. */
  static Map<String, List<String>> written(TestServer server, Profile profile) {
    Map<String, List<String>> keys = new HashMap<>();
    for (JsonObject r : server.rows("select application_number, kind, record from platform_report order by id")) {
      ReportRecord record = new ReportRecord(RecordKind.fromWire(r.getString("kind")), r.getString("application_number"),
          new JsonObject(r.getValue("record").toString()));
      keys.computeIfAbsent(record.applicationNumber(), k -> new java.util.ArrayList<>()).add(profile.render(record).key());
    }
    return keys;
  }

  /** Waits until nothing is left to send, moving the clock on so that retries fall due. */
  static void drained(TestServer server) {
    Poll.until(Duration.ofSeconds(60), "every record sent", () -> {
      server.clock.advance(Duration.ofSeconds(1));
      return server.count("select count(*) from platform_report where status <> 'sent'") == 0;
    }, () -> server.rows("select id, application_number, kind, status, attempts, last_error from platform_report "
        + "where status <> 'sent' order by id limit 5"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gbt-39046-2020", "zhejiang"})
  void theWholeJourneyReachesThePlatformOnceAndInOrder(String profileName) {
    try (FakePlatform platform = FakePlatform.start(profileName);
         TestServer server = TestServer.start(env(platform))) {
      RatingFixtures fx = new RatingFixtures(server, new PushFixtures(server, null));
      String subject = "citizen-journey-" + UUID.randomUUID();

      // a 差评, its case carried to the reply, and the rater's 追评
      JsonObject rating = fx.poorRating(subject);
      String caseId = fx.caseOf(rating);
      fx.step(fx.officer(), caseId, "claim", null);
      fx.step(fx.officer(), caseId, "verify", RatingFixtures.verification(server.clock.instant()));
      fx.step(fx.officer(), caseId, "rectify", RatingFixtures.rectification());
      fx.step(fx.officer(), caseId, "reply", RatingFixtures.reply());
      server.api.post("/ratings/" + rating.getString("id") + "/follow-up").token(fx.citizen(subject))
          .json(new JsonObject().put("satisfaction", "basically_satisfied").put("comment", "有改进")).expect(200);

      // another 差评 whose appeal is upheld
      JsonObject appealed = fx.poorRating("citizen-appealed-" + UUID.randomUUID());
      String appealCase = fx.caseOf(appealed);
      fx.step(fx.officer(), appealCase, "appeal", new JsonObject().put("reason", "malicious")
          .put("explanation", "评价人当日未到窗口办理")
          .put("evidence", new JsonArray().add(new JsonObject().put("kind", "text").put("value", "监控记录 07"))));
      fx.step(fx.manager(), appealCase, "appeal/decision", new JsonObject().put("decision", "upheld").put("note", "属实"));

      drained(server);
      Profile profile = Profile.load(profileName);
      Map<String, List<String>> written = written(server, profile);
      String first = server.row("select application_number from platform_report where record->>'ratingId' = $1 limit 1",
          rating.getString("id")).getString("application_number");
      String second = server.row("select application_number from platform_report where record->>'ratingId' = $1 limit 1",
          appealed.getString("id")).getString("application_number");
      assertEquals(List.of("application_received", "application_accepted", "application_completed", "rating",
              "case_verified", "case_rectified", "case_replied", "follow_up", "case_closed"),
          kinds(server, first));
      assertEquals(List.of("application_received", "application_accepted", "application_completed", "rating",
          "appeal_upheld", "case_closed"), kinds(server, second));

      List<FakePlatform.Accepted> accepted = platform.accepted();
      assertEquals(written.values().stream().mapToInt(List::size).sum(), accepted.size(), "each record once");
      assertEquals(0, platform.resends());
      for (Map.Entry<String, List<String>> application : written.entrySet()) {
        List<String> arrived = accepted.stream().map(FakePlatform.Accepted::key)
            .filter(application.getValue()::contains).toList();
        assertEquals(application.getValue(), arrived, "the records of " + application.getKey() + " in order");
      }
      assertTrue(server.count("select count(*) from platform_report where receipt is null or sent_at is null") == 0,
          "every record keeps the platform's receipt");
    }
  }

  static List<String> kinds(TestServer server, String number) {
    return server.rows("select kind from platform_report where application_number = $1 order by id", number).stream()
        .map(r -> r.getString("kind")).toList();
  }
}
