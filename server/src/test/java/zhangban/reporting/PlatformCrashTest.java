package zhangban.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import zhangban.config.Config;
import zhangban.support.FakePlatform;
import zhangban.support.ServerProcess;
import zhangban.support.TestPostgres;
import zhangban.support.TestTokens;

/**
 * Two server processes drain thousands of records to one platform; one is killed (SIGKILL) while
 * its requests are in flight. Every record is accepted, none twice (the platform dedupes by key and
 * counts the resends: at most the records that were in flight at the kill), and each application's
 * records arrive in the order they were written.
 */
class PlatformCrashTest {
  static final int APPLICATIONS = 600;
  static final List<RecordKind> KINDS = List.of(RecordKind.APPLICATION_RECEIVED, RecordKind.APPLICATION_ACCEPTED,
      RecordKind.APPLICATION_COMPLETED, RecordKind.RATING, RecordKind.FOLLOW_UP);

  static final String INSERT = """
      insert into platform_report (application_number, kind, record, status, next_attempt_at, created_at, updated_at)
      select number, kind, record::jsonb,
        case when row_number() over (partition by number order by n) = 1 then 'pending' else 'held' end,
        now(), now(), now()
      from unnest(?::text[], ?::text[], ?::text[]) with ordinality as r (number, kind, record, n)
      order by n
      """;

  @Test
  void twoProcessesDrainEveryRecordOnceAndInOrderThoughOneIsKilledMidFlight() throws Exception {
    Config.DatabaseTarget db = TestPostgres.freshDatabase();
    Path dir = Files.createTempDirectory("zb-report-crash");
    new TestTokens(dir.resolve("jwks.json"), Clock.systemUTC());
    try (FakePlatform platform = FakePlatform.start("zhejiang").delay(20)) {
      Map<String, String> env = env(db, dir, platform);
      List<ServerProcess> servers = new ArrayList<>();
      try {
        servers.add(start("report-a", env, dir));
        servers.add(start("report-b", env, dir));
        Map<String, List<String>> written = fill(db);
        int total = written.values().stream().mapToInt(List::size).sum();

        // kill one process while records are in flight
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (platform.accepted().size() < total / 5) {
          assertTrue(System.nanoTime() < deadline, "draining too slowly: " + platform.accepted().size());
          Thread.sleep(20);
        }
        servers.get(0).kill();
        long inFlightAtKill = count(db, "select count(*) from platform_report where status = 'sending'");
        assertTrue(inFlightAtKill > 0, "killed while records were in flight");

        deadline = System.nanoTime() + 120_000_000_000L;
        while (count(db, "select count(*) from platform_report where status <> 'sent'") > 0) {
          assertTrue(System.nanoTime() < deadline, "not drained: "
              + count(db, "select count(*) from platform_report where status <> 'sent'") + " left");
          Thread.sleep(100);
        }

        System.out.printf("%d records, %d in flight at the kill, %d resent%n", total, inFlightAtKill, platform.resends());
        assertEquals(total, platform.accepted().size(), "every record accepted once");
        assertTrue(platform.resends() <= inFlightAtKill,
            platform.resends() + " resends, more than the " + inFlightAtKill + " records in flight at the kill");
        Map<String, List<String>> arrived = new HashMap<>();
        Map<String, String> applicationOf = new HashMap<>();
        written.forEach((number, keys) -> keys.forEach(k -> applicationOf.put(k, number)));
        for (FakePlatform.Accepted a : platform.accepted()) {
          arrived.computeIfAbsent(applicationOf.get(a.key()), k -> new ArrayList<>()).add(a.key());
        }
        for (Map.Entry<String, List<String>> application : written.entrySet()) {
          assertEquals(application.getValue(), arrived.get(application.getKey()),
              "the records of " + application.getKey() + " in the order written");
        }
      } finally {
        servers.forEach(ServerProcess::close);
      }
    }
  }

  /**
   * {@value #APPLICATIONS} applications of five records each, written at once as the server writes
   * them one by one (each but the first held behind the one before); answers each one's keys in order.
   */
  static Map<String, List<String>> fill(Config.DatabaseTarget db) throws Exception {
    Profile profile = Profile.load("zhejiang");
    List<String> numbers = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    List<String> records = new ArrayList<>();
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (int a = 1; a <= APPLICATIONS; a++) {
      String number = String.format("ZB20261125%08d", a);
      for (RecordKind kind : KINDS) {
        ReportRecord r = SampleRecords.full(kind, number, "r-" + a, "c-" + a);
        numbers.add(number);
        kinds.add(kind.wire());
        records.add(r.fields().encode());
        keys.computeIfAbsent(number, n -> new ArrayList<>()).add(profile.render(r).key());
      }
    }
    try (Connection c = connect(db); PreparedStatement st = c.prepareStatement(INSERT)) {
      st.setArray(1, c.createArrayOf("text", numbers.toArray()));
      st.setArray(2, c.createArrayOf("text", kinds.toArray()));
      st.setArray(3, c.createArrayOf("text", records.toArray()));
      st.executeUpdate();
    }
    return keys;
  }

  static Map<String, String> env(Config.DatabaseTarget db, Path dir, FakePlatform platform) {
    Map<String, String> env = new HashMap<>(platform.env());
    env.put("PGHOST", db.host());
    env.put("PGPORT", String.valueOf(db.port()));
    env.put("PGDATABASE", db.database());
    env.put("PGUSER", db.user());
    env.put("PGPASSWORD", db.password());
    env.put("DEV_MODE", "false");
    env.put("DEMO_DATA", "false");
    env.put("JWT_JWKS_FILE", dir.resolve("jwks.json").toString());
    env.put("JWT_ISSUERS", TestTokens.ISSUER);
    env.put("JWT_AUDIENCES", TestTokens.AUDIENCE);
    env.put("HTTP_INSTANCES", "1");
    env.put("DB_POOL_SIZE", "4");
    env.put("REPORTING_LEASE_SECONDS", "3");
    env.put("REPORTING_POLL_MS", "100");
    env.put("REPORTING_BATCH_SIZE", "100");
    env.put("REPORTING_TIMEOUT_MS", "5000");
    return env;
  }

  static ServerProcess start(String name, Map<String, String> env, Path dir) throws Exception {
    Map<String, String> own = new HashMap<>(env);
    own.put("DATA_DIR", dir.resolve("data-" + name).toString());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return ServerProcess.start(name, port, own);
  }

  static long count(Config.DatabaseTarget db, String sql) throws Exception {
    try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Connection connect(Config.DatabaseTarget db) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database(),
        db.user(), db.password());
  }
}
