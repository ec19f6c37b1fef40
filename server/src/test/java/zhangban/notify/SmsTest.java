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
    env.put("SMS_TEMPLATES", "rating_invitation=" + TEMPLATE + ",rating_reminder=2000002,case_reply=2000003");
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
  void someoneWhosePhoneTakesRatingPushesIsInvitedThereAndNotBySms() {
    String subject = "citizen-sms-" + UUID.randomUUID();
    fx.filing.register(subject, UUID.randomUUID(), "fcm-" + UUID.randomUUID(), "android", "zh-CN");
    String id = registered(phone(), subject);
    assertEquals(1, server.count("select count(*) from notification where user_subject = $1 and kind = 'rating_invitation'",
        subject));
    assertEquals(1, server.count("select count(*) from push_job j join push_device d on d.id = j.device_id "
        + "where d.user_subject = $1 and j.kind = 'rating_invitation'", subject), "a push");
    assertEquals(0, server.count("select count(*) from sms_job where application_id = $1::uuid", id), "never both");
  }

  @Test
  void someoneWithAnAccountButNoPushReachingThemIsInvitedBySmsToo() {
    String noDevice = "citizen-sms-" + UUID.randomUUID();
    String phone = phone();
    String id = registered(phone, noDevice);
    assertEquals(1, server.count("select count(*) from notification where user_subject = $1 and kind = 'rating_invitation'",
        noDevice), "the inbox keeps it");
    awaitStatus(id, "sent");
    assertEquals(1, sms.to(phone).size());

    String pushesOff = "citizen-sms-" + UUID.randomUUID();
    fx.filing.register(pushesOff, UUID.randomUUID(), "fcm-" + UUID.randomUUID(), "ios", "zh-CN");
    api.put("/me/notification-preferences").token(fx.citizen(pushesOff))
        .json(new JsonObject().put("push", new JsonObject().put("rating", false))).expect(200);
    String other = registered(phone(), pushesOff);
    awaitStatus(other, "sent");
    assertEquals(0, server.count("select count(*) from push_job j join push_device d on d.id = j.device_id "
        + "where d.user_subject = $1 and j.kind = 'rating_invitation'", pushesOff), "no push: they turned them off");
  }

  @Test
  void aNumberThatOptedOutOrHadItsDaysShareGetsNothing() {
    String optedOut = phone();
    String before = registered(optedOut, null);
    awaitStatus(before, "sent");
    server.update("insert into sms_opt_out (phone_hash, at, source) select applicant_phone_hash, now(), 'test' "
        + "from application where id = $1::uuid", before);
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
    // the second refusal is kept, its next try timed on the clock as it stands, before the clock moves
    Poll.until("the second try kept", () -> "temporary-failure".equals(status(a))
        && server.row("select attempts from sms_job where application_id = $1::uuid", a).getInteger("attempts") >= 2,
        () -> status(a));
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
    String goneId = registered(gone, null);
    awaitStatus(goneId, "permanent-failure");
    String goneError = server.row("select last_error from sms_job where application_id = $1::uuid", goneId)
        .getString("last_error");
    assertTrue(goneError.contains("139****" + gone.substring(gone.length() - 4)), "the provider named it, masked: " + goneError);
    assertTrue(!goneError.contains(gone.substring(3)), goneError);

    String error = server.row("select last_error from sms_job where application_id = $1::uuid", b).getString("last_error");
    assertTrue(!error.contains(refused.substring(3)), "no number in what is kept of a failure: " + error);

    // the administrator sees it, without its number, and sends it again once the template is approved
    JsonObject dead = api.get("/admin/sms/dead-letters?limit=100").token(fx.admin()).send().expect(200).json()
        .getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(d -> b.equals(d.getString("applicationId"))).findFirst().orElseThrow();
    assertEquals("rating_invitation", dead.getString("kind"));
    assertTrue(!dead.encode().contains(refused.substring(3)));
    assertTrue(api.get("/admin/sms").token(fx.admin()).send().expect(200).json().getJsonObject("byStatus")
        .getLong("dead") >= 1);
    sms.answer(refused, null);
    assertEquals(1, api.post("/admin/sms/dead-letters/requeue").token(fx.admin())
        .json(new JsonObject().put("ids", new JsonArray().add(dead.getLong("id")))).expect(200).json()
        .getInteger("requeued"));
    awaitStatus(b, "sent");
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
    assertEquals(1, server.count("select count(*) from sms_opt_out o join application a "
        + "on a.applicant_phone_hash = o.phone_hash where a.id = $1::uuid and o.source = 'reply TD'", third));
  }

  /** The link in the last message of template {@code template} to {@code phone}: its token. */
  static String tokenSent(String phone, String template, int param) {
    List<JsonObject> sent = sms.to(phone).stream().filter(r -> template.equals(r.getString("TemplateId"))).toList();
    String url = sent.get(sent.size() - 1).getJsonArray("TemplateParamSet").getString(param);
    return url.substring(url.indexOf('#') + 1);
  }

  @Test
  void theDepartmentsReplyReachesARaterWithoutTheAppWithALinkForTheFollowUp() {
    String phone = phone();
    String id = registered(phone, null);
    awaitStatus(id, "sent");
    String ratingToken = tokenSent(phone, TEMPLATE, 2);
    api.post("/public/rating-links/" + ratingToken + "/rating").json(new JsonObject().put("level", 1)
        .put("tags", new JsonArray().add("service_attitude")).put("dictionaryVersion", fx.dictionaryVersion()))
        .expect(201);
    String caseId = server.row("select id from rectification_case where application_id = $1::uuid", id).getString("id");
    fx.step(fx.officer(), caseId, "claim", null);
    fx.step(fx.officer(), caseId, "verify", RatingFixtures.verification(server.clock.instant()));
    fx.step(fx.officer(), caseId, "rectify", RatingFixtures.rectification());
    fx.step(fx.officer(), caseId, "reply", RatingFixtures.reply());
    Poll.until("the reply sent by SMS", () -> sms.to(phone).stream()
        .anyMatch(r -> "2000003".equals(r.getString("TemplateId"))), () -> sms.to(phone));
    String token = tokenSent(phone, "2000003", 1);
    assertEquals(PushFixtures.ITEM_NAME, sms.to(phone).get(sms.to(phone).size() - 1)
        .getJsonArray("TemplateParamSet").getString(0));

    JsonObject view = api.get("/public/rating-links/" + token).send().expect(200).json();
    assertEquals("follow_up", view.getString("purpose"));
    assertEquals(RatingFixtures.reply().getString("reply"), view.getJsonObject("reply").getString("text"));
    assertEquals("rating-link-unknown", api.post("/public/rating-links/" + token + "/rating")
        .json(new JsonObject().put("level", 5)).expect(404).json().getString("type").replaceAll(".*/", ""),
        "a follow-up link does not rate");
    assertEquals("rating-link-unknown", api.post("/public/rating-links/" + ratingToken + "/follow-up")
        .json(new JsonObject().put("satisfaction", "satisfied")).expect(404).json().getString("type")
        .replaceAll(".*/", ""), "nor does a rating link take a follow-up");

    JsonObject given = new JsonObject().put("satisfaction", "basically_satisfied").put("comment", "已经改进");
    assertEquals("basically_satisfied", api.post("/public/rating-links/" + token + "/follow-up").json(given)
        .expect(200).json().getString("satisfaction"));
    assertEquals("basically_satisfied", api.post("/public/rating-links/" + token + "/follow-up").json(given)
        .expect(200).json().getString("satisfaction"), "the same again: the same follow-up");
    Map<String, Long> before = server.snapshot();
    assertEquals("rating-link-used", api.post("/public/rating-links/" + token + "/follow-up")
        .json(new JsonObject().put("satisfaction", "dissatisfied")).expect(409).json().getString("type")
        .replaceAll(".*/", ""));
    assertEquals(before, server.snapshot());
    JsonObject rating = server.row("select r.follow_up, c.state, c.close_reason from rating r "
        + "join rectification_case c on c.rating_id = r.id where r.application_id = $1::uuid", id);
    assertEquals("basically_satisfied", rating.getString("follow_up"));
    assertEquals("closed", rating.getString("state"));
    assertEquals("follow_up", rating.getString("close_reason"));
  }

  @Test
  void anUnratedStageIsRemindedBySmsWithALinkOfItsOwn() {
    String phone = phone();
    String id = registered(phone, null);
    awaitStatus(id, "sent");
    server.clock.advance(java.time.Duration.ofDays(3)); // RATING_REMINDER_DAYS
    server.app.ratingScheduler().pass().await();
    Poll.until("the reminder sent", () -> sms.to(phone).size() == 2, () -> sms.to(phone));
    JsonObject reminder = sms.to(phone).get(1);
    assertEquals("2000002", reminder.getString("TemplateId"));
    String token = tokenSent(phone, "2000002", 2);
    assertTrue(!token.equals(tokenSent(phone, TEMPLATE, 2)), "a link of its own");
    api.post("/public/rating-links/" + token + "/rating").json(new JsonObject().put("level", 4)).expect(201);
    assertEquals("rating-link-used", api.get("/public/rating-links/" + tokenSent(phone, TEMPLATE, 2)).send()
        .expect(409).json().getString("type").replaceAll(".*/", ""), "the stage is rated, whichever link rated it");
  }

  @Test
  void noMobileNumberReachesALogAResponseOrAnExport() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    root.addAppender(logs);
    String phone = phone();
    String digits = phone.substring(3);
    try {
      sms.answer(phone, "Error:FailedOperation.TemplateIncorrectOrUnapproved");
      String id = registered(phone, null);
      awaitStatus(id, "dead");
      sms.answer(phone, null);
      String other = registered(phone, null);
      awaitStatus(other, "sent");
      String token = tokenSent(phone, TEMPLATE, 2);
      api.post("/public/rating-links/" + token + "/rating").json(new JsonObject().put("level", 1)
          .put("tags", new JsonArray().add("service_attitude")).put("dictionaryVersion", fx.dictionaryVersion())
          .put("comment", "态度差")).expect(201);
      api.post("/sms/tencent/receipts?key=" + CALLBACK_KEY).json(new JsonArray()
          .add(report("serial-unknown", "FAIL", phone))).expect(200);
      api.post("/sms/tencent/replies?key=" + CALLBACK_KEY).json(new JsonObject().put("mobile", "1234")
          .put("text", "TD")).expect(200);

      String seen = api.get("/applications/" + other).token(fx.officer()).send().expect(200).body().toString()
          + api.get("/applications?department=MZJ&limit=100").token(fx.officer()).send().expect(200).body()
          + api.get("/exports/ratings.csv?from=2026-11-01&to=2026-12-31").token(fx.manager()).send().expect(200).body()
          + api.get("/stats/ratings?from=2026-11-01&to=2026-12-31&groupBy=channel").token(fx.manager()).send()
              .expect(200).body();
      assertTrue(seen.contains(digits.substring(0, 3) + "****" + digits.substring(7)), "shown masked");
      assertTrue(!seen.contains(digits), "never in clear in a response or an export");
      assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("named no message sent from here")),
          "the logs were listened to while the SMS code logged");
      logs.list.forEach(e -> {
        String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
            : ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(e.getThrowableProxy()));
        assertTrue(!line.contains(digits), "a log line holds the number: " + line);
      });
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void anInvitationWhosePushFailedForGoodGoesBySmsOnce() {
    String subject = "citizen-sms-" + UUID.randomUUID();
    fx.filing.register(subject, UUID.randomUUID(), "fcm-" + UUID.randomUUID(), "android", "zh-CN");
    String phone = phone();
    String id = registered(phone, subject);
    assertEquals(0, server.count("select count(*) from sms_job where application_id = $1::uuid", id), "a push first");
    // FCM said the token is gone (UNREGISTERED): the outbox worker marks the job so
    Poll.until("the push sent", () -> server.count("select count(*) from push_job where application_id = $1::uuid "
        + "and kind = 'rating_invitation' and status = 'sent'", id) == 1, () -> "");
    server.update("update push_job set status = 'permanent-failure', last_error = 'UNREGISTERED' "
        + "where application_id = $1::uuid and kind = 'rating_invitation'", id);
    server.app.ratingScheduler().pass().await();
    server.app.ratingScheduler().pass().await();
    awaitStatus(id, "sent");
    assertEquals(1, sms.to(phone).size(), "by SMS instead, once");
    assertEquals(1, server.count("select count(*) from sms_job where application_id = $1::uuid", id),
        "one job, whatever the passes");
    assertEquals(TEMPLATE, sms.to(phone).get(0).getString("TemplateId"));
  }

  @Test
  void aMessageWaitingToBeTriedAgainIsNotSentOnceItsNumberSaidTd() {
    String phone = phone();
    sms.answer(phone, "LimitExceeded.PhoneNumberThirtySecondLimit");
    String id = registered(phone, null);
    awaitStatus(id, "temporary-failure");
    api.post("/sms/tencent/replies?key=" + CALLBACK_KEY).json(new JsonObject().put("mobile", phone.substring(3))
        .put("nationcode", "86").put("text", "TD")).expect(200);
    sms.answer(phone, null);
    server.clock.advance(java.time.Duration.ofSeconds(1));
    awaitStatus(id, "opted-out");
    assertEquals(1, sms.to(phone).size(), "the throttled try only");
  }
}
