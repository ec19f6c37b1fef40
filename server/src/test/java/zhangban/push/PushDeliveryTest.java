package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import zhangban.support.Api;
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * What a citizen sees on their phones and in their inbox while an application moves, with the real
 * Firebase Admin SDK sending to a fake FCM. The clock only moves forward in this class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushDeliveryTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final List<String> JOURNEY_KINDS = List.of("application_submitted", "supplement_requested",
      "application_submitted", "application_accepted", "review_started", "application_approved",
      "application_completed");
  static final List<String> JOURNEY_STATES = List.of("submitted", "supplement_requested", "submitted", "accepted",
      "in_review", "approved", "completed");

  static FakeFcm fake;
  static TestServer server;
  static Api api;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    // progress pushes alone: the rating invitations that follow 办结 are RatingJourneyTest's
    server = TestServer.startWithGateway(Map.of("PUSH_POLL_MS", "100", "RATING_STAGES", "none"),
        PushFixtures.gateway(fake, Duration.ofSeconds(10)));
    api = server.api;
    fx = new PushFixtures(server, fake);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  static String token(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().replace("-", "");
  }

  static List<String> kinds(List<JsonObject> bodies) {
    return bodies.stream().map(b -> b.getJsonObject("message").getJsonObject("data").getString("kind")).toList();
  }

  /** The request body the Firebase Admin SDK must send for one of our pushes. */
  static JsonObject expectedFcmBody(String token, String title, String body, JsonObject data, boolean urgent,
                                    String applicationId, int badge) {
    String collapse = "application-" + applicationId;
    return new JsonObject().put("message", new JsonObject()
        .put("token", token)
        .put("notification", new JsonObject().put("title", title).put("body", body))
        .put("data", data)
        .put("android", new JsonObject().put("collapse_key", collapse).put("priority", urgent ? "high" : "normal"))
        .put("apns", new JsonObject()
            .put("headers", new JsonObject().put("apns-priority", urgent ? "10" : "5").put("apns-collapse-id", collapse))
            .put("payload", new JsonObject().put("aps", new JsonObject()
                .put("alert", new JsonObject().put("title", title).put("body", body))
                .put("badge", badge)
                .put("sound", "default")))));
  }

  long unread(String subject) {
    return api.get("/me/notifications/unread-count").token(fx.citizen(subject)).send().expect(200).json()
        .getLong("unreadCount");
  }

  @Test
  @Order(1)
  void everyStepOfTheJourneyReachesEveryDeviceInItsLanguageAndTheInbox() {
    String zhang = "citizen-zhang";
    UUID zhDevice = UUID.randomUUID();
    UUID enDevice = UUID.randomUUID();
    String zhToken = token("zh-journey");
    String enToken = token("en-journey");
    JsonObject zh = fx.register(zhang, zhDevice, zhToken, "android", "zh-CN");
    assertEquals(zhDevice.toString(), zh.getString("deviceId"));
    assertEquals("zh-CN", zh.getString("locale"));
    assertEquals(zhToken.substring(zhToken.length() - 6), zh.getString("tokenSuffix"));
    fx.register(zhang, enDevice, enToken, "ios", "en");
    JsonArray devices = api.get("/me/devices").token(fx.citizen(zhang)).send().expect(200).items();
    List<String> listed = devices.stream().map(d -> ((JsonObject) d).getString("deviceId")).toList();
    assertTrue(listed.containsAll(List.of(zhDevice.toString(), enDevice.toString())), listed.toString());

    List<Long> badges = new ArrayList<>();
    List<Runnable> steps = new ArrayList<>();
    String[] app = new String[1];
    JsonObject[] accepted = new JsonObject[1];
    steps.add(() -> app[0] = fx.submitted(zhang));
    steps.add(() -> fx.officerAct(app[0], "request-supplement", new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("materialCode", "id_card").put("reason", "照片不清晰"))
        .add(new JsonObject().put("materialCode", "household_register").put("reason", "缺少本人页")))));
    steps.add(() -> {
      fx.upload(zhang, app[0], "id_card");
      fx.upload(zhang, app[0], "household_register");
      api.post("/applications/" + app[0] + "/resubmit").token(fx.citizen(zhang)).send().expect(200);
    });
    steps.add(() -> accepted[0] = fx.officerAct(app[0], "accept", null));
    steps.add(() -> fx.officerAct(app[0], "start-review", null));
    steps.add(() -> fx.officerAct(app[0], "approve", null));
    steps.add(() -> fx.officerAct(app[0], "complete", new JsonObject().put("result", new JsonObject()
        .put("kind", "electronic_licence").put("licenceRef", "DZZZ-2026-0042"))));

    for (int i = 0; i < steps.size(); i++) {
      server.clock.advance(Duration.ofMinutes(3));
      steps.get(i).run();
      int expected = i + 1;
      Poll.until("push " + expected + " on both devices",
          () -> fake.bodiesFor(zhToken).size() >= expected && fake.bodiesFor(enToken).size() >= expected,
          () -> kinds(fake.bodiesFor(zhToken)) + " / " + kinds(fake.bodiesFor(enToken)));
      badges.add(unread(zhang));
    }
    String id = app[0];
    String number = accepted[0].getString("number");
    String deadline = accepted[0].getString("deadline");
    assertNotNull(number);
    assertNotNull(deadline);

    // one push per device per step, in order, each step's pair before the next step's
    List<JsonObject> zhBodies = fake.bodiesFor(zhToken);
    List<JsonObject> enBodies = fake.bodiesFor(enToken);
    assertEquals(JOURNEY_KINDS, kinds(zhBodies));
    assertEquals(JOURNEY_KINDS, kinds(enBodies));
    List<String> interleaved = fake.received().stream()
        .filter(r -> zhToken.equals(r.token()) || enToken.equals(r.token()))
        .map(r -> r.body().getJsonObject("message").getJsonObject("data").getString("kind")).toList();
    List<String> pairs = new ArrayList<>();
    JOURNEY_KINDS.forEach(k -> pairs.addAll(List.of(k, k)));
    assertEquals(pairs, interleaved);
    for (int i = 0; i < JOURNEY_KINDS.size(); i++) {
      JsonObject data = zhBodies.get(i).getJsonObject("message").getJsonObject("data");
      assertEquals(JOURNEY_STATES.get(i), data.getString("state"));
      assertEquals(id, data.getString("applicationId"));
      assertEquals(badges.get(i).intValue(), zhBodies.get(i).getJsonObject("message").getJsonObject("apns")
          .getJsonObject("payload").getJsonObject("aps").getInteger("badge"), "badge of step " + (i + 1));
      assertEquals("Bearer test", fake.received().stream().filter(r -> zhToken.equals(r.token())).findFirst()
          .orElseThrow().authorization());
    }
    assertTrue(fake.received().stream().allMatch(r -> PushFixtures.PROJECT.equals(r.project())));

    // the exact messages: accepted in Chinese, the supplement request in English
    String acceptedNotification = server.row(
        "select id::text as id from notification where application_id = $1::uuid and kind = 'application_accepted'", id)
        .getString("id");
    String title = "申请已受理";
    String body = "您的“" + PushFixtures.ITEM_NAME + "”申请（" + number + "）已受理，承诺于 " + deadline + " 前办结。";
    JsonObject acceptedData = new JsonObject().put("kind", "application_accepted")
        .put("notificationId", acceptedNotification).put("applicationId", id).put("number", number)
        .put("state", "accepted").put("deepLink", "zhangban://applications/" + id);
    assertEquals(expectedFcmBody(zhToken, title, body, acceptedData, false, id, badges.get(3).intValue()),
        zhBodies.get(3));

    String supplementNotification = server.row(
        "select id::text as id from notification where application_id = $1::uuid and kind = 'supplement_requested'", id)
        .getString("id");
    String enTitle = "Materials needed";
    String enBody = "Your application for " + PushFixtures.ITEM_NAME + " (" + number + ") needs: Identity cards of both "
        + "parties (照片不清晰); Household registers of both parties (缺少本人页).";
    JsonObject supplementData = new JsonObject().put("kind", "supplement_requested")
        .put("notificationId", supplementNotification).put("applicationId", id).put("number", number)
        .put("state", "supplement_requested").put("deepLink", "zhangban://applications/" + id);
    assertEquals(expectedFcmBody(enToken, enTitle, enBody, supplementData, true, id, badges.get(1).intValue()),
        enBodies.get(1));

    // the outbox: every job sent once, with FCM's message name
    for (String t : List.of(zhToken, enToken)) {
      List<JsonObject> jobs = fx.jobs(t);
      assertEquals(JOURNEY_KINDS, jobs.stream().map(j -> j.getString("kind")).toList());
      for (JsonObject j : jobs) {
        assertEquals("sent", j.getString("status"), j.encode());
        assertEquals(1, j.getInteger("attempts"), j.encode());
        assertTrue(j.getString("fcm_message_id").startsWith("projects/demo/messages/"), j.encode());
      }
      assertEquals(JOURNEY_KINDS.size(), fake.deliveredCount(t));
      assertEquals(JOURNEY_KINDS.size(), fake.receivedCount(t));
    }

    // the inbox, newest first, in both languages
    JsonObject inbox = api.get("/me/notifications?limit=50").token(fx.citizen(zhang)).send().expect(200).json();
    List<JsonObject> mine = inbox.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(n -> id.equals(n.getString("applicationId"))).toList();
    List<String> newestFirst = new ArrayList<>(JOURNEY_KINDS);
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, mine.stream().map(n -> n.getString("kind")).toList());
    assertTrue(mine.stream().noneMatch(n -> n.getBoolean("read")));
    assertTrue(mine.stream().allMatch(n -> ("zhangban://applications/" + id).equals(n.getString("deepLink"))));
    JsonObject acceptedInInbox = mine.get(3);
    assertEquals(title, acceptedInInbox.getString("title"));
    assertEquals(body, acceptedInInbox.getString("body"));
    assertEquals(acceptedNotification, acceptedInInbox.getString("id"));
    long total = server.count("select count(*) from notification where user_subject = $1", zhang);
    assertEquals(total, inbox.getLong("unreadCount"));
    assertEquals(total, unread(zhang));
    assertEquals(total, badges.get(badges.size() - 1));

    List<JsonObject> english = api.get("/me/notifications?locale=en&limit=50").token(fx.citizen(zhang)).send()
        .expect(200).items().stream().map(o -> (JsonObject) o)
        .filter(n -> id.equals(n.getString("applicationId"))).toList();
    assertEquals(List.of("Application completed", "Application approved", "Application in review",
        "Application accepted", "Application submitted", "Materials needed", "Application submitted"),
        english.stream().map(n -> n.getString("title")).toList());
    assertEquals(enBody, english.get(5).getString("body"));

    // the same inbox a page at a time: every entry once, in the same order
    List<String> everyId = inbox.getJsonArray("items").stream().map(n -> ((JsonObject) n).getString("id")).toList();
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get("/me/notifications?limit=3" + (cursor == null ? "" : "&cursor=" + cursor))
          .token(fx.citizen(zhang)).send().expect(200).json();
      assertTrue(page.getJsonArray("items").size() <= 3);
      page.getJsonArray("items").forEach(n -> paged.add(((JsonObject) n).getString("id")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertEquals(everyId, paged);

    // reading: one, again (no change), someone else's (404), then all
    String someone = mine.get(0).getString("id");
    assertEquals(total - 1, api.post("/me/notifications/" + someone + "/read").token(fx.citizen(zhang)).send()
        .expect(200).json().getLong("unreadCount"));
    assertEquals(total - 1, api.post("/me/notifications/" + someone + "/read").token(fx.citizen(zhang)).send()
        .expect(200).json().getLong("unreadCount"));
    String other = mine.get(1).getString("id");
    api.post("/me/notifications/" + other + "/read").token(fx.citizen("citizen-li")).send().expect(404);
    api.post("/me/notifications/" + UUID.randomUUID() + "/read").token(fx.citizen(zhang)).send().expect(404);
    assertEquals(total - 1, unread(zhang), "li's attempt changed nothing");
    JsonObject unreadOnly = api.get("/me/notifications?unread=true&limit=50").token(fx.citizen(zhang)).send()
        .expect(200).json();
    assertEquals(total - 1, unreadOnly.getJsonArray("items").size());
    assertTrue(unreadOnly.getJsonArray("items").stream().noneMatch(n -> someone.equals(((JsonObject) n).getString("id"))));
    JsonObject all = api.post("/me/notifications/read-all").token(fx.citizen(zhang)).send().expect(200).json();
    assertEquals(0, all.getInteger("unreadCount"));
    assertEquals(total - 1, all.getLong("marked"));
    assertEquals(0, unread(zhang));
    assertTrue(api.get("/me/notifications?limit=50").token(fx.citizen(zhang)).send().expect(200).items().stream()
        .allMatch(n -> ((JsonObject) n).getBoolean("read")));
  }

  @Test
  @Order(2)
  void withProgressPushesOffTheInboxStillFillsButNothingIsPushed() {
    String subject = "citizen-prefs-" + UUID.randomUUID();
    String deviceToken = token("prefs");
    fx.register(subject, UUID.randomUUID(), deviceToken, "android", "zh-CN");
    JsonObject defaults = api.get("/me/notification-preferences").token(fx.citizen(subject)).send().expect(200).json();
    assertEquals(new JsonObject().put("progress", true).put("rating", true).put("reminder", true),
        defaults.getJsonObject("push"));
    JsonObject stored = api.put("/me/notification-preferences").token(fx.citizen(subject))
        .json(new JsonObject().put("push", new JsonObject().put("progress", false))).expect(200).json();
    assertEquals(false, stored.getJsonObject("push").getBoolean("progress"));
    assertEquals(false, api.get("/me/notification-preferences").token(fx.citizen(subject)).send().expect(200).json()
        .getJsonObject("push").getBoolean("progress"));

    String id = fx.submitted(subject);
    server.clock.advance(Duration.ofMinutes(1)); // the inbox orders by time; a frozen clock would tie
    fx.officerAct(id, "accept", null);
    fx.probe();

    JsonArray inbox = api.get("/me/notifications").token(fx.citizen(subject)).send().expect(200).items();
    assertEquals(List.of("application_accepted", "application_submitted"),
        inbox.stream().map(n -> ((JsonObject) n).getString("kind")).toList());
    assertEquals(2, unread(subject));
    assertEquals(0, fx.jobs(deviceToken).size(), "no push job while progress pushes are off");
    assertEquals(0, fake.receivedCount(deviceToken));

    // switched back on, the next step is pushed again
    api.put("/me/notification-preferences").token(fx.citizen(subject))
        .json(new JsonObject().put("push", new JsonObject().put("progress", true))).expect(200);
    fx.officerAct(id, "start-review", null);
    Poll.until("the review push", () -> fake.deliveredCount(deviceToken) == 1);
    assertEquals(List.of("review_started"), kinds(fake.bodiesFor(deviceToken)));
  }

  @Test
  @Order(3)
  void quietHoursDelayOrdinaryPushesUntilMorningButNotUrgentOnes() {
    String subject = "citizen-night-" + UUID.randomUUID();
    String deviceToken = token("night");
    fx.register(subject, UUID.randomUUID(), deviceToken, "android", "zh-CN");
    JsonObject prefs = new JsonObject().put("push", new JsonObject().put("progress", true).put("rating", true)
        .put("reminder", true)).put("quietHours", new JsonObject().put("start", "22:00").put("end", "07:00"));
    assertEquals(prefs, api.put("/me/notification-preferences").token(fx.citizen(subject)).json(prefs)
        .expect(200).json());
    assertEquals(prefs, api.get("/me/notification-preferences").token(fx.citizen(subject)).send().expect(200).json());

    api.put("/me/notification-preferences").token(fx.citizen(subject))
        .json(new JsonObject().put("push", new JsonObject())
            .put("quietHours", new JsonObject().put("start", "22:00").put("end", "22:00")))
        .expect(422);
    assertEquals(prefs, api.get("/me/notification-preferences").token(fx.citizen(subject)).send().expect(200).json(),
        "a refused change keeps the stored preferences");

    // 23:30 in Shanghai, after the current test time
    ZonedDateTime local = server.clock.instant().atZone(SHANGHAI);
    LocalDate day = local.toLocalTime().isBefore(LocalTime.of(23, 0)) ? local.toLocalDate() : local.toLocalDate().plusDays(1);
    Instant lateEvening = day.atTime(23, 30).atZone(SHANGHAI).toInstant();
    Instant morning = day.plusDays(1).atTime(7, 0).atZone(SHANGHAI).toInstant();
    server.clock.set(lateEvening);

    String id = fx.submitted(subject);
    List<JsonObject> jobs = fx.jobs(deviceToken);
    assertEquals(1, jobs.size());
    long submittedJob = jobs.get(0).getLong("id");
    assertEquals(morning, fx.nextAttemptAt(submittedJob), "an ordinary push waits for 07:00 the next day");
    assertEquals("pending", fx.status(submittedJob));

    server.clock.advance(Duration.ofMinutes(5));
    fx.officerAct(id, "request-supplement", new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("materialCode", "id_card").put("reason", "照片不清晰"))));
    long urgentJob = fx.jobs(deviceToken).get(1).getLong("id");
    assertEquals(server.clock.instant(), fx.nextAttemptAt(urgentJob), "an urgent push does not wait");
    fx.awaitStatus(urgentJob, "sent");
    fx.probe();
    assertEquals("pending", fx.status(submittedJob), "still waiting for the morning");
    assertEquals(List.of("supplement_requested"), kinds(fake.bodiesFor(deviceToken)));
    assertEquals("high", fake.bodiesFor(deviceToken).get(0).getJsonObject("message").getJsonObject("android")
        .getString("priority"));

    server.clock.set(morning.minusSeconds(1));
    fx.probe();
    assertEquals("pending", fx.status(submittedJob), "one second before the end of the quiet hours");
    server.clock.set(morning);
    fx.awaitStatus(submittedJob, "sent");
    assertEquals(List.of("supplement_requested", "application_submitted"), kinds(fake.bodiesFor(deviceToken)));
    assertEquals(2, fake.deliveredCount(deviceToken));
  }

  @Test
  @Order(4)
  void aTokenRegisteredByAnotherUserMovesAndTheFormerOwnersPushesNoLongerGoThere() {
    String zhang = "citizen-zhang";
    String li = "citizen-li";
    UUID zhangPhone = UUID.randomUUID();
    UUID liPhone = UUID.randomUUID();
    String shared = token("shared-phone");
    fx.register(zhang, zhangPhone, shared, "android", "zh-CN");

    // a push for zhang waits to be retried on that token (FCM asked to come back in an hour)
    fake.failTokenOnce(shared, 503, "UNAVAILABLE", 3600);
    String zhangApp = fx.submitted(zhang);
    long waiting = fx.jobs(shared).get(0).getLong("id");
    fx.awaitStatus(waiting, "temporary-failure");

    // li signs in on the same phone: the token moves to li
    JsonObject moved = fx.register(li, liPhone, shared, "android", "zh-CN");
    assertEquals(liPhone.toString(), moved.getString("deviceId"));
    List<String> zhangDevices = api.get("/me/devices").token(fx.citizen(zhang)).send().expect(200).items().stream()
        .map(d -> ((JsonObject) d).getString("deviceId")).toList();
    assertFalse(zhangDevices.contains(zhangPhone.toString()), zhangDevices.toString());
    List<String> liDevices = api.get("/me/devices").token(fx.citizen(li)).send().expect(200).items().stream()
        .map(d -> ((JsonObject) d).getString("deviceId")).toList();
    assertTrue(liDevices.contains(liPhone.toString()), liDevices.toString());
    JsonObject old = server.row("select active, retired_reason from push_device where id = $1", zhangPhone);
    assertEquals(false, old.getBoolean("active"));
    assertEquals("token moved to another device", old.getString("retired_reason"));
    JsonObject dropped = fx.job(waiting);
    assertEquals("permanent-failure", dropped.getString("status"), "zhang's queued push is dropped");

    // zhang's next steps go to zhang's other devices only; li's go to the phone
    fx.officerAct(zhangApp, "accept", null);
    String liApp = fx.submitted(li);
    Poll.until("li's push on the phone", () -> fake.deliveredCount(shared) == 1, () -> fake.bodiesFor(shared));
    server.clock.advance(Duration.ofSeconds(3601));
    fx.probe();
    List<JsonObject> onThePhone = fake.bodiesFor(shared);
    assertEquals(2, onThePhone.size(), "the 503 for zhang, then li's push: " + onThePhone);
    assertEquals(zhangApp, onThePhone.get(0).getJsonObject("message").getJsonObject("data").getString("applicationId"));
    assertEquals(liApp, onThePhone.get(1).getJsonObject("message").getJsonObject("data").getString("applicationId"));
    assertEquals(1, fake.deliveredCount(shared));
    assertEquals("permanent-failure", fx.status(waiting));
    assertEquals(0, server.count("""
        select count(*) from push_job j join push_device d on d.id = j.device_id
        where j.token = $1 and d.user_subject = $2 and j.status not in ('permanent-failure')""", shared, zhang));
  }

  @Test
  @Order(6)
  void aTokenRefreshedWhileAPushToTheOldOneIsInFlightKeepsThePushesForTheNewOne() {
    String subject = "citizen-refresh-" + UUID.randomUUID();
    UUID device = UUID.randomUUID();
    String oldToken = token("refresh-old");
    String newToken = token("refresh-new");
    fx.register(subject, device, oldToken, "android", "zh-CN");
    fake.hold(oldToken);
    String id = fx.submitted(subject);
    long inFlight = fx.jobs(oldToken).get(0).getLong("id");
    Poll.until("the push to the old token to reach FCM", () -> fake.receivedCount(oldToken) == 1);

    // FCM rotated the token: the app registers the new one, and the application moves on
    fx.register(subject, device, newToken, "android", "zh-CN");
    fx.officerAct(id, "accept", null);
    List<JsonObject> queued = fx.jobs(newToken);
    assertEquals(1, queued.size(), queued.toString());
    long next = queued.get(0).getLong("id");

    // only now does FCM answer that the old token is gone
    assertEquals(1, fake.release(oldToken, 404, "UNREGISTERED"));
    fx.awaitStatus(inFlight, "permanent-failure");
    JsonObject row = server.row("select active, token from push_device where id = $1", device);
    assertEquals(true, row.getBoolean("active"), "the device lives on with its new token");
    assertEquals(newToken, row.getString("token"));
    Poll.until("the push to the new token to settle", () -> List.of("sent", "permanent-failure", "dead")
        .contains(fx.status(next)), () -> fx.job(next));
    assertEquals("sent", fx.status(next), "the push for the new token is kept: " + fx.job(next));
    assertEquals(List.of("application_accepted"), kinds(fake.bodiesFor(newToken)));
    assertEquals(1, api.get("/me/devices").token(fx.citizen(subject)).send().expect(200).items().size());
  }

  @Test
  @Order(7)
  void aRejectionIsUrgentWithItsReasonAndAcceptanceWithMissingMaterialsSaysWhatToBring() {
    String subject = "citizen-outcomes-" + UUID.randomUUID();
    String deviceToken = token("outcomes");
    fx.register(subject, UUID.randomUUID(), deviceToken, "android", "zh-CN");

    String rejected = fx.submitted(subject);
    Poll.until("the submit push", () -> fake.deliveredCount(deviceToken) == 1);
    server.clock.advance(Duration.ofMinutes(1));
    fx.officerAct(rejected, "reject", new JsonObject().put("reason", "不属于本部门职权范围"));
    Poll.until("the rejection push", () -> fake.deliveredCount(deviceToken) == 2);
    JsonObject rejection = fake.bodiesFor(deviceToken).get(1).getJsonObject("message");
    String number = rejection.getJsonObject("data").getString("number");
    assertEquals("application_rejected", rejection.getJsonObject("data").getString("kind"));
    assertEquals("rejected", rejection.getJsonObject("data").getString("state"));
    assertEquals(new JsonObject().put("title", "申请不予受理")
        .put("body", "您的“" + PushFixtures.ITEM_NAME + "”申请（" + number + "）不予受理：不属于本部门职权范围"),
        rejection.getJsonObject("notification"));
    assertEquals("high", rejection.getJsonObject("android").getString("priority"));
    assertEquals("10", rejection.getJsonObject("apns").getJsonObject("headers").getString("apns-priority"));

    String partial = fx.draft(subject);
    fx.upload(subject, partial, "id_card");
    api.post("/applications/" + partial + "/submit").token(fx.citizen(subject)).idempotencyKey("s-" + partial)
        .send().expect(200);
    Poll.until("the second submit push", () -> fake.deliveredCount(deviceToken) == 3);
    String by = server.clock.instant().atZone(SHANGHAI).toLocalDate().plusDays(2).toString();
    server.clock.advance(Duration.ofMinutes(1));
    JsonObject accepted = fx.officerAct(partial, "accept-with-missing", new JsonObject()
        .put("missingMaterials", new JsonArray().add("household_register")).put("supplementDeadline", by));
    Poll.until("the acceptance push", () -> fake.deliveredCount(deviceToken) == 4);
    JsonObject acceptance = fake.bodiesFor(deviceToken).get(3).getJsonObject("message");
    assertEquals("application_accepted", acceptance.getJsonObject("data").getString("kind"));
    assertEquals("您的“" + PushFixtures.ITEM_NAME + "”申请（" + accepted.getString("number") + "）已受理，承诺于 "
        + accepted.getString("deadline") + " 前办结。请于 " + by + " 前补交：双方户口簿。",
        acceptance.getJsonObject("notification").getString("body"));
    assertEquals("normal", acceptance.getJsonObject("android").getString("priority"));
  }

  @Test
  @Order(8)
  void anotherUserSigningInOnTheSameInstallationTakesItOver() {
    String zhang = "citizen-zhang";
    String li = "citizen-li";
    UUID installation = UUID.randomUUID();
    String phone = token("same-install");
    fx.register(zhang, installation, phone, "ios", "zh-CN");
    // a push for zhang waits to be retried
    fake.failTokenOnce(phone, 429, "QUOTA_EXCEEDED", 600);
    String zhangApp = fx.submitted(zhang);
    long waiting = fx.jobs(phone).get(0).getLong("id");
    fx.awaitStatus(waiting, "temporary-failure");

    JsonObject taken = fx.register(li, installation, phone, "ios", "en");
    assertEquals(installation.toString(), taken.getString("deviceId"));
    assertEquals("en", taken.getString("locale"));
    assertTrue(api.get("/me/devices").token(fx.citizen(zhang)).send().expect(200).items().stream()
        .noneMatch(d -> installation.toString().equals(((JsonObject) d).getString("deviceId"))));
    assertTrue(api.get("/me/devices").token(fx.citizen(li)).send().expect(200).items().stream()
        .anyMatch(d -> installation.toString().equals(((JsonObject) d).getString("deviceId"))));
    assertEquals("permanent-failure", fx.status(waiting), "zhang's queued push is not shown to li");
    assertEquals("device moved to another user", fx.job(waiting).getString("last_error"));

    fx.officerAct(zhangApp, "accept", null);
    server.clock.advance(Duration.ofSeconds(601));
    String liApp = fx.submitted(li);
    Poll.until("li's push", () -> fake.deliveredCount(phone) == 1, () -> fake.bodiesFor(phone));
    fx.probe();
    List<JsonObject> onThePhone = fake.bodiesFor(phone);
    assertEquals(2, onThePhone.size(), onThePhone.toString());
    JsonObject lis = onThePhone.get(1).getJsonObject("message");
    assertEquals(liApp, lis.getJsonObject("data").getString("applicationId"));
    assertEquals("Application submitted", lis.getJsonObject("notification").getString("title"));
  }

  @Test
  @Order(100)
  void nothingIsLostAndNothingIsSentTwice() {
    fx.assertEverythingSettledOnce();
  }

  @Test
  @Order(5)
  void anUnregisteredDeviceGetsNothingMore() {
    String subject = "citizen-signout-" + UUID.randomUUID();
    UUID device = UUID.randomUUID();
    String deviceToken = token("signout");
    fx.register(subject, device, deviceToken, "web", "en");
    String id = fx.submitted(subject);
    Poll.until("the submit push", () -> fake.deliveredCount(deviceToken) == 1);

    api.delete("/me/devices/" + device).token(fx.citizen(subject)).send().expect(204);
    assertEquals(0, api.get("/me/devices").token(fx.citizen(subject)).send().expect(200).items().size());
    api.delete("/me/devices/" + device).token(fx.citizen(subject)).send().expect(404);
    JsonObject row = server.row("select active, retired_reason from push_device where id = $1", device);
    assertEquals(false, row.getBoolean("active"));
    assertEquals("unregistered", row.getString("retired_reason"));

    fx.officerAct(id, "accept", null);
    fx.officerAct(id, "start-review", null);
    fx.probe();
    assertEquals(1, fx.jobs(deviceToken).size(), "no job after unregistering");
    assertEquals(1, fake.receivedCount(deviceToken));
    assertEquals(2, server.count("select count(*) from notification where user_subject = $1 and application_id = $2::uuid"
        + " and kind in ('application_accepted', 'review_started')", subject, id), "the inbox still has them");
  }
}
