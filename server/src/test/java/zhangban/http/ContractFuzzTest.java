package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import zhangban.api.Contract;
import zhangban.support.Api;
import zhangban.support.TestServer;

/**
 * Every operation of the contract, called by every role with generated requests: values the
 * schemas allow, values they do not, and the bytes attackers like (an overlong NUL, stray bytes,
 * forged cursors, numbers in other spellings, unknown properties, huge and deeply nested values).
 * Whatever the request, the answer is below 500, matches the contract (the {@link Api} client
 * checks every response, and that every error is problem+json), and a refused request changed no
 * table. A parameter the contract types as an integer, sent as something else, must be refused.
 *
 * <p>The seed is printed; run one again with {@code -Dfuzz.seed=N} (and more rounds with
 * {@code -Dfuzz.rounds=N}, 5 by default).
 */
class ContractFuzzTest {
  static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
  static final int ROUNDS = Integer.getInteger("fuzz.rounds", 5);
  static TestServer server;
  static JsonObject contract;
  static Map<String, String> roles = new LinkedHashMap<>();
  static Map<String, List<String>> knownIds = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    server = TestServer.start();
    contract = new JsonObject((Map<String, Object>) new Yaml().load(Contract.text()));
    roles.put("anonymous", null);
    for (String user : List.of("citizen-zhang", "enterprise-wang", "officer-minzheng", "manager-sun", "admin-zhou",
        "integration-zhujian")) {
      roles.put(user, server.token(user));
    }
    String citizen = roles.get("citizen-zhang");
    String draft = server.api.post("/applications").token(citizen).idempotencyKey("fuzz-draft-1")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
    knownIds.put("id", List.of(draft));
    knownIds.put("code", List.of("MZ-HY-001"));
    knownIds.put("materialCode", List.of("id_card"));
    knownIds.put("year", List.of("2026"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void noGeneratedRequestGetsA5xxBreaksTheContractOrChangesDataWhenRefused() {
    System.out.println("ContractFuzzTest seed: " + SEED + " (rerun with -Dfuzz.seed=" + SEED + ")");
    Random random = new Random(SEED);
    List<String> failures = new ArrayList<>();
    int sent = 0;
    JsonObject paths = contract.getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      for (String method : List.of("get", "put", "post", "delete")) {
        JsonObject op = item.getJsonObject(method);
        if (op == null) {
          continue;
        }
        List<JsonObject> parameters = new ArrayList<>();
        item.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add(resolve((JsonObject) p)));
        op.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add(resolve((JsonObject) p)));
        JsonObject bodySchema = jsonBodySchema(op);
        for (String role : roles.keySet()) {
          for (int round = 0; round < ROUNDS; round++) {
            Attempt attempt = new Attempt(random, template, HttpMethod.valueOf(method.toUpperCase()), parameters,
                bodySchema, round);
            sent++;
            String failure = attempt.run(roles.get(role));
            if (failure != null) {
              failures.add(op.getString("operationId") + " as " + role + ": " + failure);
            }
          }
        }
      }
    }
    System.out.println("ContractFuzzTest: " + sent + " requests, " + failures.size() + " failures");
    if (!failures.isEmpty()) {
      fail("seed " + SEED + ", " + failures.size() + " of " + sent + " requests failed:\n  "
          + String.join("\n  ", failures.subList(0, Math.min(40, failures.size()))));
    }
  }

  /** One generated request: round 0 keeps to the schemas, later rounds break them. */
  static final class Attempt {
    final Random random;
    final String template;
    final HttpMethod method;
    final List<JsonObject> parameters;
    final JsonObject bodySchema;
    final boolean hostile;
    /** Set when the request breaks the contract in a way that must be refused. */
    String mustRefuse;

    Attempt(Random random, String template, HttpMethod method, List<JsonObject> parameters, JsonObject bodySchema,
            int round) {
      this.random = random;
      this.template = template;
      this.method = method;
      this.parameters = parameters;
      this.bodySchema = bodySchema;
      this.hostile = round > 0;
    }

    String run(String token) {
      String path = template;
      StringBuilder query = new StringBuilder();
      Map<String, String> headers = new LinkedHashMap<>();
      for (JsonObject p : parameters) {
        String name = p.getString("name");
        JsonObject schema = resolve(p.getJsonObject("schema", new JsonObject()));
        switch (p.getString("in")) {
          case "path" -> path = path.replace("{" + name + "}", encode(pathValue(name, schema)));
          case "query" -> {
            if (p.getBoolean("required", false) || random.nextBoolean()) {
              query.append(query.length() == 0 ? "?" : "&").append(name).append('=').append(queryValue(name, schema));
            }
          }
          case "header" -> headers.put(name, name.equalsIgnoreCase("Idempotency-Key")
              ? "fuzz-" + UUID.randomUUID() : text(schema));
          default -> { }
        }
      }
      Buffer body = bodySchema == null && !(hostile && random.nextInt(4) == 0) ? null : body();
      Map<String, Long> before = server.snapshot();
      Api.Call call = server.api.method(method, path + query).token(token);
      headers.forEach(call::header);
      Api.Response r;
      try {
        if (body == null) {
          r = call.send();
        } else {
          call.header("Content-Type", "application/json");
          r = call.raw(body);
        }
      } catch (AssertionError e) {
        return describe(path + query, body) + " -> " + e.getMessage();
      }
      if (r.status() >= 500) {
        return describe(path + query, body) + " -> " + r.status() + " " + r.body();
      }
      if (r.status() >= 400 && !before.equals(server.snapshot())) {
        return describe(path + query, body) + " -> " + r.status() + " but the database changed";
      }
      if (mustRefuse != null && r.status() < 400) {
        return describe(path + query, body) + " -> " + r.status() + " although " + mustRefuse;
      }
      return null;
    }

    String pathValue(String name, JsonObject schema) {
      List<String> known = knownIds.get(name);
      if (!hostile) {
        return known != null && random.nextBoolean() ? known.get(random.nextInt(known.size())) : value(schema).toString();
      }
      // no dot segments: the server resolves them to another resource (RFC 3986), as it should
      return pick(List.of(UUID.randomUUID().toString(), "...", "a\u0000b", "x".repeat(300), "-1", "%FF", "a/b",
          "99999999999999999999", "李娜", value(schema).toString()));
    }

    String queryValue(String name, JsonObject schema) {
      if (hostile && "integer".equals(schema.getString("type")) && random.nextInt(3) == 0) {
        String spelling = pick(List.of("1e2", "1.0", "%205", "0x10", "+5"));
        mustRefuse = "query " + name + "=" + spelling + " is not an integer";
        return spelling;
      }
      if (hostile && name.equals("cursor")) {
        return encode(Cursors.encode(pick(List.of("+294277-01-01T00:00:00Z|" + UUID.randomUUID(),
            "2026-11-25T02:00:00Z|" + UUID.randomUUID(), "\u0000|\u0000", "abc"))));
      }
      if (hostile && random.nextInt(3) == 0) {
        return pick(List.of("%C0%80", "%FF", "%ED%A0%80", "%00", "x".repeat(2000), "-1", "null", "%22%22"));
      }
      return encode(value(schema).toString());
    }

    Buffer body() {
      Object valid = bodySchema == null ? new JsonObject() : value(bodySchema);
      if (!hostile) {
        return Buffer.buffer(io.vertx.core.json.Json.encode(valid));
      }
      return switch (random.nextInt(8)) {
        case 0 -> withBytes(valid, new byte[] {(byte) 0xC0, (byte) 0x80}); // an overlong NUL
        case 1 -> withBytes(valid, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // an encoded surrogate
        case 2 -> Buffer.buffer("null");
        case 3 -> Buffer.buffer("[" .repeat(3000) + "]".repeat(3000));
        case 4 -> {
          JsonObject unknown = valid instanceof JsonObject o ? o.copy() : new JsonObject();
          for (int i = 0; i < 3000; i++) {
            unknown.put("unknown" + i, i);
          }
          yield Buffer.buffer(unknown.encode());
        }
        case 5 -> Buffer.buffer(io.vertx.core.json.Json.encode(mistyped(valid)));
        case 6 -> Buffer.buffer("{\"a\":");
        default -> Buffer.buffer(io.vertx.core.json.Json.encode(valid).replace("\"}", "\\u0000\"}"));
      };
    }

    /** The valid body with {@code bytes} put into its first string value. */
    Buffer withBytes(Object valid, byte[] bytes) {
      String text = io.vertx.core.json.Json.encode(valid);
      int quote = text.indexOf(":\"");
      if (quote < 0) {
        text = "{\"note\":\"x\"}";
        quote = text.indexOf(":\"");
      }
      byte[] head = text.substring(0, quote + 2).getBytes(StandardCharsets.UTF_8);
      byte[] tail = text.substring(quote + 2).getBytes(StandardCharsets.UTF_8);
      return Buffer.buffer(head).appendBytes(bytes).appendBytes(tail);
    }

    Object mistyped(Object valid) {
      if (valid instanceof JsonObject o && !o.isEmpty()) {
        JsonObject copy = o.copy();
        String field = new ArrayList<>(copy.fieldNames()).get(random.nextInt(copy.size()));
        copy.put(field, pick(List.<Object>of(12345, "text", true, new JsonArray().add(1), new JsonObject().put("x", 1),
            "x".repeat(100_000), -1e308)));
        return copy;
      }
      return "not an object";
    }

    /** A value the schema allows, as far as this simple generator can tell (patterns aside). */
    Object value(JsonObject schema) {
      schema = resolve(schema);
      if (schema.containsKey("example")) {
        return schema.getValue("example");
      }
      if (schema.containsKey("enum")) {
        JsonArray values = schema.getJsonArray("enum");
        return values.getValue(random.nextInt(values.size()));
      }
      for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
        if (schema.containsKey(combinator)) {
          JsonArray options = schema.getJsonArray(combinator);
          return value(options.getJsonObject(random.nextInt(options.size())));
        }
      }
      Object type = schema.getValue("type");
      if (type instanceof JsonArray types) {
        type = types.getString(0);
      }
      if (type == null) {
        type = schema.containsKey("properties") ? "object" : "string";
      }
      return switch (type.toString()) {
        case "object" -> {
          JsonObject out = new JsonObject();
          JsonObject properties = schema.getJsonObject("properties", new JsonObject());
          List<String> required = schema.getJsonArray("required", new JsonArray()).getList();
          for (String name : properties.fieldNames()) {
            if (required.contains(name) || random.nextBoolean()) {
              out.put(name, value(properties.getJsonObject(name)));
            }
          }
          yield out;
        }
        case "array" -> {
          JsonArray out = new JsonArray();
          int n = schema.getInteger("minItems", random.nextInt(3));
          for (int i = 0; i < n; i++) {
            out.add(value(schema.getJsonObject("items", new JsonObject())));
          }
          yield out;
        }
        case "integer" -> {
          long min = schema.getLong("minimum", 0L);
          long max = schema.getLong("maximum", min + 100);
          yield min + (long) (random.nextDouble() * (Math.min(max, min + 1000) - min));
        }
        case "number" -> schema.getDouble("minimum", 0.0) + random.nextDouble();
        case "boolean" -> random.nextBoolean();
        default -> text(schema);
      };
    }

    String text(JsonObject schema) {
      String format = schema.getString("format", "");
      return switch (format) {
        case "uuid" -> UUID.randomUUID().toString();
        case "date" -> "2026-12-0" + (1 + random.nextInt(9));
        case "date-time" -> "2026-11-25T02:00:00Z";
        default -> {
          int min = schema.getInteger("minLength", 1);
          int max = schema.getInteger("maxLength", 20);
          yield "fuzz" + "好".repeat(Math.max(0, Math.min(max, min + random.nextInt(5)) - 4));
        }
      };
    }

    <T> T pick(List<T> options) {
      return options.get(random.nextInt(options.size()));
    }

    static String describe(String target, Buffer body) {
      String shown = body == null ? "" : " " + (body.length() > 200 ? body.getString(0, 200) + "…" : body.toString());
      return target.length() > 300 ? target.substring(0, 300) + "…" + shown : target + shown;
    }
  }

  static JsonObject jsonBodySchema(JsonObject op) {
    JsonObject body = op.getJsonObject("requestBody");
    if (body == null) {
      return null;
    }
    body = resolve(body);
    JsonObject json = body.getJsonObject("content", new JsonObject()).getJsonObject("application/json");
    return json == null ? null : resolve(json.getJsonObject("schema", new JsonObject()));
  }

  /** Follows a local {@code $ref} ({@code #/components/...}); anything else as it is. */
  static JsonObject resolve(JsonObject node) {
    while (node != null && node.containsKey("$ref")) {
      JsonObject target = contract;
      for (String part : node.getString("$ref").substring(2).split("/")) {
        target = target.getJsonObject(part);
      }
      node = target;
    }
    return node;
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Test
  void theGeneratorFollowsLocalReferences() {
    JsonObject problem = resolve(new JsonObject().put("$ref", "#/components/schemas/Problem"));
    assertEquals("object", problem.getString("type"));
  }
}
