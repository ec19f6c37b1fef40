package zhangban.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records, when {@code ZHANGBAN_RECORD_EXAMPLES} names a file, for each operation a valid JSON
 * request body and for each operation and status a valid JSON response that the suite sees (the
 * fullest one up to {@value #MAX_CHARS} characters, so lists show items), and writes them there at exit: the source of the contract's examples (docs/api.md says how
 * to refresh them). Off otherwise.
 */
final class Examples {
  private static final String TARGET = System.getenv("ZHANGBAN_RECORD_EXAMPLES");
  private static final int MAX_CHARS = 3000;
  private static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

  static {
    if (TARGET != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        JsonObject out = new JsonObject();
        SEEN.keySet().stream().sorted().forEach(k -> out.put(k, SEEN.get(k)));
        try {
          Files.writeString(Path.of(TARGET), out.encodePrettily());
        } catch (java.io.IOException e) {
          // a recording, not a result
        }
      }));
    }
  }

  private Examples() {}

  static void request(Operation op, int status, Buffer body) {
    if (TARGET != null && op != null && status < 300) {
      keep(op.getOperationId() + " request", body);
    }
  }

  static void response(Operation op, int status, String contentType, Buffer body) {
    if (TARGET != null && contentType != null && (contentType.startsWith("application/json")
        || contentType.startsWith("application/problem+json"))) {
      keep(op.getOperationId() + " " + status, body);
    }
  }

  private static void keep(String key, Buffer body) {
    if (body == null || body.length() == 0 || body.length() > MAX_CHARS) {
      return;
    }
    Object json;
    try {
      json = io.vertx.core.json.Json.decodeValue(body.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return;
    }
    if (json == null) {
      return;
    }
    SEEN.merge(key, json, (old, now) -> String.valueOf(now).length() > String.valueOf(old).length() ? now : old);
  }
}
