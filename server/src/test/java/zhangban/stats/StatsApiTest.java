package zhangban.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/** Who sees which statistics, rankings with their minimum sample, the queues, and the CSV exports. */
class StatsApiTest {
  static TestServer server;
  static Api api;
  static PushFixtures fx;
  static final String DAY = "2026-11-25";

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("STATS_MIN_SAMPLE", "3"));
    api = server.api;
    fx = new PushFixtures(server, null);
    int version = (int) server.count("select max(version) from rating_tag_dictionary");
    // four ratings of the marriage item (民政局): 5, 4, 1 and a comment that looks like a formula
    int[] levels = {5, 4, 1, 2};
    for (int i = 0; i < levels.length; i++) {
      String subject = "citizen-stats-api-" + i;
      String id = completed(subject);
      JsonObject rating = new JsonObject().put("level", levels[i]).put("dictionaryVersion", version)
          .put("tags", levels[i] <= 2 ? new JsonArray().add("efficiency") : new JsonArray());
      if (i == 3) {
        rating.put("comment", "=HYPERLINK(\"http://evil\",\"点我\"),再说");
      }
      api.post("/applications/" + id + "/ratings").token(fx.citizen(subject)).idempotencyKey("r-" + id).json(rating)
          .expect(201);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String completed(String subject) {
    String id = fx.submitted(subject);
    for (String step : List.of("accept", "start-review", "approve")) {
      fx.officerAct(id, step, null);
    }
    fx.officerAct(id, "complete", new JsonObject().put("result", new JsonObject().put("kind", "notice")));
    return id;
  }

  static String manager() {
    return server.tokens.token("manager-stats-api", "经理", List.of("manager"), null, null);
  }

  static String officer(String dept) {
    return server.tokens.token("officer-stats-" + dept, "办事员", List.of("officer"), dept, null);
  }

  @Test
  void officersSeeTheirDepartmentManagersAllAndNobodyElseAnything() {
    String q = "/stats/ratings?from=" + DAY + "&to=" + DAY;
    JsonObject mine = api.get(q).token(officer("MZJ")).send().expect(200).json();
    assertEquals("MZJ", mine.getString("department"));
    assertEquals(4, mine.getJsonObject("totals").getLong("active"));
    assertEquals(0, api.get(q).token(officer("GAJ")).send().expect(200).json().getJsonObject("totals").getLong("active"));
    api.get(q + "&department=MZJ").token(officer("GAJ")).send().expect(403);
    api.get(q).token(fx.citizen("anyone")).send().expect(403);
    api.get("/exports/ratings.csv?from=" + DAY + "&to=" + DAY).token(officer("MZJ")).send().expect(403);
    api.get(q.replace(DAY + "&to", "2026-11-30&to")).token(manager()).send().expect(400);
    api.get("/stats/ratings?from=2020-01-01&to=2026-01-01").token(manager()).send().expect(400);

    JsonObject all = api.get(q + "&groupBy=department").token(manager()).send().expect(200).json();
    JsonObject mzj = all.getJsonArray("rows").getJsonObject(0);
    assertEquals("MZJ", mzj.getString("group"));
    assertEquals("市民政局", mzj.getString("groupName"));
    JsonObject x = mzj.getJsonObject("indicators");
    assertEquals(4, x.getLong("invited"));
    assertEquals(0.5, x.getDouble("goodRate"));
    assertEquals(0.5, x.getDouble("poorRate"));
    assertEquals(1.0, x.getDouble("activeRate"));
    assertEquals(0.0, x.getDouble("poorVerifiedRate"));
    assertTrue(all.encode().indexOf("citizen-stats-api") < 0, "no rater is named in a statistic");
  }

  @Test
  void rankingsNeedTheMinimumSample() {
    String q = "/stats/ratings/ranking?by=item&from=" + DAY + "&to=" + DAY;
    JsonArray items = api.get(q).token(manager()).send().expect(200).json().getJsonArray("items");
    assertEquals(1, items.size());
    assertEquals(PushFixtures.ITEM, items.getJsonObject(0).getString("group"));
    assertEquals(PushFixtures.ITEM_NAME, items.getJsonObject(0).getString("groupName"));
    assertEquals(1, items.getJsonObject(0).getInteger("rank"));
    assertEquals(0, api.get(q + "&minSample=5").token(manager()).send().expect(200).json().getJsonArray("items").size());
    JsonArray officers = api.get("/stats/ratings/ranking?by=officer&order=worst&from=" + DAY + "&to=" + DAY)
        .token(manager()).send().expect(200).json().getJsonArray("items");
    assertEquals("officer-minzheng", officers.getJsonObject(0).getString("group"));
  }

  @Test
  void theCatchUpFoldsEveryDeltaIntoTheRowsOfAllChannelsOnceByItself() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (server.count("select count(*) from stat_rollup_delta") > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(0, server.count("select count(*) from stat_rollup_delta"), "folded within a few seconds");
    // the rows of all channels hold what the rows of each channel hold, once
    for (String grain : List.of(Rollups.MONTH_ALL, Rollups.QUARTER_ALL)) {
      String period = grain.equals(Rollups.MONTH_ALL) ? "2026-11-01" : "2026-10-01";
      assertEquals(server.count("select sum(active) from stat_rollup where dim = 'item' and grain = 'month'"
              + " and period = '2026-11-01' and key = '" + PushFixtures.ITEM + "'"),
          server.count("select sum(active) from stat_rollup where dim = 'item' and grain = '" + grain
              + "' and period = '" + period + "' and key = '" + PushFixtures.ITEM + "'"), grain);
    }
    assertEquals(4, server.count("select sum(active) from stat_rollup where dim = 'officer' and grain = '"
        + Rollups.MONTH_ALL + "' and key = 'officer-minzheng'"));
    // and a ranking of the whole month reads them
    JsonArray items = api.get("/stats/ratings/ranking?by=item&from=2026-11-01&to=2026-11-30").token(manager()).send()
        .expect(200).json().getJsonArray("items");
    assertEquals(4, items.getJsonObject(0).getJsonObject("indicators").getLong("active"));
    String metrics = api.get("/metrics").send().expect(200).body().toString();
    assertTrue(metrics.contains("zhangban_stats_deltas_folded_total"), "the folds are counted");
    assertTrue(metrics.contains("zhangban_stats_deltas_pending"), "the pending deltas are a gauge");
  }

  @Test
  void poorReasonsAndTheQueues() {
    JsonObject tags = api.get("/stats/ratings/tags?from=" + DAY + "&to=" + DAY).token(manager()).send().expect(200).json();
    assertEquals(2, tags.getLong("poor"));
    JsonObject top = tags.getJsonArray("tags").getJsonObject(0);
    assertEquals("efficiency", top.getString("code"));
    assertEquals("办事效率", top.getJsonObject("label").getString("zh-CN"));
    assertEquals(2, top.getLong("count"));
    assertEquals(1.0, top.getDouble("share"));

    JsonObject queues = api.get("/stats/rectification").token(officer("MZJ")).send().expect(200).json();
    assertEquals(2, queues.getJsonObject("byState").getLong("open"));
    assertEquals(2, queues.getJsonObject("byWarning").getLong("none"));
    assertEquals("MZJ", queues.getJsonArray("departments").getJsonObject(0).getString("department"));
    assertEquals(0, api.get("/stats/rectification").token(officer("GAJ")).send().expect(200).json()
        .getJsonArray("departments").size());
  }

  @Test
  void csvExportsOpenInExcelAndCarryNoFormulas() {
    Api.Response stats = api.get("/stats/ratings.csv?from=" + DAY + "&to=" + DAY + "&groupBy=department")
        .token(manager()).send().expect(200);
    assertTrue(stats.header("Content-Type").startsWith("text/csv"), stats.header("Content-Type"));
    String text = stats.body().toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("\uFEFFgroup,group_name,bucket,invited,active"), text);
    assertTrue(text.contains("\r\nMZJ,市民政局,,4,4,0,0,1,1,0,1,1,2,2,0.5,0.5,1.0,"), text);

    Api.Response raw = api.get("/exports/ratings.csv?from=" + DAY + "&to=" + DAY).token(manager()).send().expect(200);
    assertTrue(raw.header("Content-Disposition").contains("ratings-" + DAY + "-" + DAY + ".csv"));
    String[] lines = raw.body().toString(StandardCharsets.UTF_8).split("\r\n");
    assertEquals(5, lines.length, "a header and four ratings");
    assertTrue(lines[0].startsWith("\uFEFFrating_id,application_number,stage,level"));
    String formula = java.util.Arrays.stream(lines).filter(l -> l.contains("HYPERLINK")).findFirst().orElseThrow();
    assertTrue(formula.contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"点我\"\"),再说\","), formula);
    assertTrue(raw.body().toString(StandardCharsets.UTF_8).indexOf("citizen-stats-api") < 0, "raters are not named");
    assertEquals(0, api.get("/exports/ratings.csv?from=2026-01-01&to=2026-01-02").token(manager()).send().expect(200)
        .body().toString(StandardCharsets.UTF_8).split("\r\n").length - 1);
  }

  @Test
  void bucketsSplitTheRangeByShanghaiDays() {
    JsonObject days = api.get("/stats/ratings?from=2026-11-20&to=2026-11-30&bucket=day").token(manager()).send()
        .expect(200).json();
    JsonArray rows = days.getJsonArray("rows");
    assertEquals(1, rows.size());
    assertEquals(DAY, rows.getJsonObject(0).getString("bucket"));
    JsonObject weeks = api.get("/stats/ratings?from=2026-11-01&to=2026-11-30&bucket=week").token(manager()).send()
        .expect(200).json();
    assertEquals("2026-11-23", weeks.getJsonArray("rows").getJsonObject(0).getString("bucket"), "weeks start on Monday");
  }
}
