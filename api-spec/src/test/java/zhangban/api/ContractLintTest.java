package zhangban.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build's lint of the contract: it must parse as OpenAPI 3.1 for the router, and keep the
 * house rules a generic linter does not know. Each rule lists every offender at once.
 */
class ContractLintTest {
  static Vertx vertx;
  static JsonObject doc;
  static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
  static final String REQUEST_ID = "#/components/parameters/RequestId";
  static final String REQUEST_ID_HEADER = "#/components/headers/RequestId";
  /** Schemas no operation carries, there for the apps' generated clients: what a push delivers. */
  static final Set<String> FOR_APPS_ONLY = Set.of("PushNotification");
  static final Set<String> NEVER_REFUSED = Set.of(REQUEST_ID, "#/components/parameters/IfNoneMatch");

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    doc = Contract.raw();
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @Test
  void parsesAsOpenApi31ForTheRouter() throws Exception {
    assertEquals("3.1.0", doc.getString("openapi"));
    OpenAPIContract contract = Contract.load(vertx).await(30, TimeUnit.SECONDS);
    assertTrue(contract.operations().size() >= 30, "operations: " + contract.operations().size());
  }

  @Test
  void everyOperationHasAnIdASummaryAndADeclaredTag() {
    Set<String> tags = new HashSet<>();
    doc.getJsonArray("tags").forEach(t -> tags.add(((JsonObject) t).getString("name")));
    Set<String> ids = new HashSet<>();
    List<String> offenders = new ArrayList<>();
    forEachOperation((where, op) -> {
      if (op.getString("operationId") == null || !ids.add(op.getString("operationId"))) {
        offenders.add(where + ": missing or duplicate operationId");
      }
      if (op.getString("summary") == null || op.getString("summary").isBlank()) {
        offenders.add(where + ": no summary");
      }
      JsonArray opTags = op.getJsonArray("tags", new JsonArray());
      if (opTags.isEmpty() || !opTags.stream().allMatch(tags::contains)) {
        offenders.add(where + ": tags must be declared at the top level");
      }
    });
    assertEquals(List.of(), offenders);
  }

  @Test
  void protectedOperationsDeclare401AndWritesDeclare400And413And415() {
    List<String> offenders = new ArrayList<>();
    forEachOperation((where, op) -> {
      JsonObject responses = op.getJsonObject("responses");
      boolean isPublic = op.getJsonArray("security") != null && op.getJsonArray("security").isEmpty();
      if (!isPublic && !responses.containsKey("401")) {
        offenders.add(where + ": protected but no 401");
      }
      JsonObject body = op.getJsonObject("requestBody");
      if (body != null && body.getJsonObject("content").containsKey("application/json")) {
        if (!responses.containsKey("400") || !responses.containsKey("413") || !responses.containsKey("415")) {
          offenders.add(where + ": takes JSON but lacks 400, 413 or 415");
        }
      }
      // X-Request-Id and If-None-Match are never refused (another value is replaced, or does not match)
      boolean hasParams = op.getJsonArray("parameters", new JsonArray()).stream()
          .anyMatch(x -> !NEVER_REFUSED.contains(((JsonObject) x).getString("$ref", ""))) || where.contains("{");
      if (hasParams && !responses.containsKey("400") && !where.startsWith("get /health")) {
        offenders.add(where + ": has parameters but no 400");
      }
    });
    assertEquals(List.of(), offenders);
  }

  @Test
  void everyErrorResponseIsProblemJson() {
    List<String> offenders = new ArrayList<>();
    JsonObject shared = doc.getJsonObject("components").getJsonObject("responses");
    forEachOperation((where, op) -> op.getJsonObject("responses").forEach(e -> {
      int status = Integer.parseInt(e.getKey());
      if (status < 400 || where.equals("get /health/ready")) {
        return;
      }
      JsonObject response = (JsonObject) e.getValue();
      String ref = response.getString("$ref");
      if (ref != null) {
        response = shared.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
      }
      JsonObject content = response.getJsonObject("content", new JsonObject());
      if (!content.containsKey("application/problem+json") || content.size() != 1) {
        offenders.add(where + " " + status + ": not application/problem+json");
      }
    }));
    assertEquals(List.of(), offenders);
  }

