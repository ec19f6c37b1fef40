package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * An external rating id is the importing system's own: the same value from another system is
 * another rating, never a replay of the first one's answer, and never a refusal for reuse. (Event
 * ids of approval systems: {@code AuthorizationTest.anEventIdIsTheReportingSystemsOwn}.)
 */
class ClientChosenIdsTest {
  static TestServer server;
  static Api api;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("RATING_CALLS_PER_MINUTE", "1000"));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anExternalRatingIdIsTheImportingSystemsOwn() {
    String hallA = fx.integration("hall-import-a", "MZJ");
    String hallB = fx.integration("hall-import-b", "MZJ");
    String subject = "citizen-imports";
    String one = fx.completed(subject);
    String two = fx.completed(subject);
    String externalId = "HALL-" + UUID.randomUUID();
    JsonObject rating = new JsonObject().put("externalId", externalId).put("raterSubject", subject)
        .put("channel", "hall").put("level", 5).put("tags", new JsonArray()).put("dictionaryVersion", fx.dictionaryVersion())
        .put("ratedAt", server.clock.instant().minusSeconds(60).toString());
    JsonObject a = api.post("/integration/ratings").token(hallA)
        .json(rating.copy().put("applicationNumber", fx.number(one))).expect(201).json();
    // the same external id from another system, for another transaction: a rating of its own
    JsonObject b = api.post("/integration/ratings").token(hallB)
        .json(rating.copy().put("applicationNumber", fx.number(two))).expect(201).json();
    assertNotEquals(a.getString("id"), b.getString("id"));
    assertEquals(two, b.getString("applicationId"));
    // the first system reusing its own id for another transaction is refused
    api.post("/integration/ratings").token(hallA).json(rating.copy().put("applicationNumber", fx.number(two)))
        .expect(422);
  }
}
