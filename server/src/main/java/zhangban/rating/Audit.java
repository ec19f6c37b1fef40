package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import zhangban.db.Timestamps;

/**
 * The trail of a rating and its case: one row per step, written with the step, never changed.
 * Rectification writes the steps of the case here too. Every step also reaches the listener, in
 * the step's transaction: what else must be recorded with it (the provincial platform's records).
 */
public final class Audit {
  /** Told of each step written, inside its transaction. */
  public interface Listener {
    Future<Void> recorded(SqlClient tx, UUID ratingId, UUID caseId, String action, Instant at);

    Listener NONE = (tx, ratingId, caseId, action, at) -> Future.succeededFuture();
  }

  private final Listener listener;

  public Audit(Listener listener) {
    this.listener = listener;
  }

  /** The actor and role of steps the server takes by itself. */
  public static final String SYSTEM = "system";
  private static final String INSERT = """
      insert into rating_audit (rating_id, case_id, action, actor, actor_role, note, details, at)
      values ($1, $2, $3, $4, $5, $6, $7, $8)
      """;
  private static final String FOR_RATING = """
      select action, actor, actor_role, note, details, at, case_id from rating_audit where rating_id = $1 order by id
      """;

  public Future<Void> record(SqlClient tx, UUID ratingId, UUID caseId, String action, String actor,
                             String actorRole, String note, JsonObject details, Instant at) {
    return tx.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(ratingId, caseId, action, actor, actorRole, note,
        details == null ? new JsonObject() : details, Timestamps.utc(at))))
        .compose(v -> listener.recorded(tx, ratingId, caseId, action, at));
  }

  /** The steps of a rating and its case, oldest first; {@code withActors} false hides who took them. */
  public static Future<JsonArray> steps(SqlClient c, UUID ratingId, boolean withActors) {
    return c.preparedQuery(FOR_RATING).execute(Tuple.of(ratingId)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        JsonObject step = new JsonObject()
            .put("action", r.getString("action"))
            .put("actorRole", r.getString("actor_role"))
            .put("note", r.getString("note"))
            .put("details", r.getJson("details"))
            .put("at", r.getOffsetDateTime("at").toInstant().toString());
        if (withActors) {
          step.put("actor", r.getString("actor"));
        }
        out.add(step);
      }
      return out;
    });
  }
}