  /**
   * The server tags every JSON answer to a GET (Http.send) and answers 304 to a matching
   * If-None-Match: the contract says so on each, so that generated clients expose both. Health
   * checks and the problem catalog are answered by handlers of their own, untagged.
   */
  @Test
  void everyJsonReadDeclaresItsETagAndNotModified() {
    List<String> offenders = new ArrayList<>();
    forEachOperation((where, op) -> {
      JsonObject ok = op.getJsonObject("responses").getJsonObject("200");
      if (!where.startsWith("get ") || where.startsWith("get /health") || where.startsWith("get /problems")
          || ok == null || ok.containsKey("$ref")
          || !ok.getJsonObject("content", new JsonObject()).containsKey("application/json")) {
        return;
      }
      boolean ifNoneMatch = op.getJsonArray("parameters", new JsonArray()).stream()
          .anyMatch(x -> ((JsonObject) x).getString("$ref", "").endsWith("/IfNoneMatch"));
      boolean etag = ok.getJsonObject("headers", new JsonObject()).containsKey("ETag");
      if (!ifNoneMatch || !etag || !op.getJsonObject("responses").containsKey("304")) {
        offenders.add(where + ": a JSON read without If-None-Match, its ETag or 304");
      }
    });
    assertEquals(List.of(), offenders);
  }

  /**
   * Bodies refuse what they do not name, except the bodies another party defines (an SMS
   * provider's callbacks, marked {@code x-provider-defined}): it may add fields without asking.
   */
  @Test
  void requestBodiesRefuseUnknownFields() {
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    List<String> offenders = new ArrayList<>();
    forEachOperation((where, op) -> {
      JsonObject body = op.getJsonObject("requestBody");
      if (body == null || !body.getJsonObject("content").containsKey("application/json")) {
        return;
      }
      JsonObject schema = body.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema");
      String ref = schema.getString("$ref");
      if (ref != null) {
        schema = schemas.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
      }
      if (schema.getBoolean("x-provider-defined", false)) {
        return;
      }
      if (!Boolean.FALSE.equals(schema.getValue("additionalProperties"))) {
        offenders.add(where + ": request body allows unknown fields");
      }
    });
    assertEquals(List.of(), offenders);
  }

