package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.api.Contract;
import zhangban.support.Api;
import zhangban.support.TestServer;

/**
 * Every problem type the server can answer with is a constant of {@link ProblemType} (the only way
 * to make an {@link ApiException}), listed in the contract's catalog with the same status, title
 * and meaning, in docs/problems.md, and explained at {@code GET /problems/{type}}. That every
 * problem answered anywhere in the suite is in the catalog, the test client checks on each answer.
 */
class ProblemCatalogTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, JsonObject> contractCatalog() {
    Map<String, JsonObject> out = new TreeMap<>();
    Contract.raw().getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem")
        .getJsonArray("x-problem-types").forEach(t -> out.put(((JsonObject) t).getString("type"), (JsonObject) t));
    return out;
  }

  static JsonObject described(ProblemType t) {
    return new JsonObject().put("type", t.uri()).put("status", t.status() == 0 ? null : t.status())
        .put("title", t.title()).put("description", t.meaning());
  }

  @Test
  void theContractCataloguesExactlyTheTypesTheCodeCanMake() {
    Map<String, JsonObject> code = new TreeMap<>();
    Arrays.stream(ProblemType.values()).forEach(t -> code.put(t.uri(), described(t)));
    assertEquals(code, contractCatalog());
  }

  @Test
  void theDocsListEveryType() throws Exception {
    String docs = Files.readString(Path.of("../docs/problems.md"));
    List<String> missing = new ArrayList<>();
    for (ProblemType t : ProblemType.values()) {
      if (!docs.contains("| `" + t.wire() + "` |")) {
        missing.add(t.wire());
      }
    }
    assertEquals(List.of(), missing, "problem types missing from docs/problems.md");
  }

  @Test
  void eachTypeIsExplainedAtItsPathWithoutAToken() {
    for (ProblemType t : ProblemType.values()) {
      Api.Response r = server.api.get("/problems/" + t.wire()).send().expect(200);
      assertEquals(described(t), r.json(), t.wire());
      assertTrue(r.header("Cache-Control").startsWith("public"), t.wire());
    }
    server.api.get("/problems/no-such-type").send().expect(404);
  }
}
