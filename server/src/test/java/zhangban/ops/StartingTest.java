package zhangban.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import zhangban.config.Config;
import zhangban.support.Poll;
import zhangban.support.TestPostgres;
import zhangban.support.TestServer;

/**
 * While migrations run the server already listens: health answers, every other request is a 503
 * that says when to come back.
 */
class StartingTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void beforeMigrationsFinishRequestsAre503WithRetryAfter() throws Exception {
    Config.DatabaseTarget db = TestPostgres.freshDatabase();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String jdbc = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database();
    try (Connection holder = DriverManager.getConnection(jdbc, db.user(), db.password())) {
      // migrations read the schema history first: hold it, and start-up waits there
      holder.setAutoCommit(false);
      try (Statement st = holder.createStatement()) {
        st.execute("lock table flyway_schema_history in access exclusive mode");
      }
      CompletableFuture<TestServer> starting = CompletableFuture.supplyAsync(
          () -> TestServer.startOn(db, Map.of("PORT", String.valueOf(port))));
      Poll.until("the server listens", () -> status(port, "/health/live") == 200);
      HttpResponse<String> r = get(port, "/items");
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
      assertEquals("2", r.headers().firstValue("Retry-After").orElse("none"), "says when to come back");
      assertEquals(503, status(port, "/health/ready"), "not ready while migrating");
      holder.rollback();
      try (TestServer server = starting.get(2, TimeUnit.MINUTES)) {
        assertEquals(200, status(port, "/items"));
      }
    }
  }

  private static int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
