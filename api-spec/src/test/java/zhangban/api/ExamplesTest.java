package zhangban.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every operation shows a request example for its JSON body and a response example for every
 * status that has a JSON body, the schemas no operation carries (the push) show theirs, and every
 * example is valid against its schema: an app team reading the docs sees what really comes, and a changed schema cannot leave
 * a stale example behind. A problem's example carries the status it is declared under.
 */
class ExamplesTest {
  static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
  static final String BASE = "https://zhangban.test/openapi.yaml";
  static final JsonObject DOC = Contract.raw();
  static final SchemaRepository SCHEMAS = SchemaRepository
      .create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setOutputFormat(io.vertx.json.schema.OutputFormat.Basic).setBaseUri("https://zhangban.test/"))
      .dereference(BASE, JsonSchema.of(DOC.copy())); // dereferencing annotates the tree it is given

  @Test
  void everyBodyHasAnExampleThatItsSchemaAccepts() {
    List<String> offenders = new ArrayList<>();
    int checked = 0;
    for (String section : List.of("paths")) {
      for (var path : DOC.getJsonObject(section)) {
        for (var method : (JsonObject) path.getValue()) {
          if (!METHODS.contains(method.getKey())) {
            continue;
          }
          JsonObject op = (JsonObject) method.getValue();
          String where = op.getString("operationId");
          JsonObject body = op.getJsonObject("requestBody");
          if (body != null) {
            checked += check(where + " request", body.getJsonObject("content"), null, offenders);
          }
          for (var response : op.getJsonObject("responses")) {
            JsonObject r = (JsonObject) response.getValue();
            String ref = r.getString("$ref");
            if (ref != null) {
              r = DOC.getJsonObject("components").getJsonObject("responses")
                  .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
            }
            checked += check(where + " " + response.getKey(), r.getJsonObject("content"),
                Integer.valueOf(response.getKey()), offenders);
          }
        }
      }
    }
    for (String name : ContractLintTest.FOR_APPS_ONLY) {
      var examples = DOC.getJsonObject("components").getJsonObject("schemas").getJsonObject(name)
          .getJsonArray("examples", new io.vertx.core.json.JsonArray());
      if (examples.isEmpty()) {
        offenders.add(name + ": no examples");
      }
      for (Object example : examples) {
        OutputUnit out = SCHEMAS.validator(JsonSchema.of(new JsonObject().put("$ref", BASE + "#/components/schemas/"
            + name))).validate(example);
        if (!out.getValid()) {
          offenders.add(name + ": an example breaks it: " + out.getErrors());
        }
      }
    }
    assertEquals(List.of(), offenders);
    assertTrue(checked > 150, "examples checked: " + checked);
  }

  /** Checks the JSON media type of {@code content}, if any; answers 1 when it had an example to check. */
  private static int check(String where, JsonObject content, Integer status, List<String> offenders) {
    if (content == null) {
      return 0;
    }
    JsonObject media = content.getJsonObject("application/json", content.getJsonObject("application/problem+json"));
    if (media == null) {
      return 0;
    }
    if (!media.containsKey("example")) {
      offenders.add(where + ": no example");
      return 0;
    }
    String ref = media.getJsonObject("schema").getString("$ref");
    if (ref == null) {
      offenders.add(where + ": the schema is not a named component");
      return 0;
    }
    Object example = media.getValue("example");
    OutputUnit out = SCHEMAS.validator(JsonSchema.of(new JsonObject().put("$ref", BASE + ref))).validate(example);
    if (!out.getValid()) {
      offenders.add(where + ": the example breaks " + ref + ": " + out.getErrors());
    }
    if (ref.endsWith("/Problem") && !status.equals(((JsonObject) example).getInteger("status"))) {
      offenders.add(where + ": the problem example has status " + ((JsonObject) example).getInteger("status"));
    }
    return 1;
  }
}
