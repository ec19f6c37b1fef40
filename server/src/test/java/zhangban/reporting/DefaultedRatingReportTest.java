package zhangban.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/** A rating given by the configured default when the window closes is recorded like any other, marked defaulted. */
class DefaultedRatingReportTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("REPORTING_PROFILE", "gbt-39046-2020", "RATING_DEFAULT_LEVEL", "5"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theDefaultRatingIsRecordedAsTheSystemsRating() {
    PushFixtures filing = new PushFixtures(server, null);
    String id = filing.submitted("citizen-defaulted");
    filing.officerAct(id, "reject", new JsonObject().put("reason", "材料不全"));
    String number = server.row("select number from application where id = $1", UUID.fromString(id)).getString("number");
    server.clock.advance(Duration.ofDays(8));
    while (server.app.ratingScheduler().pass().await() != 0) {
      // until nothing is left to close
    }
    List<JsonObject> records = server.rows(
        "select kind, record from platform_report where application_number = $1 order by id", number);
    assertEquals(List.of("application_received", "application_refused", "rating"),
        records.stream().map(r -> r.getString("kind")).toList());
    JsonObject rating = records.get(2).getJsonObject("record");
    assertEquals(true, rating.getBoolean("defaulted"));
    assertEquals(5, rating.getInteger("level"));
    JsonObject body = Profile.load("gbt-39046-2020").render(new ReportRecord(RecordKind.RATING, number, rating)).body();
    assertEquals("1", body.getString("systemDefault"));
    assertEquals("9", body.getString("channel"), "系统默认评价");
    assertEquals("1", body.getString("satisfaction"), "5 is 非常满意, coded 1 by GB/T 39046-2020");
  }
}
