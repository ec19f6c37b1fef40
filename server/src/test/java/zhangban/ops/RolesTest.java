package zhangban.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import zhangban.push.RecordingGateway;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestPostgres;
import zhangban.support.TestServer;

/** What a process does follows SERVER_ROLE; statistics follow STATS_DATABASE_URL. */
class RolesTest {

  @Test
  void anApiProcessLeavesSendingToAPushWorkerProcessThatServesNoApi() {
    RecordingGateway apiGateway = new RecordingGateway();
    RecordingGateway workerGateway = new RecordingGateway();
    try (TestServer api = TestServer.startWithGateway(Map.of("SERVER_ROLE", "api"), apiGateway);
         TestServer worker = api.sibling(Map.of("SERVER_ROLE", "push-worker", "PUSH_POLL_MS", "100"), workerGateway)) {
      assertEquals("api", api.api.get("/health/ready").send().expect(200).json().getJsonObject("checks").getString("role"));
      assertEquals("push-worker",
          worker.api.get("/health/ready").send().expect(200).json().getJsonObject("checks").getString("role"));
      worker.api.get("/metrics").send().expect(200);
      // the worker's HTTP port is for probes and scrapes: the API is not served there
      String token = worker.tokens.token("citizen-role", "张三", java.util.List.of("citizen"), null, null);
      worker.api.get("/me").token(token).send().expect(503);

      PushFixtures fx = new PushFixtures(api, null);
      String fcmToken = "fcm-role-" + UUID.randomUUID();
      fx.register("citizen-role", UUID.randomUUID(), fcmToken, "android", "zh-CN");
      fx.submitted("citizen-role");
      Poll.until("the push worker to send the submission notice",
          () -> workerGateway.recorded().stream().anyMatch(m -> m.token().equals(fcmToken)));
      // the gateway hears the message before the worker writes its outcome: wait for the write
      Poll.until("the push job to be recorded as sent",
          () -> api.count("select count(*) from push_job where token = $1 and status = 'sent'", fcmToken) == 1);
      assertEquals(0, apiGateway.recorded().size(), "the API process never sends");
      assertEquals(1, api.count("select count(*) from push_job where token = $1", fcmToken));
    }
  }

  @Test
  void statisticsReadTheDatabaseStatsDatabaseUrlNames() {
    // a second database stands in for a replica: statistics are read there, ratings written to the primary
    var replica = TestPostgres.freshDatabase();
    String url = "postgres://" + replica.user() + ":" + replica.password() + "@" + replica.host() + ":" + replica.port()
        + "/" + replica.database();
    try (TestServer server = TestServer.start(Map.of("STATS_DATABASE_URL", url))) {
      PushFixtures fx = new PushFixtures(server, null);
      String id = fx.submitted("citizen-replica");
      for (String step : java.util.List.of("accept", "start-review", "approve")) {
        fx.officerAct(id, step, null);
      }
      fx.officerAct(id, "complete", new JsonObject().put("result", new JsonObject().put("kind", "notice")));
      int version = (int) server.count("select max(version) from rating_tag_dictionary");
      server.api.post("/applications/" + id + "/ratings").token(fx.citizen("citizen-replica")).idempotencyKey("r-" + id)
          .json(new JsonObject().put("level", 5).put("dictionaryVersion", version)).expect(201);
      String manager = server.tokens.token("manager-roles", "经理", java.util.List.of("manager"), null, null);
      String query = "/stats/ratings?from=2026-11-25&to=2026-11-25";
      server.app.pool().withTransaction(tx -> zhangban.stats.Rollups.fold(tx, 1_000)).await();
      assertEquals(1, server.count("select coalesce(sum(active), 0) from stat_rollup where grain = 'day' and dim = 'dept'"),
          "the primary has the rating's rollup");
      assertEquals(0, server.api.get(query).token(manager).send().expect(200).json()
          .getJsonObject("totals").getLong("active"), "the replica has not caught up");

      // replication catches up: the same rollup rows arrive on the replica
      String rows = server.rows("select * from stat_rollup").stream().map(JsonObject::encode)
          .collect(java.util.stream.Collectors.joining(",", "[", "]"));
      zhangban.db.Database.of(replica).runScripts(server.config.zone(),
          "insert into stat_rollup select * from json_populate_recordset(null::stat_rollup, '"
              + rows.replace("'", "''") + "')");
      assertEquals(1, server.api.get(query).token(manager).send().expect(200).json()
          .getJsonObject("totals").getLong("active"));
    }
  }
}
