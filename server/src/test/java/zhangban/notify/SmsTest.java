package zhangban.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.rating.RatingFixtures;
import zhangban.support.Api;
import zhangban.support.FakeSms;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * Someone a hall system knows only by their mobile number is invited to rate by SMS: the real
 * Tencent Cloud SMS SDK sends the province's approved template, with a rating link of their own,
 * to a stub of Tencent's API. Never both SMS and push; a number that opted out or had its day's
 * share gets nothing; the provider's throttling is retried, its refusals kept as dead letters.
 */
class SmsTest {
  static final String TEMPLATE = "2000001";
  static final String CALLBACK_KEY = "cb-" + UUID.randomUUID();
  static FakeSms sms;
  static TestServer server;
  static Api api;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    sms = new FakeSms();
    Map<String, String> env = new HashMap<>();
    env.put("PHONE_KEYS", "k1:" + key());
    env.put("PHONE_LOOKUP_KEY", key());
    env.put("PUBLIC_BASE_URL", "https://zhangban.example.gov.cn");
    env.put("SMS_PROVIDER", "tencent");
    env.put("SMS_ENDPOINT", sms.endpoint().toString());
    env.put("SMS_TENCENT_SECRET_ID", "AKIDzhangbanTEST");
    env.put("SMS_TENCENT_SECRET_KEY", "secret-key");
    env.put("SMS_TENCENT_SDK_APP_ID", "1400000001");
    env.put("SMS_TEMPLATES", "rating_invitation=" + TEMPLATE + ",rating_reminder=2000002");
    env.put("SMS_PER_NUMBER_PER_DAY", "3");
    env.put("SMS_BACKOFF_BASE_MS", "50");
    env.put("SMS_BACKOFF_MAX_MS", "200");
    env.put("SMS_MAX_ATTEMPTS", "3");
    env.put("PUSH_POLL_MS", "100");
    env.put("SMS_CALLBACK_KEY", CALLBACK_KEY);
    server = TestServer.start(env);
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
    sms.close();
  }

  static String key() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** A fresh mainland mobile number, as E.164. */
  static String phone() {
    return "+86139" + String.format("%08d", Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 100_000_000L));
  }

  /** The hall registers a completed transaction of someone known by {@code phone} (and {@code subject}, if any). */
  static String registered(String phone, String subject) {
    JsonObject applicant = new JsonObject().put("kind", "citizen").put("name", "赵云").put("mobile", phone);
    if (subject != null) {
      applicant.put("subject", subject);
    }
    return api.put("/integration/transactions/3301" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L))
        .token(fx.integration("hall-system-minzheng", "MZJ"))
        .json(new JsonObject().put("itemCode", PushFixtures.ITEM).put("channel", "hall").put("window", "A05")
            .put("officer", "officer-minzheng").put("stage", "completed").put("at", server.clock.instant().toString())
            .put("applicant", applicant))
        .expect(201).json().getString("id");
  }

  static String status(String applicationId) {
    return server.row("select status from sms_job where application_id = $1::uuid", applicationId).getString("status");
  }

  static void awaitStatus(String applicationId, String status) {
    Poll.until("sms_job of " + applicationId + " " + status, () -> status.equals(status(applicationId)),
        () -> status(applicationId));
  }

  @Test
  void theInvitationGoesByTheProvincesTemplateWithALinkThatRatesTheTransaction() {
    String phone = phone();
    String id = registered(phone, null);
    awaitStatus(id, "sent");
    List<JsonObject> sent = sms.to(phone);
    assertEquals(1, sent.size());
    JsonObject request = sent.get(0);
    assertEquals(TEMPLATE, request.getString("TemplateId"));
    assertEquals("1400000001", request.getString("SmsSdkAppId"));
    JsonArray params = request.getJsonArray("TemplateParamSet");
    assertEquals(PushFixtures.ITEM_NAME, params.getString(0));
    assertEquals("办结", params.getString(1));
    String url = params.getString(2);
    assertTrue(url.startsWith("https://zhangban.example.gov.cn/rate/#"), url);
    JsonObject job = server.row("select id, provider_serial from sms_job where application_id = $1::uuid", id);
    assertEquals("sms-" + job.getLong("id"), request.getString("SessionContext"), "the receipt finds its message");
    assertTrue(job.getString("provider_serial").startsWith("serial-"));

    String token = url.substring(url.indexOf('#') + 1);
    JsonObject view = api.get("/public/rating-links/" + token).send().expect(200).json();
    assertEquals("sms", view.getString("channel"));
    api.post("/public/rating-links/" + token + "/rating").json(new JsonObject().put("level", 5)).expect(201);
    assertEquals("sms", server.row("select channel from rating where application_id = $1::uuid", id)
        .getString("channel"));
  }

  @Test
  void someoneWithTheAppIsInvitedThereAndNotBySms() {
    String subject = "citizen-sms-" + UUID.randomUUID();
    String id = registered(phone(), subject);
    assertEquals(1, server.count("select count(*) from notification where user_subject = $1 and kind = 'rating_invitation'",
        subject));
    assertEquals(0, server.count("select count(*) from sms_job where application_id = $1::uuid", id), "never both");
  }

  @Test
  void aNumberThatOptedOutOrHadItsDaysShareGetsNothing() {
    String optedOut = phone();
    server.update("insert into sms_opt_out (phone_hash, at, source) select applicant_phone_hash, now(), 'test' "
        + "from application where id = $1::uuid", registered(optedOut, null));
    awaitStatus(registered(optedOut, null), "opted-out");

    String busy = phone();
    for (int i = 0; i < 3; i++) {
      registered(busy, null);
    }
    String fourth = registered(busy, null);
    assertEquals("limited", status(fourth), "three a day (SMS_PER_NUMBER_PER_DAY)");
    Poll.until("three sent to the busy number", () -> sms.to(busy).size() == 3, () -> sms.to(busy).size());
    assertEquals(1, sms.to(optedOut).size(), "only the one before it opted out");
  }

  @Test
  void throttlingIsRetriedARefusedTemplateIsADeadLetterAndABadNumberIsGone() {
    String throttled = phone();
    sms.answer(throttled, "LimitExceeded.PhoneNumberThirtySecondLimit");
    String a = registered(throttled, null);
    Poll.until("tried once", () -> sms.to(throttled).size() >= 1, () -> sms.to(throttled).size());
    awaitStatus(a, "temporary-failure");
    server.clock.advance(java.time.Duration.ofSeconds(1)); // past the backoff, on the server's clock
    Poll.until("tried again", () -> sms.to(throttled).size() >= 2, () -> sms.to(throttled).size());
    sms.answer(throttled, null);
    server.clock.advance(java.time.Duration.ofSeconds(1));
    awaitStatus(a, "sent");

    String refused = phone();
    sms.answer(refused, "Error:FailedOperation.TemplateIncorrectOrUnapproved");
    String b = registered(refused, null);
    awaitStatus(b, "dead");
    assertEquals(1, sms.to(refused).size(), "a refusal is not retried");

    String gone = phone();
    sms.answer(gone, "InvalidParameterValue.IncorrectPhoneNumber");
    awaitStatus(registered(gone, null), "permanent-failure");

    String error = server.row("select last_error from sms_job where application_id = $1::uuid", b).getString("last_error");
    assertTrue(!error.contains(refused.substring(3)), "no number in what is kept of a failure: " + error);
  }

  static Api.Response receipts(String key, JsonArray body) {
    return api.post("/sms/tencent/receipts" + (key == null ? "" : "?key=" + key)).json(body);
  }

  static JsonObject report(String serial, String status, String phone) {
    return new JsonObject().put("user_receive_time", "2026-11-25 10:00:05").put("nationcode", "86")
        .put("mobile", phone.substring(3)).put("report_status", status)
        .put("errmsg", "SUCCESS".equals(status) ? "DELIVRD" : "UNDELIV").put("description", "the stub's words")
        .put("sid", serial);
  }

  @Test
  void theProvidersReportsSettleEachMessageAndABadKeyChangesNothing() {
    String delivered = phone();
    String undelivered = phone();
    String a = registered(delivered, null);
    String b = registered(undelivered, null);
    awaitStatus(a, "sent");
    awaitStatus(b, "sent");
    String serialA = server.row("select provider_serial from sms_job where application_id = $1::uuid", a)
        .getString("provider_serial");
    String serialB = server.row("select provider_serial from sms_job where application_id = $1::uuid", b)
        .getString("provider_serial");
    JsonArray body = new JsonArray().add(report(serialA, "SUCCESS", delivered)).add(report(serialB, "FAIL", undelivered))
        .add(report("serial-of-someone-else", "SUCCESS", phone()));

    for (String key : new String[] {null, "wrong", CALLBACK_KEY + "x"}) {
      Api.Response refused = receipts(key, body).expect(401);
      assertEquals("https://zhangban.gov.cn/problems/unauthorized", refused.json().getString("type"));
      assertEquals("sent", status(a), "a refused report changes nothing");
    }
    assertEquals(new JsonObject().put("result", 0).put("errmsg", "OK"), receipts(CALLBACK_KEY, body).expect(200).json());
    assertEquals("delivered", status(a));
    assertEquals("undelivered", status(b));
    assertEquals("2026-11-25T02:00:05Z", server.instant("select receipt_at from sms_job where application_id = $1::uuid", a)
        .toString(), "the phone's time, Beijing time");
    assertTrue(server.row("select last_error from sms_job where application_id = $1::uuid", b).getString("last_error")
        .startsWith("UNDELIV"));
  }

  @Test
  void aReplyOfTdStopsEveryMessageToThatNumber() {
    String phone = phone();
    String first = registered(phone, null);
    awaitStatus(first, "sent");
    JsonObject reply = new JsonObject().put("extend", "").put("mobile", phone.substring(3)).put("nationcode", "86")
        .put("sign", "掌办").put("text", " td ").put("time", 1796610662L);
    api.post("/sms/tencent/replies?key=wrong").json(reply).expect(401);
    api.post("/sms/tencent/replies?key=" + CALLBACK_KEY).json(reply.copy().put("text", "谢谢")).expect(200);
    String second = registered(phone, null);
    awaitStatus(second, "sent");

    api.post("/sms/tencent/replies?key=" + CALLBACK_KEY).json(reply).expect(200);
    String third = registered(phone, null);
    assertEquals("opted-out", status(third));
    assertEquals(2, sms.to(phone).size(), "nothing after TD");
    assertEquals(1, server.count("select count(*) from sms_opt_out where source = 'reply TD'"));
  }
}
