package zhangban.support;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import zhangban.App;
import zhangban.config.Config;
import zhangban.db.Database;
import zhangban.push.PushGateway;

/**
 * The real server on a fresh copy of the migrated database, speaking HTTP on a free port, with a
 * clock the test moves and an identity provider whose keys the test holds.
 */
public final class TestServer implements AutoCloseable {
  /** 2026-11-25 10:00 in Asia/Shanghai, a Wednesday and a working day. */
  public static final Instant DEFAULT_START = Instant.parse("2026-11-25T02:00:00Z");

  public final MutableClock clock;
  public final TestTokens tokens;
  public final Api api;
  public final App app;
  public final Config config;
  public final Path dataDir;

  /** The gateway given by the test (closed with the server), or null for the configured one. */
  public final PushGateway gateway;

  private TestServer(Map<String, String> env, Database database, Instant start) {
    this(newDataDir(), env, database, new MutableClock(start), null);
  }

  private TestServer(Path dataDir, Map<String, String> env, Database database, MutableClock clock,
                     PushGateway gateway) {
    this.dataDir = dataDir;
    this.clock = clock;
    this.gateway = gateway;
    this.tokens = new TestTokens(dataDir.resolve("jwks.json"), clock);
    Map<String, String> all = new HashMap<>();
    all.put("PORT", String.valueOf(freePort()));
    all.put("HOST", "127.0.0.1");
    all.put("HTTP_INSTANCES", "1");
    all.put("DB_POOL_SIZE", "6");
    all.put("DATA_DIR", dataDir.toString());
    all.put("JWT_JWKS_FILE", dataDir.resolve("jwks.json").toString());
    all.put("JWT_ISSUERS", TestTokens.ISSUER);
    all.put("JWT_AUDIENCES", TestTokens.AUDIENCE);
    all.put("JWKS_MIN_REFETCH_SECONDS", "0");
    all.put("DEV_MODE", "false");
    all.put("DEMO_DATA", "false");
    all.put("ACCESS_LOG", "false"); // a line per request would bury the test output; CrashSafetyTest's processes log them
    all.putAll(env);
    if (database != null) {
      Config.DatabaseTarget t = database.target();
      all.put("PGHOST", t.host());
      all.put("PGPORT", String.valueOf(t.port()));
      all.put("PGDATABASE", t.database());
      all.put("PGUSER", t.user());
      all.put("PGPASSWORD", t.password());
    }
    this.config = Config.from(all);
    try {
      this.app = database != null ? App.start(config, clock, database, gateway) : App.start(config, clock);
    } catch (RuntimeException e) {
      if (gateway != null) {
        gateway.close();
      }
      throw e;
    }
    this.api = new Api(app.vertx(), config.port());
  }

  public static TestServer start() {
    return start(Map.of());
  }

  public static TestServer start(Map<String, String> env) {
    return new TestServer(env, Database.of(TestPostgres.freshDatabase()), DEFAULT_START);
  }

  /** On the database {@code target} names (e.g. a fresh one reached through a {@link TcpProxy}). */
  public static TestServer startOn(Config.DatabaseTarget target, Map<String, String> env) {
    return new TestServer(env, Database.of(target), DEFAULT_START);
  }

  /** On a fresh database, with pushes going to {@code gateway} (e.g. an {@code FcmGateway} on a fake FCM). */
  public static TestServer startWithGateway(Map<String, String> env, PushGateway gateway) {
    return new TestServer(newDataDir(), env, Database.of(TestPostgres.freshDatabase()), new MutableClock(DEFAULT_START), gateway);
  }

  /**
   * A second server (its own Vert.x, pool, HTTP port and push worker) on this server's database and
   * clock, as another replica would be.
   */
  public TestServer sibling(Map<String, String> env, PushGateway gateway) {
    return new TestServer(newDataDir(), env, Database.of(app.database().target()), clock, gateway);
  }

  /** With the embedded PostgreSQL in a data folder of its own (as the run command does). */
  public static TestServer startEmbedded(Map<String, String> env) {
    return new TestServer(env, null, DEFAULT_START);
  }

  /**
   * With the embedded PostgreSQL in the given data folder: a server started on the folder of one
   * closed before finds its data again, as after a restart.
   */
  public static TestServer startEmbedded(Path dataDir, Map<String, String> env) {
    return new TestServer(dataDir, env, null, new MutableClock(DEFAULT_START), null);
  }

  /** A token for one of the demo users, with the claims the demo data gives them. */
  public String token(String demoUser) {
    Row r = app.pool().preparedQuery("select id, name, roles, department, uscc, region from demo_user where id = $1")
        .execute(Tuple.of(demoUser)).await().iterator().next();
    return tokens.token(r.getString("id"), r.getString("name"), List.of(r.getArrayOfStrings("roles")),
        r.getString("department"), r.getString("uscc"), r.getString("region"));
  }

  public long count(String sql, Object... args) {
    return app.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await().iterator().next().getLong(0);
  }

  /** Row counts of every table a request could change, to prove a refused request changed nothing. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String table : List.of("application", "timeline_event", "application_material", "idempotency_record",
        "department", "service_item", "service_item_version", "calendar_day", "calendar_year", "rating",
        "rating_invitation", "rectification_case", "case_appeal", "rating_audit", "rating_tag_dictionary",
        "platform_report")) {
      out.put(table, count("select count(*) from " + table));
    }
    out.put("application_versions", count("select coalesce(sum(version), 0) from application"));
    out.put("case_versions", count("select coalesce(sum(version), 0) from rectification_case"));
    out.put("follow_ups", count("select count(follow_up) from rating"));
    return out;
  }

  /** Runs a statement; answers the number of rows it changed. */
  public int update(String sql, Object... args) {
    return app.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await().rowCount();
  }

  public List<JsonObject> rows(String sql, Object... args) {
    List<JsonObject> out = new java.util.ArrayList<>();
    app.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await().forEach(r -> out.add(r.toJson()));
    return out;
  }

  /** The first column of the first row as an instant (a timestamptz), or null. */
  public Instant instant(String sql, Object... args) {
    var rows = app.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await();
    if (rows.size() == 0) {
      return null;
    }
    var at = rows.iterator().next().getOffsetDateTime(0);
    return at == null ? null : at.toInstant();
  }

  public JsonObject row(String sql, Object... args) {
    var rows = app.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await();
    return rows.size() == 0 ? null : rows.iterator().next().toJson();
  }

  @Override
  public void close() {
    try {
      app.close();
    } finally {
      if (gateway != null) {
        gateway.close();
      }
    }
  }

  private static Path newDataDir() {
    try {
      return Files.createTempDirectory("zb-test");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
