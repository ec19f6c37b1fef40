package zhangban.outbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.function.Function;

/** A page of an outbox's dead letters, newest first, as the administrators' views answer it. */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * The page of {@code rows} (read with {@code limit + 1}, ordered by id descending): at most
   * {@code limit} items as {@code item} shows each, with the id of the last as the next cursor when
   * there are more. Every item carries its id, attempts, reason, and when it was queued and given up.
   */
  public static JsonObject page(RowSet<Row> rows, int limit, Function<Row, JsonObject> item) {
    JsonArray items = new JsonArray();
    Long last = null;
    int n = 0;
    for (Row r : rows) {
      if (n++ == limit) {
        break;
      }
      last = r.getLong("id");
      items.add(new JsonObject().put("id", last).mergeIn(item.apply(r))
          .put("attempts", r.getInteger("attempts"))
          .put("reason", r.getString("last_error"))
          .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
          .put("deadAt", r.getOffsetDateTime("updated_at").toInstant().toString()));
    }
    boolean more = rows.size() > limit;
    return new JsonObject().put("items", items).put("nextCursor", more ? String.valueOf(last) : null)
        .put("hasMore", more);
  }
}
