package zhangban.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import zhangban.push.FcmGateway;

/** The pieces push tests share: a real FCM gateway on a fake FCM, people, filing steps, devices, a probe. */
public final class PushFixtures {
  public static final String PROJECT = "demo";
  public static final io.vertx.core.buffer.Buffer PDF = io.vertx.core.buffer.Buffer.buffer("%PDF-1.4\n% test document\n");
  public static final String ITEM = "MZ-HY-001";
  public static final String ITEM_NAME = "结婚登记预约";

  private final TestServer server;
  private final FakeFcm fake;
  private final UUID probeDevice = UUID.randomUUID();
  private final String probeToken = "probe-token-" + UUID.randomUUID();
  private boolean probeRegistered;

  public PushFixtures(TestServer server, FakeFcm fake) {
    this.server = server;
    this.fake = fake;
  }

  /** The real Firebase Admin SDK, with offline credentials, sending to the fake FCM. */
  public static FcmGateway gateway(FakeFcm fake, Duration timeout) {
    AccessToken token = new AccessToken("test", Date.from(Instant.parse("2100-01-01T00:00:00Z")));
    return new FcmGateway(GoogleCredentials.create(token), PROJECT, fake.baseUrl(), timeout);
  }

  // ---- people (tokens are minted at each call, on the test clock) ---------------------------

  public String citizen(String subject) {
    return server.tokens.token(subject, "测试用户", List.of("citizen"), null, null);
  }

  public String officer() {
    return server.tokens.token("officer-minzheng", "徐丽", List.of("officer"), "MZJ", null);
  }

  public String admin() {
    return server.tokens.token("admin-zhou", "周杰", List.of("admin"), null, null);
  }

  // ---- devices ------------------------------------------------------------------------------

  public JsonObject register(String subject, UUID device, String token, String platform, String locale) {
    return server.api.put("/me/devices/" + device).token(citizen(subject))
        .json(new JsonObject().put("token", token).put("platform", platform).put("locale", locale)
            .put("appVersion", "3.2.1"))
        .expect(200).json();
  }

  // ---- filing -------------------------------------------------------------------------------

  public String draft(String subject) {
    return server.api.post("/applications").token(citizen(subject)).idempotencyKey("create-" + UUID.randomUUID())
        .json(new JsonObject().put("itemCode", ITEM).put("form", new JsonObject().put("partnerName", "李娜")
            .put("appointmentDate", "2026-12-20").put("venue", "futian")))
        .expect(201).json().getString("id");
  }

  public void upload(String subject, String id, String material) {
    server.api.put("/applications/" + id + "/materials/" + material).token(citizen(subject))
        .multipart(io.vertx.ext.web.multipart.MultipartForm.create()
            .binaryFileUpload("file", "doc.pdf", PDF, "application/pdf"))
        .expect(200);
  }

  /** A new application of {@code subject}, submitted (one notification: application_submitted). */
  public String submitted(String subject) {
    String id = draft(subject);
    upload(subject, id, "id_card");
    upload(subject, id, "household_register");
    server.api.post("/applications/" + id + "/submit").token(citizen(subject)).idempotencyKey("submit-" + id)
        .send().expect(200);
    return id;
  }

  /** An officer's action (accept, start-review, approve, ...) with an optional body. */
  public JsonObject officerAct(String id, String action, JsonObject body) {
    var call = server.api.post("/applications/" + id + "/" + action).token(officer());
    return (body == null ? call.send() : call.json(body)).expect(200).json();
  }

  // ---- the outbox ---------------------------------------------------------------------------

  /** The push jobs for {@code token}, oldest first. */
  public List<JsonObject> jobs(String token) {
    return server.rows("""
        select id, device_id::text as device_id, kind, status, attempts, next_attempt_at, last_error, fcm_message_id,
               message->'data'->>'notificationId' as notification_id
        from push_job where token = $1 order by id""", token);
  }

  public JsonObject job(long id) {
    return server.row("""
        select id, kind, status, attempts, last_error, fcm_message_id, leased_by,
               message->'data'->>'notificationId' as notification_id
        from push_job where id = $1""", id);
  }

  public String status(long id) {
    return job(id).getString("status");
  }

  public Instant nextAttemptAt(long id) {
    return server.instant("select next_attempt_at from push_job where id = $1", id);
  }

  /**
   * Nothing lost, nothing sent twice: every job has settled (sent, dead or permanent-failure), and
   * FCM accepted exactly one request for each sent job and none for the others.
   */
  public void assertEverythingSettledOnce() {
    Poll.until("every push job to settle", () -> server.count(
        "select count(*) from push_job where status not in ('sent', 'dead', 'permanent-failure')") == 0,
        () -> server.rows("select id, token, status, attempts, next_attempt_at, last_error from push_job"
            + " where status not in ('sent', 'dead', 'permanent-failure')"));
    Map<String, Integer> accepted = new HashMap<>();
    for (FakeFcm.Received r : fake.received()) {
      if (r.answered() == 200) {
        accepted.merge(r.token() + "|" + r.data("notificationId"), 1, Integer::sum);
      }
    }
    List<JsonObject> jobs = server.rows(
        "select id, token, status, message->'data'->>'notificationId' as notification_id from push_job");
    Set<String> keys = new HashSet<>();
    for (JsonObject j : jobs) {
      String key = j.getString("token") + "|" + j.getString("notification_id");
      assertEquals("sent".equals(j.getString("status")) ? 1 : 0, accepted.getOrDefault(key, 0).intValue(),
          "requests FCM accepted for job " + j.encode());
      keys.add(key);
    }
    assertEquals(jobs.size(), keys.size(), "one job per device and notification");
    Set<String> strays = new HashSet<>(accepted.keySet());
    strays.removeAll(keys);
    assertEquals(Set.of(), strays, "nothing was delivered that has no job");
  }

  public void awaitStatus(long id, String status) {
    Poll.until("push job " + id + " to be " + status, () -> status.equals(status(id)), () -> job(id));
  }

  /**
   * A barrier: queues a job that is due now for a probe device and waits until it is sent. The
   * worker claims due jobs oldest-due first, so once the probe went out, every job that was due
   * when the probe was queued has been claimed as well: whatever has not moved was not due.
   */
  public void probe() {
    Instant now = server.clock.instant();
    if (!probeRegistered) {
      server.update("""
          insert into push_device (id, user_subject, token, platform, locale, active, created_at, updated_at)
          values ($1, 'probe', $2, 'android', 'zh-CN', true, $3, $3)""", probeDevice, probeToken, now.atOffset(ZoneOffset.UTC));
      probeRegistered = true;
    }
    int before = fake.deliveredCount(probeToken);
    long id = server.app.pool().preparedQuery("""
        insert into push_job (device_id, token, kind, message, status, next_attempt_at, created_at, updated_at)
        values ($1, $2, 'probe', $3, 'pending', $4, $4, $4) returning id""")
        .execute(io.vertx.sqlclient.Tuple.of(probeDevice, probeToken,
            new JsonObject().put("title", "probe").put("body", "probe")
                .put("data", new JsonObject().put("kind", "probe").put("notificationId", UUID.randomUUID().toString())
                    .put(FakeFcm.SYNTHETIC, "true")),
            now.atOffset(ZoneOffset.UTC)))
        .await().iterator().next().getLong(0);
    server.update("select pg_notify('zhangban_push', '')");
    awaitStatus(id, "sent");
    assertEquals(before + 1, fake.deliveredCount(probeToken), "the probe is delivered once");
  }
}
