package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The statements of the hot paths are prepared once on a connection and executed as prepared
 * from then on, under one plan: PostgreSQL neither parses nor plans them again for every call.
 * The server runs on one connection here, so this test's reads see that connection's statements.
 */
class HotStatementsTest {
  /** More than the five custom plans PostgreSQL makes before it weighs a generic one. */
  private static final int CALLS = 8;

  static TestServer server;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    // no push worker or periodic jobs writing notifications: the counts below are the requests' own
    server = TestServer.start(Map.of("DB_POOL_SIZE", "1", "PUSH_WORKER_ENABLED", "false",
        "REMINDER_INTERVAL_MS", "3600000", "RATING_SCHEDULER_INTERVAL_MS", "3600000"));
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * The one prepared statement on the connection whose text has all of {@code parts}, and none of
   * those written {@code !part}.
   */
  private static JsonObject prepared(String what, String... parts) {
    List<JsonObject> found = server.rows(
        "select statement, generic_plans, custom_plans from pg_prepared_statements where " + having(parts));
    assertEquals(1, found.size(), what + " is one prepared statement on the connection: " + found);
    return found.get(0);
  }

  private static void plannedOnce(String what, JsonObject statement, int calls) {
    long generic = statement.getLong("generic_plans");
    long custom = statement.getLong("custom_plans");
    assertEquals(calls, generic + custom, what + ": every call ran the one prepared statement: " + statement);
    assertTrue(generic > 0, what + ": PostgreSQL settled on one plan instead of planning every call: " + statement);
  }

  @Test
  void aRatingsWrite() {
    for (int i = 0; i < CALLS; i++) {
      String subject = "citizen-prepared-" + i;
      String id = fx.completed(subject);
      fx.rate(fx.citizen(subject), id, fx.withVersion(RatingFixtures.rating(5, "convenience"))).expect(201);
    }
    JsonObject write = prepared("the good rating's write", "update rating_invitation", "insert into rating (",
        "!rectification_case"); // the poor rating's write opens the case too
    plannedOnce("the good rating's write", write, CALLS);
    // Once the process knows the dictionary version, a rating is its write alone: the read of the
    // rules (which says why a rating is refused) is not run before it.
    long reads = plans("stored_operation", "rating_invitation");
    assertTrue(reads > 0, "the first rating, of a version not yet known, read the rules");
    for (int i = 0; i < 3; i++) {
      String subject = "citizen-straight-" + i;
      fx.rate(fx.citizen(subject), fx.completed(subject), fx.withVersion(RatingFixtures.rating(4))).expect(201);
    }
    assertEquals(reads, plans("stored_operation", "rating_invitation"), "good ratings ran no read");
    assertEquals(CALLS + 3, plans("update rating_invitation", "insert into rating (", "!rectification_case"));
  }

  /** How many times the prepared statement with {@code parts} ran on the connection (0: never prepared). */
  private static long plans(String... parts) {
    List<JsonObject> found = server.rows(
        "select generic_plans + custom_plans as plans from pg_prepared_statements where " + having(parts));
    return found.isEmpty() ? 0 : found.get(0).getLong("plans");
  }

  /** The condition on pg_prepared_statements: the text has all of {@code parts}, and none written {@code !part}. */
  private static String having(String... parts) {
    StringBuilder where = new StringBuilder("statement not like '%pg_prepared_statements%'");
    for (String part : parts) {
      boolean without = part.startsWith("!");
      where.append(" and statement ").append(without ? "not like" : "like").append(" '%")
          .append((without ? part.substring(1) : part).replace("'", "''")).append("%'");
    }
    return where.toString();
  }

  @Test
  void aCitizensListOfApplicationsAndOfNotifications() {
    String subject = "citizen-lists";
    String token = fx.citizen(subject);
    String first = fx.filing.submitted(subject);
    fx.filing.submitted(subject);
    fx.filing.submitted(subject);
    // Other people's applications and notifications, as many as make the planner choose an
    // index for one person's: on a few rows any plan is cheap and every statement gets one.
    server.update("""
        insert into application (id, state, item_code, item_version, department, applicant_subject, applicant_name,
          applicant_kind, form, created_at, updated_at)
        select gen_random_uuid(), 'draft', item_code, item_version, department, 'someone-' || g, applicant_name,
          applicant_kind, form, created_at, updated_at
        from application, generate_series(1, 20000) g where id = $1::uuid""", first);
    server.update("""
        insert into notification (id, user_subject, kind, category, params, created_at)
        select gen_random_uuid(), 'someone-' || g, kind, category, params, created_at
        from notification, generate_series(1, 20000) g where user_subject = $1 limit 20000""", subject);
    server.update("analyze application");
    server.update("analyze notification");
    for (int i = 0; i < CALLS; i++) {
      assertEquals(3, server.api.get("/applications").token(token).send().expect(200).items().size());
      assertTrue(server.api.get("/me/notifications").token(token).send().expect(200).items().size() > 0);
    }
    plannedOnce("my applications", prepared("my applications", "from application a",
        "a.applicant_subject = $1", "order by a.created_at desc"), CALLS);
    plannedOnce("my notifications", prepared("my notifications", "from notification",
        "user_subject = $1", "order by created_at desc"), CALLS);
  }

