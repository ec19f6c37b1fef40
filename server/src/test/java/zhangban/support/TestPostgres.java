package zhangban.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import zhangban.config.Config;
import zhangban.db.Database;

/**
 * One real PostgreSQL per test JVM. A template database is migrated and loaded with the demo data
 * once; every test server gets a fresh copy of it, so test classes never see each other's rows.
 */
public final class TestPostgres {
  private static EmbeddedPostgres pg;
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final String TEMPLATE = "zb_template";

  private TestPostgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (pg == null) {
      try {
        pg = EmbeddedPostgres.builder().start();
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
             Statement st = c.createStatement()) {
          st.execute("create database " + TEMPLATE);
        }
        Database template = Database.of(target(TEMPLATE));
        template.migrate();
        template.loadDemoDataOnce();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            pg.close();
          } catch (Exception ignored) {
            // the JVM is going away
          }
        }));
      } catch (Exception e) {
        throw new IllegalStateException("Cannot start the test PostgreSQL", e);
      }
    }
    return pg;
  }

  /** A new database copied from the migrated template. */
  public static synchronized Config.DatabaseTarget freshDatabase() {
    EmbeddedPostgres server = server();
    String name = "zb_test_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"));
         Statement st = c.createStatement()) {
      st.execute("create database " + name + " template " + TEMPLATE);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create test database " + name, e);
    }
    return target(name);
  }

  /** A new database with nothing in it, not even the schema. */
  public static synchronized Config.DatabaseTarget emptyDatabase() {
    EmbeddedPostgres server = server();
    String name = "zb_empty_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"));
         Statement st = c.createStatement()) {
      st.execute("create database " + name + " template template0");
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create test database " + name, e);
    }
    return target(name);
  }

  private static Config.DatabaseTarget target(String database) {
    return new Config.DatabaseTarget("localhost", pg.getPort(), database, "postgres", "postgres");
  }
}
