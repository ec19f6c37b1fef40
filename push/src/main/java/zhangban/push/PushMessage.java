package zhangban.push;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One push to one device, platform-neutral. {@code collapseKey} lets a newer push replace an older
 * one of the same application on the phone; {@code badge} is the user's unread count.
 */
public record PushMessage(String token, String title, String body, Map<String, String> data, String collapseKey,
                          boolean highPriority, int badge) {

  /** Stored in the outbox without the token (the job row has it). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("title", title).put("body", body)
        .put("data", new JsonObject(new LinkedHashMap<>(data)))
        .put("collapseKey", collapseKey).put("highPriority", highPriority).put("badge", badge);
  }

  public static PushMessage fromJson(String token, JsonObject j) {
    Map<String, String> data = new LinkedHashMap<>();
    j.getJsonObject("data", new JsonObject()).forEach(e -> data.put(e.getKey(), String.valueOf(e.getValue())));
    return new PushMessage(token, j.getString("title"), j.getString("body"), data, j.getString("collapseKey"),
        j.getBoolean("highPriority", false), j.getInteger("badge", 0));
  }
}
