package zhangban.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.config.Config;

/**
 * Where the data lives: the configured PostgreSQL, or an embedded one whose files stay in the data
 * folder across restarts. The blocking parts (starting PostgreSQL, Flyway, demo data over JDBC)
 * run on worker threads, never on an event loop.
 */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final Config.DatabaseTarget target;
  private final EmbeddedPostgres embedded;

  private Database(Config.DatabaseTarget target, EmbeddedPostgres embedded) {
    this.target = target;
    this.embedded = embedded;
  }

  public Config.DatabaseTarget target() {
    return target;
  }

  /** Uses the configured server, or starts the embedded one under {@code dataDir/postgres}. Blocking. */
  public static Database open(Config config) {
    if (config.database().isPresent()) {
      return new Database(config.database().get(), null);
    }
    Path dir = config.dataDir().resolve("postgres").toAbsolutePath();
    try {
      Files.createDirectories(dir);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .start();
      LOG.info("Embedded PostgreSQL on port {} with data in {}", pg.getPort(), dir);
      return new Database(new Config.DatabaseTarget("localhost", pg.getPort(), "postgres", "postgres", "postgres"), pg);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the embedded PostgreSQL in " + dir, e);
    }
  }

  /** For tests that run several servers against one PostgreSQL. */
  public static Database of(Config.DatabaseTarget target) {
    return new Database(target, null);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + target.database();
  }

  /** Applies the migrations; several replicas starting together are serialised by Flyway's lock. Blocking. */
  public void migrate() {
    Flyway.configure()
        .dataSource(jdbcUrl(), target.user(), target.password())
        .locations("classpath:db/migration")
        // a session lock, not one held by an open transaction, which an index built CONCURRENTLY
        // (V39) would wait for forever
        .configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"))
        .load()
        .migrate();
  }

  /** Loads the demo catalog and users once, into a database that has no demo users yet. Blocking. */
  public boolean loadDemoDataOnce() {
    return loadDemoDataOnce(java.time.ZoneOffset.UTC);
  }

  /**
   * Loads the demo catalog and users once, into a database that has no demo users yet, and with
   * them, in the same transaction, the scripts {@code after} (such as the demo history; each
   * {@code $1} in them stands for {@code zone}, quoted as a literal): a process stopped half way
   * leaves no demo users, so the next start loads all of it again. Blocking.
   */
  public boolean loadDemoDataOnce(java.time.ZoneId zone, String... after) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), target.user(), target.password());
         Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("lock table demo_user in exclusive mode");
      try (ResultSet rs = st.executeQuery("select count(*) from demo_user")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          c.rollback();
          return false;
        }
      }
      st.execute(resource("/db/demo/demo-data.sql"));
      for (String script : after) {
        st.execute(withZone(script, zone));
      }
      c.commit();
      return true;
    } catch (SQLException e) {
      throw new IllegalStateException("Loading demo data failed", e);
    }
  }

  /**
   * Runs SQL scripts in one transaction (JDBC, for start-up work such as the demo history); each
   * {@code $1} in them stands for {@code zone}, quoted as a literal.
   */
  public void runScripts(java.time.ZoneId zone, String... scripts) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), target.user(), target.password());
         Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      for (String script : scripts) {
        st.execute(withZone(script, zone));
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("Running start-up scripts failed", e);
    }
  }

  /** {@code script} with each {@code $1} replaced by {@code zone}, quoted as a literal. */
  private static String withZone(String script, java.time.ZoneId zone) {
    return script.replace("$1", "'" + zone.getId().replace("'", "''") + "'");
  }

  public static String script(String classpathResource) {
    return resource(classpathResource);
  }

  /** A plain JDBC connection, for blocking start-up work; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), target.user(), target.password());
  }

  /** Whether this is the embedded PostgreSQL (in the data folder) rather than a configured one. */
  public boolean embedded() {
    return embedded != null;
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(target.host())
        .setPort(target.port())
        .setDatabase(target.database())
        .setUser(target.user())
        .setPassword(target.password());
  }

  public Pool pool(Vertx vertx, int size) {
    return pool(vertx, size, "zhangban");
  }

  /**
   * The longest statement whose prepared form each connection keeps. The client's default (2048
   * characters) left out the statements that write a whole rating at once, so PostgreSQL parsed
   * and planned them again on every call, and never settled on a generic plan.
   */
  static final int CACHED_STATEMENT_MAX_CHARS = 64 * 1024;

  /** {@code name} tells pools apart in the metrics. */
  public Pool pool(Vertx vertx, int size, String name) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(target.host())
        .setPort(target.port())
        .setDatabase(target.database())
        .setUser(target.user())
        .setPassword(target.password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlLimit(CACHED_STATEMENT_MAX_CHARS)
        .setPipeliningLimit(16)
        // JIT compilation is for long analytical queries; it took a claim of the report outbox
        // from 3 ms to 200 ms on PostgreSQL 15 with LLVM (docs/benchmarks/report-drain.md)
        .addProperty("jit", "off");
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName(name))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("Stopping the embedded PostgreSQL failed", e);
      }
    }
  }

  private static String resource(String path) {
    try (InputStream in = Database.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