  /** The list's statement for a next page (the cursor's condition) answers the rest, each once. */
  @Test
  void aCitizensListPagesFollowTheCursor() {
    String subject = "citizen-pages";
    String token = fx.citizen(subject);
    List<String> filed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      filed.add(fx.filing.submitted(subject));
    }
    JsonObject first = server.api.get("/applications?limit=2").token(token).send().expect(200).json();
    String cursor = first.getString("nextCursor");
    assertNotNull(cursor, first.encode());
    JsonObject next = server.api.get("/applications?limit=2&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))
        .token(token).send().expect(200).json();
    assertNull(next.getString("nextCursor"), next.encode());
    List<String> listed = new ArrayList<>();
    first.getJsonArray("items").forEach(a -> listed.add(((JsonObject) a).getString("id")));
    next.getJsonArray("items").forEach(a -> listed.add(((JsonObject) a).getString("id")));
    assertEquals(3, listed.size(), listed.toString());
    assertEquals(new java.util.HashSet<>(filed), new java.util.HashSet<>(listed), "each once");
  }

  /**
   * A poor rating's case is told to every officer of the department (an inbox entry each, a push
   * per device of those who take reminder pushes) by statements whose number does not grow with the
   * department: a department of fifty does not hold the rating's transaction for fifty officers'
   * round trips.
   */
  @Test
  void aCaseIsToldToTheWholeDepartmentInAFixedNumberOfStatements() {
    registerOfficers(0, 2);
    String warm = "citizen-fan-out-warm";
    rate(warm, fx.completed(warm)); // the first poor rating prepares the statements
    String few = "citizen-fan-out-few";
    String fewId = fx.completed(few);
    long forTwo = notifying(() -> rate(few, fewId));

    registerOfficers(2, 14);
    // one officer takes no reminder pushes: the inbox entry still, no push
    server.api.put("/me/notification-preferences").token(fx.officer(fanOutOfficer(13), "MZJ"))
        .json(new JsonObject().put("push", new JsonObject().put("reminder", false))).expect(200);
    String many = "citizen-fan-out-many";
    String manyId = fx.completed(many);
    JsonObject[] rating = new JsonObject[1];
    long forFourteen = notifying(() -> rating[0] = rate(many, manyId));
    assertEquals(forTwo, forFourteen, "statements telling 2 officers and telling 14");

    String caseId = fx.caseOf(rating[0]);
    String link = "zhangban://rectification-cases/" + caseId;
    for (int i = 0; i < 14; i++) {
      String officer = fanOutOfficer(i);
      assertEquals(1, server.count("""
          select count(*) from notification where user_subject = $1 and kind = 'case_opened'
            and params ->> 'deepLink' = $2""", officer, link), officer + "'s inbox entry");
      List<JsonObject> pushed = server.rows("""
          select j.message from push_job j join push_device d on d.id = j.device_id
          where d.user_subject = $1 and j.message -> 'data' ->> 'deepLink' = $2""", officer, link);
      if (i == 13) {
        assertEquals(List.of(), pushed, "no push for the officer who turned reminders off");
        continue;
      }
      assertEquals(1, pushed.size(), officer + "'s one device, one push: " + pushed);
      long unread = server.count("select count(*) from notification where user_subject = $1 and read_at is null",
          officer);
      JsonObject message = new JsonObject(pushed.get(0).getValue("message").toString());
      assertEquals(unread, message.getLong("badge"), officer + "'s badge is their unread count");
      assertEquals("case_opened", message.getJsonObject("data").getString("kind"));
    }
  }

  private static String fanOutOfficer(int i) {
    return "officer-fan-out-" + i;
  }

  /** Officers {@code from} to {@code to} (exclusive) of 民政局, each with one device. */
  private static void registerOfficers(int from, int to) {
    for (int i = from; i < to; i++) {
      String officer = fanOutOfficer(i);
      server.api.put("/me/devices/" + java.util.UUID.randomUUID()).token(fx.officer(officer, "MZJ"))
          .json(new JsonObject().put("token", "fan-out-device-token-" + i).put("platform", "android").put("locale", "zh-CN")
              .put("appVersion", "3.2.1"))
          .expect(200);
    }
  }

  private static JsonObject rate(String subject, String applicationId) {
    return fx.rate(fx.citizen(subject), applicationId,
        fx.withVersion(RatingFixtures.rating(1, "efficiency")).put("comment", "等了很久没人处理")).expect(201).json();
  }

  /** How many times {@code request} ran the prepared statements that touch inboxes, devices or pushes. */
  private static long notifying(Runnable request) {
    long before = notifyingExecutions();
    request.run();
    return notifyingExecutions() - before;
  }

  private static long notifyingExecutions() {
    return server.count("""
        select coalesce(sum(generic_plans + custom_plans), 0) from pg_prepared_statements
        where statement not like '%pg_prepared_statements%'
          and (statement like '%notification%' or statement like '%push_device%' or statement like '%push_job%'
            or statement like '%officer_directory%')""");
  }
}