  @Test
  void everyComponentIsUsedAndEveryReferenceResolves() {
    String text = Contract.text();
    JsonObject components = doc.getJsonObject("components");
    List<String> offenders = new ArrayList<>();
    Matcher refs = Pattern.compile("\\$ref: '#/components/(\\w+)/(\\w+)'").matcher(text);
    Set<String> used = new HashSet<>();
    while (refs.find()) {
      used.add(refs.group(1) + "/" + refs.group(2));
      JsonObject section = components.getJsonObject(refs.group(1));
      if (section == null || !section.containsKey(refs.group(2))) {
        offenders.add("unresolved " + refs.group());
      }
    }
    for (String section : List.of("schemas", "responses", "parameters", "headers")) {
      for (String name : components.getJsonObject(section).fieldNames()) {
        if (!used.contains(section + "/" + name) && !(section.equals("schemas") && FOR_APPS_ONLY.contains(name))) {
          offenders.add("unused " + section + "/" + name);
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void pathParametersAreBounded() {
    List<String> offenders = new ArrayList<>();
    JsonObject shared = doc.getJsonObject("components").getJsonObject("parameters");
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    doc.getJsonObject("paths").forEach(p -> {
      JsonObject item = (JsonObject) p.getValue();
      List<JsonObject> params = new ArrayList<>();
      item.getJsonArray("parameters", new JsonArray()).forEach(x -> params.add((JsonObject) x));
      item.forEach(e -> {
        if (METHODS.contains(e.getKey())) {
          ((JsonObject) e.getValue()).getJsonArray("parameters", new JsonArray()).forEach(x -> params.add((JsonObject) x));
        }
      });
      for (JsonObject o : params) {
        JsonObject param = o;
        if (param.containsKey("$ref")) {
          String ref = param.getString("$ref");
          param = shared.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
        }
        if (!"path".equals(param.getString("in"))) {
          continue;
        }
        JsonObject schema = param.getJsonObject("schema");
        if (schema.containsKey("$ref")) {
          String ref = schema.getString("$ref");
          schema = schemas.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
        }
        boolean bounded = schema.containsKey("pattern") || schema.containsKey("format")
            || (schema.containsKey("minimum") && schema.containsKey("maximum"));
        if (!bounded) {
          offenders.add(p.getKey() + " {" + param.getString("name") + "} is unbounded");
        }
      }
    });
    assertEquals(List.of(), offenders);
  }

  @Test
  void everyOperationTakesTheRequestIdAndEveryResponseCarriesIt() {
    JsonObject shared = doc.getJsonObject("components").getJsonObject("responses");
    List<String> offenders = new ArrayList<>();
    forEachOperation((where, op) -> {
      if (op.getJsonArray("parameters", new JsonArray()).stream()
          .noneMatch(x -> REQUEST_ID.equals(((JsonObject) x).getString("$ref")))) {
        offenders.add(where + ": no X-Request-Id parameter");
      }
      op.getJsonObject("responses").forEach(e -> {
        JsonObject response = (JsonObject) e.getValue();
        String ref = response.getString("$ref");
        if (ref != null) {
          response = shared.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
        }
        JsonObject header = response.getJsonObject("headers", new JsonObject()).getJsonObject("X-Request-Id");
        if (header == null || !REQUEST_ID_HEADER.equals(header.getString("$ref"))) {
          offenders.add(where + " " + e.getKey() + ": no X-Request-Id header");
        }
      });
    });
    assertEquals(List.of(), offenders);
  }

  /**
   * Generated clients name what the contract leaves unnamed after where they found it
   * ({@code ListApplications200Response}, {@code StatusEnum}): every body, every object inside a
   * schema and every enum is a named component instead.
   */
  @Test
  void everyBodyObjectAndEnumIsANamedSchema() {
    List<String> offenders = new ArrayList<>();
    forEachOperation((where, op) -> {
      List<JsonObject> contents = new ArrayList<>();
      JsonObject body = op.getJsonObject("requestBody");
      if (body != null) {
        contents.add(body.getJsonObject("content"));
      }
      op.getJsonObject("responses").forEach(e -> {
        JsonObject content = ((JsonObject) e.getValue()).getJsonObject("content");
        if (content != null) {
          contents.add(content);
        }
      });
      for (JsonObject content : contents) {
        content.forEach(c -> {
          if (!((JsonObject) c.getValue()).getJsonObject("schema").containsKey("$ref")) {
            offenders.add(where + " " + c.getKey() + ": body schema is not a named component");
          }
        });
      }
      op.getJsonArray("parameters", new JsonArray()).forEach(x -> unnamed(where + " " + ((JsonObject) x)
          .getString("name"), ((JsonObject) x).getJsonObject("schema"), false, offenders));
    });
    doc.getJsonObject("components").getJsonObject("parameters").forEach(e -> unnamed("parameter " + e.getKey(),
        ((JsonObject) e.getValue()).getJsonObject("schema"), false, offenders));
    doc.getJsonObject("components").getJsonObject("schemas").forEach(e -> unnamed("schema " + e.getKey(),
        (JsonObject) e.getValue(), true, offenders));
    assertEquals(List.of(), offenders);
  }

  /** Adds to {@code offenders} every inline object or enum in {@code schema} below its top. */
  private static void unnamed(String where, JsonObject schema, boolean top, List<String> offenders) {
    if (schema == null) {
      return;
    }
    if (!top && schema.containsKey("enum")) {
      offenders.add(where + ": inline enum");
    }
    if (!top && schema.containsKey("properties")) {
      offenders.add(where + ": inline object");
    }
    schema.getJsonObject("properties", new JsonObject()).forEach(p -> {
      if (p.getValue() instanceof JsonObject property) {
        unnamed(where + "." + p.getKey(), property, false, offenders);
      }
    });
    if (schema.getValue("items") instanceof JsonObject items) {
      unnamed(where + "[]", items, false, offenders);
    }
    if (schema.getValue("additionalProperties") instanceof JsonObject values) {
      unnamed(where + "{}", values, false, offenders);
    }
    for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
      schema.getJsonArray(combinator, new JsonArray()).forEach(x -> unnamed(where, (JsonObject) x, false, offenders));
    }
  }

  interface OperationVisitor {
    void visit(String where, JsonObject operation);
  }

  static void forEachOperation(OperationVisitor visitor) {
    doc.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).forEach(e -> {
      if (METHODS.contains(e.getKey())) {
        visitor.visit(e.getKey() + " " + p.getKey(), (JsonObject) e.getValue());
      }
    }));
  }
}
