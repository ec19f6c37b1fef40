package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import zhangban.api.Contract;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * Generated clients send the JSON literal {@code null}, with a JSON content type, as the body of
 * an operation whose body is optional when the caller passes none: that is no body, for every
 * such operation; where the body is required, {@code null} is still refused.
 */
class NullBodyTest {
  static TestServer server;
  static Api api;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    fx = new PushFixtures(server, null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theOperationsWithAnOptionalBodyAreTheOnesThisTestCovers() {
    @SuppressWarnings("unchecked")
    Map<String, Object> contract = (Map<String, Object>) new Yaml().load(Contract.text());
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) contract.get("paths");
    List<String> optional = paths.values().stream().flatMap(ops -> ops.values().stream())
        .filter(op -> op instanceof Map<?, ?> m && m.get("requestBody") instanceof Map<?, ?> body
            && !Boolean.TRUE.equals(body.get("required")))
        .map(op -> (String) ((Map<?, ?>) op).get("operationId")).sorted().toList();
    assertEquals(List.of("acceptApplication", "approveApplication", "requeueDeadLetters", "requeuePlatformReports",
        "requeueSmsDeadLetters", "resubmitApplication", "startReview", "submitApplication", "withdrawApplication"),
        optional,
        "a new operation with an optional body needs its null-body case below");
  }

  static Api.Response withNull(Api.Call call) {
    return call.json("null");
  }

  @Test
  void anApplicationGoesFromSubmitToApprovalWithNullBodies() {
    String subject = "citizen-null-" + UUID.randomUUID();
    String id = fx.draft(subject);
    fx.upload(subject, id, "id_card");
    fx.upload(subject, id, "household_register");
    assertEquals("submitted", withNull(api.post("/applications/" + id + "/submit").token(fx.citizen(subject))
        .idempotencyKey("submit-" + id)).expect(200).json().getString("state"));
    for (String[] step : List.of(new String[] {"accept", "accepted"}, new String[] {"start-review", "in_review"},
        new String[] {"approve", "approved"})) {
      assertEquals(step[1], withNull(api.post("/applications/" + id + "/" + step[0]).token(fx.officer()))
          .expect(200).json().getString("state"), step[0]);
    }
  }

  @Test
  void aWithdrawalAndAResubmissionTakeANullBody() {
    String subject = "citizen-null-withdraw-" + UUID.randomUUID();
    String withdrawn = fx.submitted(subject);
    assertEquals("withdrawn", withNull(api.post("/applications/" + withdrawn + "/withdraw").token(fx.citizen(subject)))
        .expect(200).json().getString("state"));

    String id = fx.submitted(subject);
    fx.officerAct(id, "request-supplement", new JsonObject()
        .put("items", new io.vertx.core.json.JsonArray().add(new JsonObject().put("materialCode", "id_card")
            .put("reason", "照片不清晰")))
        .put("note", "请补正身份证"));
    fx.upload(subject, id, "id_card");
    assertEquals("submitted", withNull(api.post("/applications/" + id + "/resubmit").token(fx.citizen(subject)))
        .expect(200).json().getString("state"));
  }

  @Test
  void requeueingDeadLettersWithANullBodyRequeuesThemAll() {
    JsonObject requeued = withNull(api.post("/admin/push/dead-letters/requeue").token(fx.admin())).expect(200).json();
    assertTrue(requeued.containsKey("requeued"), requeued.encode());
  }

  @Test
  void requeueingSmsWithANullBodyRequeuesThemAll() {
    server.update("insert into sms_job (kind, phone, phone_hash, params, status, next_attempt_at, created_at, updated_at) "
        + "values ('rating_invitation', 'v1:k:x', '\\x00', '[]', 'dead', now(), now(), now())");
    JsonObject requeued = withNull(api.post("/admin/sms/dead-letters/requeue").token(fx.admin())).expect(200).json();
    assertEquals(1, requeued.getInteger("requeued"), "null is every dead letter: " + requeued.encode());
  }

  @Test
  void requeueingPlatformReportsWithANullBodyRequeuesThemAll() {
    JsonObject requeued = withNull(api.post("/admin/platform-reports/dead-letters/requeue").token(fx.admin()))
        .expect(200).json();
    assertEquals(0, requeued.getInteger("requeued"), requeued.encode());
  }

  @Test
  void aNullBodyWhereABodyIsRequiredIsStillRefused() {
    Api.Response refused = withNull(api.post("/applications").token(fx.citizen("citizen-null-create"))
        .idempotencyKey("null-create-" + UUID.randomUUID())).expect(400);
    assertTrue(refused.header("Content-Type").startsWith("application/problem+json"));
    var before = server.snapshot();
    withNull(api.post("/applications").token(fx.citizen("citizen-null-create"))
        .idempotencyKey("null-create-" + UUID.randomUUID())).expect(400);
    assertEquals(before, server.snapshot(), "a refused body changes nothing");
  }
}
