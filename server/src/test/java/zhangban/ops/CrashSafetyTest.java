package zhangban.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import zhangban.config.Config;
import zhangban.db.Database;
import zhangban.support.FakeFcm;
import zhangban.support.MobileClient;
import zhangban.support.ServerProcess;
import zhangban.support.TestPostgres;
import zhangban.support.TestTokens;

/**
 * Replicas as separate processes on one PostgreSQL under a mixed load of mobile clients that retry
 * what got no answer: one replica is killed (SIGKILL), another stopped (SIGTERM), and in another run
 * PostgreSQL itself restarts. Afterwards every write a client was told succeeded is in the database,
 * nothing is duplicated, every poor rating has its case, and every push reached the fake FCM once.
 */
class CrashSafetyTest {
  private static final byte[] PDF = "%PDF-1.4\n% crash test\n".getBytes(StandardCharsets.US_ASCII);
  private static final String PROJECT = "demo";

  /** What the clients were told succeeded. */
  static final class Acknowledged {
    final Map<String, String> applications = new ConcurrentHashMap<>(); // create key -> id
    final Set<String> completed = ConcurrentHashMap.newKeySet();
    final Map<String, String> ratings = new ConcurrentHashMap<>();      // application id -> rating id
    final Set<String> poor = ConcurrentHashMap.newKeySet();             // application ids rated poor
    final AtomicInteger journeys = new AtomicInteger();
  }

  @Test
  void killedAndStoppedReplicasLoseNothingAndDuplicateNothing() throws Exception {
    Config.DatabaseTarget db = TestPostgres.freshDatabase();
    Path dir = Files.createTempDirectory("zb-crash");
    TestTokens tokens = new TestTokens(dir.resolve("jwks.json"), Clock.systemUTC());
    try (FakeFcm fcm = FakeFcm.start()) {
      Map<String, String> env = env(db, dir, fcm);
      List<ServerProcess> servers = new ArrayList<>();
      try {
        for (String name : List.of("a", "b", "c")) {
          servers.add(start(name, env, dir));
        }
        MobileClient client = new MobileClient(servers.stream().map(ServerProcess::base).toList(), Duration.ofMinutes(2));
        Acknowledged acked = new Acknowledged();
        int clients = 6;
        int journeysEach = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          int n = c;
          running.add(pool.submit(() -> journeys(client, tokens, "crash-citizen-" + n, journeysEach, acked, db)));
        }
        int total = clients * journeysEach;

        awaitJourneys(acked, total / 3, running);
        servers.get(0).kill();
        Set<Long> inFlightAtKill = sendingJobs(db);

        awaitJourneys(acked, 2 * total / 3, running);
        long stopping = System.nanoTime();
        Integer exit = servers.get(1).terminate(Duration.ofSeconds(60));
        assertEquals(Integer.valueOf(0), exit, "SIGTERM drains and exits 0; see " + servers.get(1).log);
        assertTrue(System.nanoTime() - stopping < TimeUnit.SECONDS.toNanos(45), "stopped within its grace periods");

        for (Future<?> f : running) {
          f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertEquals(total, acked.journeys.get());
        assertTrue(client.retries() > 0, "the clients did meet the failures");

        assertAcknowledgedWritesKept(db, acked, total);
        assertPushesDeliveredOnce(db, fcm, inFlightAtKill);
      } finally {
        servers.forEach(ServerProcess::close);
      }
    }
  }

