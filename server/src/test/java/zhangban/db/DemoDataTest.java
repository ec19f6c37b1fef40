package zhangban.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import zhangban.config.Config;
import zhangban.support.TestPostgres;

/**
 * The demo users and the history the dashboard shows load together or not at all: a server
 * stopped while it loads them leaves none, so its next start loads everything.
 */
class DemoDataTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  @Test
  void theDemoUsersAndTheirHistoryLoadTogetherOrNotAtAll() throws Exception {
    Config.DatabaseTarget target = TestPostgres.emptyDatabase();
    Database db = Database.of(target);
    db.migrate();
    // the history fails half way (as when the process is stopped while loading it)
    assertThrows(IllegalStateException.class, () -> db.loadDemoDataOnce(ZONE,
        Database.script("/db/demo/demo-history.sql"), "select 1 / 0"));
    assertEquals(0, count(db, target, "select count(*) from demo_user"));
    assertEquals(0, count(db, target, "select count(*) from application"));
    // the next start loads all of it, once
    assertTrue(db.loadDemoDataOnce(ZONE, Database.script("/db/demo/demo-history.sql")));
    long users = count(db, target, "select count(*) from demo_user");
    long applications = count(db, target, "select count(*) from application");
    assertTrue(users > 0 && applications > 0, users + " users, " + applications + " applications");
    assertTrue(count(db, target, "select count(*) from rating") > 0, "the history has ratings");
    assertFalse(db.loadDemoDataOnce(ZONE, Database.script("/db/demo/demo-history.sql")));
    assertEquals(applications, count(db, target, "select count(*) from application"));
  }

  private static long count(Database db, Config.DatabaseTarget target, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), target.user(), target.password());
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
