package zhangban.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import zhangban.config.Config;
import zhangban.support.Api;
import zhangban.support.Poll;
import zhangban.support.TcpProxy;
import zhangban.support.TestPostgres;
import zhangban.support.TestServer;

/**
 * The network resets the connections to PostgreSQL while a request runs on one: the request is
 * answered 503 with Retry-After (the client may retry), never 500, and the server recovers.
 */
class DatabaseResetTest {

  @Test
  void aConnectionResetUnderARunningRequestIs503AndTheServerRecovers() throws Exception {
    Config.DatabaseTarget real = TestPostgres.freshDatabase();
    try (TcpProxy proxy = new TcpProxy(real.port());
         TestServer server = TestServer.startOn(new Config.DatabaseTarget("127.0.0.1", proxy.port(), real.database(),
             real.user(), real.password()), Map.of())) {
      String citizen = server.token("citizen-zhang");
      String id = server.api.post("/applications").token(citizen).idempotencyKey("reset-draft-1")
          .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
      String jdbc = "jdbc:postgresql://" + real.host() + ":" + real.port() + "/" + real.database();
      try (Connection direct = DriverManager.getConnection(jdbc, real.user(), real.password())) {
        // hold the application's row, so the form update waits on PostgreSQL for it
        direct.setAutoCommit(false);
        try (PreparedStatement lock = direct.prepareStatement("select id from application where id = ?::uuid for update")) {
          lock.setString(1, id);
          lock.executeQuery().close();
        }
        CompletableFuture<Api.Response> update = CompletableFuture.supplyAsync(() -> server.api.put(
            "/applications/" + id + "/form").token(citizen)
            .json(new JsonObject().put("form", new JsonObject().put("partnerName", "李娜"))));
        Poll.until("the update waits for the row", () -> waitingOnALock(jdbc, real));
        proxy.resetAll();
        Api.Response r = update.get(30, TimeUnit.SECONDS).expect(503);
        assertEquals("https://zhangban.gov.cn/problems/unavailable", r.json().getString("type"));
        assertNotNull(r.header("Retry-After"), "503 says when to retry");
        direct.rollback();
      }
      // new connections go through again: the same request now succeeds
      Poll.until("the server reaches the database again", () -> server.api.get("/applications/" + id).token(citizen)
          .send().status() == 200);
      server.api.put("/applications/" + id + "/form").token(citizen)
          .json(new JsonObject().put("form", new JsonObject().put("partnerName", "李娜"))).expect(200);
    }
  }

  @Test
  void aManagersRegionThatCannotBeLookedUpIs503NotUnauthorized() throws Exception {
    Config.DatabaseTarget real = TestPostgres.freshDatabase();
    TcpProxy proxy = new TcpProxy(real.port());
    try (TestServer server = TestServer.startOn(new Config.DatabaseTarget("127.0.0.1", proxy.port(), real.database(),
        real.user(), real.password()), Map.of())) {
      String manager = server.tokens.manager("manager-reset", "440000");
      assertEquals("440000", server.api.get("/me").token(manager).send().expect(200).json().getString("region"));
      proxy.close(); // the database is out of reach: the token is good, the manager's region cannot be looked up
      Api.Response r = server.api.get("/me").token(manager).send().expect(503);
      assertEquals("https://zhangban.gov.cn/problems/unavailable", r.json().getString("type"));
      assertNotNull(r.header("Retry-After"), "503 says when to retry");
    } finally {
      proxy.close();
    }
  }

  @Test
  void aPublishedResultTheDatabaseCouldNotGiveIsNotKept() throws Exception {
    Config.DatabaseTarget real = TestPostgres.freshDatabase();
    try (TcpProxy proxy = new TcpProxy(real.port());
         TestServer server = TestServer.startOn(new Config.DatabaseTarget("127.0.0.1", proxy.port(), real.database(),
             real.user(), real.password()), Map.of())) {
      String path = "/public/ratings/summary?period=2026-11&department=MZJ";
      proxy.refuse(true);
      proxy.resetAll();
      Api.Response r = server.api.get(path).send().expect(503);
      assertEquals("https://zhangban.gov.cn/problems/unavailable", r.json().getString("type"));
      proxy.refuse(false);
      // the same question at once, the clock unmoved: computed now, not the failure kept for the max-age
      Poll.until("the answer once the database is back", () -> server.api.get(path).send().status() == 200);
      assertEquals("MZJ", server.api.get(path).send().expect(200).json().getJsonObject("scope").getString("code"));
    }
  }

  private static boolean waitingOnALock(String jdbc, Config.DatabaseTarget db) {
    try (Connection c = DriverManager.getConnection(jdbc, db.user(), db.password());
         PreparedStatement st = c.prepareStatement(
             "select count(*) from pg_stat_activity where datname = ? and wait_event_type = 'Lock'")) {
      st.setString(1, db.database());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
