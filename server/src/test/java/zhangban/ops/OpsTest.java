package zhangban.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.api.Contract;
import zhangban.support.Api;
import zhangban.support.TestServer;

/** Health, metrics and the contract: open to anyone, no token. */
class OpsTest {
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void livenessIsUpWithoutAToken() {
    Api.Response r = api.get("/health/live").send().expect(200);
    assertEquals(new JsonObject().put("status", "UP"), r.json());
    assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
    assertEquals("no-store", r.header("Cache-Control"));
  }

  @Test
  void readinessReportsTheDatabaseAndTheMigrations() {
    JsonObject body = api.get("/health/ready").send().expect(200).json();
    assertEquals("UP", body.getString("status"));
    JsonObject checks = body.getJsonObject("checks");
    assertEquals("UP", checks.getString("database"));
    assertEquals("done", checks.getString("migrations"));
    assertEquals(false, checks.getBoolean("devMode"));
  }

  @Test
  void everyResponseCarriesTheCallersRequestIdOrANewOne() {
    assertEquals("app-7f3a.1:retry-2", api.get("/health/live").header("X-Request-Id", "app-7f3a.1:retry-2").send()
        .expect(200).header("X-Request-Id"));
    String generated = api.get("/no/such/path").send().expect(404).header("X-Request-Id");
    assertTrue(generated.matches("[0-9a-f]{32}"), generated);
    assertTrue(!generated.equals(api.get("/no/such/path").send().expect(404).header("X-Request-Id")), "one per request");
    // an id that could forge a log line or is too long is replaced, not echoed
    for (String hostile : List.of("a b", "x\"}", "id<script>", "a".repeat(129))) {
      String answered = api.get("/health/live").header("X-Request-Id", hostile).send().expect(200).header("X-Request-Id");
      assertTrue(answered.matches("[0-9a-f]{32}"), hostile + " -> " + answered);
    }
    String problem = api.get("/me").header("X-Request-Id", "req-401").send().expect(401).header("X-Request-Id");
    assertEquals("req-401", problem);
  }

  @Test
  void metricsAreThePrometheusTextWithHttpAndJvmMeters() {
    // at least one request has been served and measured before the scrape
    api.get("/health/live").send().expect(200);
    Api.Response r = api.get("/metrics").send().expect(200);
    assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
    String text = r.body().toString();
    assertTrue(text.contains("# TYPE "), "Prometheus exposition format");
    assertTrue(Pattern.compile("(?m)^vertx_http_server_requests_total\\{.*route=\"/health/live\".*} [0-9.E]+$")
        .matcher(text).find(), () -> "no request counter of /health/live in:\n" + sample(text, "vertx_http_server"));
    assertTrue(Pattern.compile("(?m)^jvm_memory_used_bytes\\{.*} [0-9.E]+$").matcher(text).find(),
        () -> "no JVM memory meter in:\n" + sample(text, "jvm_memory"));
  }

  @Test
  void theContractIsServedAsTextWithEveryOperation() throws Exception {
    Api.Response r = api.get("/openapi.yaml").send().expect(200);
    assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
    String served = r.body().toString();
    assertTrue(served.startsWith("openapi: 3.1.0"), served.substring(0, Math.min(40, served.length())));
    // the contract file of the api-spec module (tests run in the server module's folder)
    String file = Files.readString(Path.of("../api-spec/src/main/resources/openapi/zhangban.yaml"));
    assertEquals(file, served);
    assertEquals(Contract.text(), served);

    List<String> operationIds = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s+operationId:\\s*(\\S+)\\s*$").matcher(file);
    while (m.find()) {
      operationIds.add(m.group(1));
    }
    assertTrue(operationIds.containsAll(List.of("healthLive", "healthReady", "metrics", "getContract",
        "listApplications", "overdueReport")), operationIds.toString());
    for (String op : operationIds) {
      assertTrue(served.contains("operationId: " + op), op);
    }
  }

  private static String sample(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).limit(20).reduce("", (a, b) -> a + b + "\n");
  }
}