  @Test
  void aPostgresRestartMakesReplicasUnreadyUntilItIsBackAndLosesNothing() throws Exception {
    Path dir = Files.createTempDirectory("zb-pg-restart");
    Path data = dir.resolve("pg");
    Files.createDirectories(data);
    int pgPort = freePort();
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
        .setPort(pgPort).start();
    Config.DatabaseTarget db = new Config.DatabaseTarget("localhost", pgPort, "postgres", "postgres", "postgres");
    Database database = Database.of(db);
    database.migrate();
    database.loadDemoDataOnce();
    TestTokens tokens = new TestTokens(dir.resolve("jwks.json"), Clock.systemUTC());
    List<ServerProcess> servers = new ArrayList<>();
    try (FakeFcm fcm = FakeFcm.start()) {
      Map<String, String> env = env(db, dir, fcm);
      // leases outlast the outage: a worker that could not record what FCM answered records it
      // once the database is back, before any other worker may take the job again
      env.put("PUSH_LEASE_SECONDS", "30");
      for (String name : List.of("r1", "r2")) {
        servers.add(start(name, env, dir));
      }
      MobileClient client = new MobileClient(servers.stream().map(ServerProcess::base).toList(), Duration.ofMinutes(2));
      Acknowledged acked = new Acknowledged();
      int clients = 4;
      int journeysEach = 6;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int n = c;
        running.add(pool.submit(() -> journeys(client, tokens, "restart-citizen-" + n, journeysEach, acked, db)));
      }
      int total = clients * journeysEach;
      awaitJourneys(acked, total / 3, running);

      pg.close();
      for (ServerProcess s : servers) {
        awaitReadiness(s, 503, Duration.ofSeconds(30));
      }
      Thread.sleep(2000);
      pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(pgPort).start();
      for (ServerProcess s : servers) {
        awaitReadiness(s, 200, Duration.ofSeconds(60));
      }

      for (Future<?> f : running) {
        f.get(5, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertEquals(total, acked.journeys.get());
      assertAcknowledgedWritesKept(db, acked, total);
      assertPushesDeliveredOnce(db, fcm, Set.of());
      // the requests that met the outage, with their connections busy, were told to come back
      assertTrue(client.serverErrors().keySet().stream().allMatch(status -> status == 503),
          "every failure during the restart is a 503: " + client.serverErrors());
      assertEquals(0, client.withoutRetryAfter(), "a 503 without Retry-After: " + client.lastWithoutRetryAfter());
    } finally {
      servers.forEach(ServerProcess::close);
      pg.close();
    }
  }

  // ---- the load: a citizen's whole journey, and the officer's steps, as the apps would send them --

  private static void journeys(MobileClient client, TestTokens tokens, String subject, int count, Acknowledged acked,
                               Config.DatabaseTarget db) {
    String citizen = tokens.token(subject, "测试用户", List.of("citizen"), null, null);
    String officer = tokens.token("officer-minzheng", "徐丽", List.of("officer"), "MZJ", null);
    expect(200, client.json("PUT", "/me/devices/" + java.util.UUID.nameUUIDFromBytes(subject.getBytes()), citizen, null,
        new JsonObject().put("token", "fcm-registration-" + subject).put("platform", "android").put("locale", "zh-CN")
            .put("appVersion", "3.2.1")));
    int version = dictionaryVersion(db);
    for (int j = 0; j < count; j++) {
      String key = "create-" + subject + "-" + j;
      String id = expect(201, client.json("POST", "/applications", citizen, key, new JsonObject()
          .put("itemCode", "MZ-HY-001").put("form", new JsonObject().put("partnerName", "李娜")
              .put("appointmentDate", "2026-12-20").put("venue", "futian")))).json().getString("id");
      acked.applications.put(key, id);
      for (String material : List.of("id_card", "household_register")) {
        expect(200, client.upload("/applications/" + id + "/materials/" + material, citizen, "doc.pdf", PDF,
            "application/pdf"));
      }
      expect(200, client.json("POST", "/applications/" + id + "/submit", citizen, "submit-" + id, null));
      for (String step : List.of("accept", "start-review", "approve")) {
        expect(200, client.json("POST", "/applications/" + id + "/" + step, officer, step + "-" + id, null));
      }
      expect(200, client.json("POST", "/applications/" + id + "/complete", officer, "complete-" + id,
          new JsonObject().put("result", new JsonObject().put("kind", "notice"))));
      acked.completed.add(id);
      boolean poor = j % 3 == 0;
      JsonObject rating = new JsonObject().put("level", poor ? 1 : 5).put("dictionaryVersion", version)
          .put("tags", poor ? new JsonArray().add("efficiency") : new JsonArray());
      String ratingId = expect(201, client.json("POST", "/applications/" + id + "/ratings", citizen, "rate-" + id, rating))
          .json().getString("id");
      acked.ratings.put(id, ratingId);
      if (poor) {
        acked.poor.add(id);
      }
      acked.journeys.incrementAndGet();
    }
  }

  private static MobileClient.Reply expect(int status, MobileClient.Reply reply) {
    if (reply.status() != status) {
      throw new AssertionError("expected " + status + ", got " + reply.status() + ": " + reply.body());
    }
    return reply;
  }

  // ---- what must hold afterwards --------------------------------------------------------------

  private static void assertAcknowledgedWritesKept(Config.DatabaseTarget db, Acknowledged acked, int total)
      throws Exception {
    assertEquals(total, acked.applications.size());
    try (Connection c = connect(db); Statement st = c.createStatement()) {
      Map<String, String> states = new HashMap<>();
      try (ResultSet rs = st.executeQuery("select id::text, state from application where applicant_subject like '%-citizen-%'")) {
        while (rs.next()) {
          states.put(rs.getString(1), rs.getString(2));
        }
      }
      assertEquals(total, states.size(), "one application per create key, none lost and none duplicated");
      for (String id : acked.applications.values()) {
        assertTrue(states.containsKey(id), "acknowledged application " + id + " is kept");
      }
      for (String id : acked.completed) {
        assertEquals("completed", states.get(id), "acknowledged completion of " + id);
      }
      Map<String, String> ratings = new HashMap<>();
      try (ResultSet rs = st.executeQuery("select application_id::text, id::text from rating")) {
        while (rs.next()) {
          assertTrue(ratings.put(rs.getString(1), rs.getString(2)) == null, "one rating per application");
        }
      }
      acked.ratings.forEach((app, rating) -> assertEquals(rating, ratings.get(app), "acknowledged rating of " + app));
      try (ResultSet rs = st.executeQuery("""
          select count(*) filter (where r.poor), count(*) filter (where r.poor and c.id is null)
          from rating r left join rectification_case c on c.rating_id = r.id""")) {
        rs.next();
        assertEquals(acked.poor.size(), rs.getLong(1), "every acknowledged poor rating");
        assertEquals(0, rs.getLong(2), "every poor rating has its rectification case");
      }
    }
  }

  /**
   * Every push job is sent, and the fake FCM answered each (device, notification) once. The only
   * exception allowed: jobs whose answer from FCM was never recorded — a killed process was sending
   * them when it died, or a send timed out while FCM had taken it — which are sent again; nothing
   * can tell those apart, so at-least-once is the promise there, and never more than once per attempt.
   */
  private static void assertPushesDeliveredOnce(Config.DatabaseTarget db, FakeFcm fcm, Set<Long> inFlightAtKill)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    try (Connection c = connect(db); Statement st = c.createStatement()) {
      while (true) {
        try (ResultSet rs = st.executeQuery("select count(*) from push_job where status not in ('sent', 'dead', 'permanent-failure')")) {
          rs.next();
          if (rs.getLong(1) == 0) {
            break;
          }
        }
        assertTrue(System.nanoTime() < deadline, "push jobs still unsettled after 90 s");
        Thread.sleep(250);
      }
      Map<String, Integer> delivered = new HashMap<>();
      for (FakeFcm.Received r : fcm.received()) {
        if (r.answered() == 200) {
          delivered.merge(r.token() + "/" + r.data("notificationId"), 1, Integer::sum);
        }
      }
      int jobs = 0;
      try (ResultSet rs = st.executeQuery(
          "select id, status, token, message->'data'->>'notificationId', attempts from push_job order by id")) {
        while (rs.next()) {
          jobs++;
          long id = rs.getLong(1);
          assertEquals("sent", rs.getString(2), "job " + id);
          int times = delivered.getOrDefault(rs.getString(3) + "/" + rs.getString(4), 0);
          int attempts = rs.getInt(5);
          if (inFlightAtKill.contains(id) || attempts > 1) {
            // sent again after an attempt whose answer never came back (a killed process, a
            // time-out on a loaded machine): FCM may have taken the first one too
            assertTrue(times >= 1 && times <= attempts, "job " + id + " reached FCM at most once per attempt: " + times);
          } else {
            assertEquals(1, times, "job " + id + ", sent at its first attempt, reached FCM exactly once");
          }
        }
      }
      assertTrue(jobs > 0, "there were pushes to send");
      assertEquals(jobs, delivered.size(), "nothing reached FCM that is not a job");
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private static Map<String, String> env(Config.DatabaseTarget db, Path dir, FakeFcm fcm) {
    Map<String, String> env = new HashMap<>();
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
    env.put("FIREBASE_SERVICE_ACCOUNT_JSON", fcm.serviceAccountJson(PROJECT));
    env.put("FCM_BASE_URL", fcm.baseUrl());
    env.put("PUSH_LEASE_SECONDS", "5");
    env.put("PUSH_POLL_MS", "200");
    env.put("PUSH_SEND_THREADS", "4");
    env.put("PUSH_SHUTDOWN_GRACE_MS", "5000");
    env.put("SHUTDOWN_GRACE_MS", "10000");
    env.put("READY_TIMEOUT_MS", "1000");
    env.put("RATING_CALLS_PER_MINUTE", "1000");
    env.put("ACCESS_LOG", "true");
    env.put("LOG_FORMAT", "json");
    return env;
  }

  private static ServerProcess start(String name, Map<String, String> env, Path dir) throws Exception {
    Map<String, String> own = new HashMap<>(env);
    own.put("DATA_DIR", dir.resolve("data-" + name).toString());
    return ServerProcess.start(name, freePort(), own);
  }

  private static void awaitJourneys(Acknowledged acked, int atLeast, List<Future<?>> running) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (acked.journeys.get() < atLeast) {
      for (Future<?> f : running) {
        if (f.isDone()) {
          f.get(); // a client that failed says why now
        }
      }
      assertTrue(System.nanoTime() < deadline, "load too slow: " + acked.journeys.get() + " journeys");
      Thread.sleep(100);
    }
  }

  private static void awaitReadiness(ServerProcess server, int status, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int last;
    while ((last = server.readiness()) != status) {
      assertTrue(System.nanoTime() < deadline, server.name + " readiness stayed " + last + ", expected " + status);
      Thread.sleep(200);
    }
  }

  private static Set<Long> sendingJobs(Config.DatabaseTarget db) throws Exception {
    Set<Long> ids = new HashSet<>();
    try (Connection c = connect(db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("select id from push_job where status = 'sending'")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  private static int dictionaryVersion(Config.DatabaseTarget db) {
    try (Connection c = connect(db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("select max(version) from rating_tag_dictionary")) {
      rs.next();
      return rs.getInt(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connect(Config.DatabaseTarget db) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database(),
        db.user(), db.password());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
