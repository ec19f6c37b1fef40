package zhangban.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.TestServer;

/**
 * A rolling update: processes of the version before {@code stat_rollup_delta} still rate. Such a
 * process counted the rows of one channel in the rating's transaction and left the delta for the
 * rows of all channels in {@code stat_rollup_pending}. Those deltas count once: statistics read
 * them before they are folded, and the fold adds them to the rows of all channels only.
 */
class EarlierDeltasTest {
  static TestServer server;
  static final String ITEM = "earlier-item";
  static final String OFFICER = "earlier-officer";

  @BeforeAll
  static void start() {
    server = TestServer.start();
    server.app.rollupCatchUp().pause().await();
    String department = server.rows("select code from department order by code limit 1").get(0).getString("code");
    // what the previous version wrote for one rating (level 5, app) on 15 June: its rows of one channel...
    for (String dim : List.of("item", "officer")) {
      String key = dim.equals("item") ? ITEM : OFFICER;
      for (String[] row : List.of(new String[] {"day", "2026-06-15"}, new String[] {"month", "2026-06-01"})) {
        server.update("insert into stat_rollup (dim, grain, period, department, channel, key, active, l5)"
            + " values ($1, $2, $3, $4, 'app', $5, 1, 1)", dim, row[0], java.time.LocalDate.parse(row[1]), department,
            key);
      }
    }
    // ...and its delta for the rows of all channels
    server.update("insert into stat_rollup_pending (day, department, item, officer, active, l5)"
        + " values ('2026-06-15', $1, $2, $3, 1, 1)", department, ITEM, OFFICER);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static long active(String by, String from, String to, String channel) {
    String manager = server.tokens.token("manager-earlier", "经理", List.of("manager"), null, null);
    JsonArray items = server.api.get("/stats/ratings/ranking?by=" + by + "&from=" + from + "&to=" + to + "&minSample=1"
        + (channel == null ? "" : "&channel=" + channel)).token(manager).send().expect(200).json().getJsonArray("items");
    long active = 0;
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      if (item.getString("group").equals(by.equals("item") ? ITEM : OFFICER)) {
        active += item.getJsonObject("indicators").getLong("active");
      }
    }
    return active;
  }

  /** Every way of reading the rating: the month (rows of all channels), one day, one channel, a quarter. */
  static void countedOnce() {
    for (String by : List.of("item", "officer")) {
      assertEquals(1, active(by, "2026-06-01", "2026-06-30", null), by + ", the month");
      assertEquals(1, active(by, "2026-06-15", "2026-06-15", null), by + ", the day");
      assertEquals(1, active(by, "2026-06-01", "2026-06-30", "app"), by + ", the month, one channel");
      assertEquals(1, active(by, "2026-04-01", "2026-06-30", null), by + ", the quarter");
    }
  }

  @Test
  void countOnceBeforeAndAfterTheyAreFolded() {
    countedOnce();
    assertEquals(1, (int) server.app.pool().withTransaction(tx -> Rollups.fold(tx, 100)).await());
    assertEquals(0, server.count("select count(*) from stat_rollup_pending"));
    countedOnce();
    // folded into the rows of all channels (month and quarter), not again into those of one channel
    assertEquals(1, server.count("select sum(active) from stat_rollup where key = $1 and grain = $2", ITEM,
        Rollups.MONTH_ALL));
    assertEquals(1, server.count("select sum(active) from stat_rollup where key = $1 and grain = $2", OFFICER,
        Rollups.QUARTER_ALL));
    assertEquals(2, server.count("select sum(active) from stat_rollup where key = $1 and channel = 'app'", ITEM));
  }
}
