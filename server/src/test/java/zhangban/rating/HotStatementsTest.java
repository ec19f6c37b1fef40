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
    server = TestServer.start(Map.of("DB_POOL_SIZE", "1"));
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The one prepared statement on the connection whose text has all of {@code parts}. */
  private static JsonObject prepared(String what, String... parts) {
    StringBuilder where = new StringBuilder("statement not like '%pg_prepared_statements%'");
    for (String part : parts) {
      where.append(" and statement like '%").append(part.replace("'", "''")).append("%'");
    }
    List<JsonObject> found = server.rows(
        "select statement, generic_plans, custom_plans from pg_prepared_statements where " + where);
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
    JsonObject write = prepared("the good rating's write", "update rating_invitation", "insert into rating (");
    assertTrue(!write.getString("statement").contains("stat_tag_rollup"), "not the poor rating's: " + write);
    plannedOnce("the good rating's write", write, CALLS);
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
}
