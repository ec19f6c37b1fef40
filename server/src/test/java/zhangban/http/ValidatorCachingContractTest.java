package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.api.Contract;

/**
 * A schema's validator is built once and then shared by every request on every thread: each
 * value must still be judged on its own, valid or not, however the calls interleave.
 */
class ValidatorCachingContractTest {
  static Vertx vertx;
  static OpenAPIContract contract;
  static JsonSchema ratingInput;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    contract = new ValidatorCachingContract(Contract.load(vertx).await());
    ratingInput = contract.operation("rateApplication").getRequestBody().getContent().get("application/json").getSchema();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void aSchemaHasOneValidator() {
    assertSame(contract.getSchemaRepository().validator(ratingInput), contract.getSchemaRepository().validator(ratingInput));
  }

  @Test
  void aSharedValidatorJudgesEachValueOnItsOwnAcrossThreads() throws Exception {
    Validator validator = contract.getSchemaRepository().validator(ratingInput);
    List<JsonObject> bodies = List.of(
        new JsonObject().put("level", 5),
        new JsonObject().put("level", 9),
        new JsonObject().put("level", 1).put("tags", List.of("efficiency")).put("dictionaryVersion", 1),
        new JsonObject().put("level", 4).put("unknown", true),
        new JsonObject().put("level", 3).put("channel", "hall"),
        new JsonObject().put("level", 2).put("comment", "x".repeat(2001)));
    List<Boolean> expected = List.of(true, false, true, false, false, false);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 6_000; i++) {
        JsonObject body = bodies.get(i % bodies.size());
        calls.add(() -> validator.validate(body).getValid());
      }
      List<Future<Boolean>> results = threads.invokeAll(calls);
      for (int i = 0; i < results.size(); i++) {
        assertEquals(expected.get(i % bodies.size()), results.get(i).get(), "body " + bodies.get(i % bodies.size()));
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
