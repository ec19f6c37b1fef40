package zhangban.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import zhangban.support.Poll;
import zhangban.support.ServerProcess;
import zhangban.support.TestServer;

/** Shutting down: readiness first, then no new connections, and what was in flight is answered. */
class GracefulShutdownTest {

  @Test
  void readinessGoesDownWhenDrainingBeginsWhileRequestsAreStillServed() {
    try (TestServer server = TestServer.start()) {
      server.api.get("/health/ready").send().expect(200);
      server.app.beginDraining();
      JsonObject body = server.api.get("/health/ready").send().expect(503).json();
      assertEquals("DOWN", body.getString("status"));
      assertEquals("draining", body.getJsonObject("checks").getString("shutdown"));
      server.api.get("/me").token(server.token("citizen-zhang")).send().expect(200);
    }
  }

  @Test
  void onSigtermReadinessAnswers503WhileTheServerStillServesThenItExits() throws Exception {
    var t = zhangban.support.TestPostgres.freshDatabase();
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (ServerProcess process = ServerProcess.start("drain", port, Map.of("PGHOST", t.host(),
        "PGPORT", String.valueOf(t.port()), "PGDATABASE", t.database(), "PGUSER", t.user(), "PGPASSWORD", t.password(),
        "DEV_MODE", "false", "DEMO_DATA", "false", "SHUTDOWN_DRAIN_DELAY_MS", "3000",
        "DATA_DIR", java.nio.file.Files.createTempDirectory("zb-drain").toString()))) {
      assertEquals(200, process.readiness());
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
        try {
          return process.terminate(java.time.Duration.ofSeconds(60));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      // load balancers polling readiness see it go down while the port is still open
      Poll.until("readiness answers 503 after SIGTERM", () -> process.readiness() == 503);
      assertEquals(503, process.readiness());
      assertEquals(0, exit.get(60, TimeUnit.SECONDS), "a stop that was asked for exits 0");
      assertEquals(-1, process.readiness(), "the port is closed once stopped");
    }
  }

  @Test
  void aRequestInFlightWhenShutdownBeginsIsAnsweredAndKeptWhileNewConnectionsAreRefused() throws Exception {
    TestServer server = TestServer.start(Map.of("SHUTDOWN_GRACE_MS", "20000"));
    // another replica on the same database, to look at the data once the first one is gone
    try (TestServer other = server.sibling(Map.of(), null)) {
      String token = server.token("citizen-zhang");
      byte[] body = new JsonObject().put("itemCode", "MZ-HY-001").encode().getBytes(StandardCharsets.UTF_8);
      long before = other.count("select count(*) from application");
      CompletableFuture<Void> closing;
      String reply;
      try (Socket socket = new Socket("127.0.0.1", server.config.port())) {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /applications HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
            + "\r\nContent-Type: application/json\r\nIdempotency-Key: in-flight-1\r\nContent-Length: " + body.length
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 5);
        out.flush();
        Thread.sleep(300);

        closing = CompletableFuture.runAsync(server::close);
        // the listening socket goes first
        Poll.until("new connections are refused", () -> refused(server.config.port()));
        assertTrue(!closing.isDone(), "shutdown waits for the request in flight");

        out.write(body, 5, body.length - 5);
        out.flush();
        reply = read(socket.getInputStream());
      }
      assertTrue(reply.startsWith("HTTP/1.1 201"), reply);
      Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(reply);
      assertTrue(id.find(), reply);
      closing.get(30, TimeUnit.SECONDS);
      assertEquals(before + 1, other.count("select count(*) from application"));
      assertEquals(1, other.count("select count(*) from application where id::text = $1", id.group(1)),
          "what the client was told was created is in the database");
    }
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** One HTTP/1.1 response with a Content-Length body (what the server answers here). */
  private static String read(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int headerEnd = -1;
    int length = -1;
    byte[] chunk = new byte[4096];
    while (true) {
      int n = in.read(chunk);
      if (n < 0) {
        break;
      }
      buf.write(chunk, 0, n);
      String text = buf.toString(StandardCharsets.UTF_8);
      if (headerEnd < 0 && (headerEnd = text.indexOf("\r\n\r\n")) >= 0) {
        Matcher m = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(text.substring(0, headerEnd));
        length = m.find() ? Integer.parseInt(m.group(1)) : 0;
      }
      if (headerEnd >= 0 && buf.size() >= headerEnd + 4 + length) {
        break;
      }
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
