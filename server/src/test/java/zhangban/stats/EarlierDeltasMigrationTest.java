package zhangban.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.config.Config;
import zhangban.support.TestPostgres;
import zhangban.support.TestServer;

/**
 * A database upgraded with deltas still waiting in {@code stat_rollup_pending}, which processes of
 * the version before {@code stat_rollup_delta} wrote for the rows of all channels (they counted the
 * rows of one channel themselves): migration V20 folds them into those rows and empties the table,
 * V21 drops it, and the rating they stand for still counts exactly once, however it is read.
 */
class EarlierDeltasMigrationTest {
  static TestServer server;
  static final String ITEM = "earlier-item";
  static final String OFFICER = "earlier-officer";
  static final String DEPARTMENT = "earlier-dept";

  @BeforeAll
  static void start() throws Exception {
    Config.DatabaseTarget target = TestPostgres.emptyDatabase();
    String url = "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + target.database();
    Flyway.configure().dataSource(url, target.user(), target.password()).locations("classpath:db/migration")
        .target("19").load().migrate();
    try (Connection c = DriverManager.getConnection(url, target.user(), target.password());
         Statement st = c.createStatement()) {
      st.execute("insert into department (code, name, region) values ('" + DEPARTMENT + "', '旧版本局', '')");
      // what the previous version wrote for one rating (level 5, app) on 15 June: its rows of one channel...
      for (String dim : List.of("item", "officer")) {
        String key = dim.equals("item") ? ITEM : OFFICER;
        for (String[] row : List.of(new String[] {"day", "2026-06-15"}, new String[] {"month", "2026-06-01"})) {
          st.execute("insert into stat_rollup (dim, grain, period, department, channel, key, active, l5) values ('"
              + dim + "', '" + row[0] + "', '" + row[1] + "', '" + DEPARTMENT + "', 'app', '" + key + "', 1, 1)");
        }
      }
      // ...and its delta for the rows of all channels, not yet folded
      st.execute("insert into stat_rollup_pending (day, department, item, officer, active, l5) values ('2026-06-15', '"
          + DEPARTMENT + "', '" + ITEM + "', '" + OFFICER + "', 1, 1)");
    }
    server = TestServer.startOn(target, Map.of());
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

  @Test
  void theEarlierDeltasAreFoldedIntoTheRowsOfAllChannelsOnly() {
    assertEquals(0, server.count("select count(*) from pg_tables where tablename = 'stat_rollup_pending'"));
    assertEquals(1, server.count("select sum(active) from stat_rollup where key = $1 and grain = $2", ITEM,
        Rollups.MONTH_ALL));
    assertEquals(1, server.count("select sum(active) from stat_rollup where key = $1 and grain = $2", OFFICER,
        Rollups.QUARTER_ALL));
    assertEquals(2, server.count("select sum(active) from stat_rollup where key = $1 and channel = 'app'", ITEM));
  }

  @Test
  void theRatingCountsOnceHoweverItIsRead() {
    for (String by : List.of("item", "officer")) {
      assertEquals(1, active(by, "2026-06-01", "2026-06-30", null), by + ", the month");
      assertEquals(1, active(by, "2026-06-15", "2026-06-15", null), by + ", the day");
      assertEquals(1, active(by, "2026-06-01", "2026-06-30", "app"), by + ", the month, one channel");
      assertEquals(1, active(by, "2026-04-01", "2026-06-30", null), by + ", the quarter");
    }
  }
}
