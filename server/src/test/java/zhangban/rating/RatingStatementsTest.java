package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * A rating's write, one long statement, is prepared once on a connection and executed as
 * prepared from then on: PostgreSQL neither parses nor plans it again for every rating. The
 * server runs on one connection here, so this test's reads see that connection's statements.
 */
class RatingStatementsTest {
  /** More than the five custom plans PostgreSQL makes before it weighs a generic one. */
  private static final int RATINGS = 8;

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

  @Test
  void aRatingsWriteIsPreparedOnceAndThenPlannedOnce() {
    for (int i = 0; i < RATINGS; i++) {
      String subject = "citizen-prepared-" + i;
      String id = fx.completed(subject);
      fx.rate(fx.citizen(subject), id, fx.withVersion(RatingFixtures.rating(5, "convenience"))).expect(201);
    }
    List<JsonObject> writes = server.rows("""
        select generic_plans, custom_plans from pg_prepared_statements
        where statement like '%insert into rating (%' and statement like '%update rating_invitation%'
          and statement not like '%stat_tag_rollup%'""");
    assertEquals(1, writes.size(), "the good rating's write is one prepared statement on the connection: " + writes);
    JsonObject write = writes.get(0);
    long generic = write.getLong("generic_plans");
    long custom = write.getLong("custom_plans");
    assertEquals(RATINGS, generic + custom, "every rating ran the one prepared statement: " + write);
    assertTrue(generic > 0, "PostgreSQL settled on one plan for it instead of planning every rating: " + write);
  }
}
