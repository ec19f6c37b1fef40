package zhangban.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import zhangban.db.Timestamps;
import zhangban.http.ApiException;
import zhangban.http.Cursors;

/** The notification centre: a user reads only their own entries. */
public final class Inbox {
  private static final String LIST = """
      select id, kind, category, application_id, params, created_at, read_at from notification
      where user_subject = $1 and (not $2 or read_at is null)
        and ($3::timestamptz is null or (created_at, id) < ($3, $4::uuid))
      order by created_at desc, id desc
      limit $5
      """;
  private static final String UNREAD = "select count(*) from notification where user_subject = $1 and read_at is null";
  private static final String MARK = """
      update notification set read_at = coalesce(read_at, $3) where id = $1 and user_subject = $2 returning id
      """;
  private static final String MARK_ALL = """
      update notification set read_at = $2 where user_subject = $1 and read_at is null
      """;

  private final Pool pool;
  private final Templates templates;

  public Inbox(Pool pool, Templates templates) {
    this.pool = pool;
    this.templates = templates;
  }

  public Future<JsonObject> list(String subject, String locale, boolean unreadOnly, String cursor, int limit) {
    OffsetDateTime afterAt = null;
    UUID afterId = null;
    if (cursor != null) {
      Cursors.TimeAndId after = Cursors.decodeTimeAndId(cursor);
      afterAt = after.at();
      afterId = after.id();
    }
    return pool.preparedQuery(LIST).execute(Tuple.of(subject, unreadOnly, afterAt, afterId, limit + 1))
        .compose(rows -> unread(subject).map(count -> {
          JsonArray items = new JsonArray();
          String next = null;
          int n = 0;
          for (Row r : rows) {
            if (n++ == limit) {
              break;
            }
            items.add(render(r, locale));
            next = Cursors.encodeTimeAndId(r.getOffsetDateTime("created_at"), r.getUUID("id"));
          }
          return new JsonObject().put("items", items)
              .put("nextCursor", rows.size() > limit ? next : null)
              .put("hasMore", rows.size() > limit)
              .put("unreadCount", count);
        }));
  }

  public Future<Long> unread(String subject) {
    return pool.preparedQuery(UNREAD).execute(Tuple.of(subject)).map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Long> markRead(String subject, UUID id, Instant now) {
    return pool.preparedQuery(MARK).execute(Tuple.of(id, subject, Timestamps.utc(now))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("No notification " + id + "."));
      }
      return unread(subject);
    });
  }

  public Future<Integer> markAllRead(String subject, Instant now) {
    return pool.preparedQuery(MARK_ALL).execute(Tuple.of(subject, Timestamps.utc(now))).map(r -> r.rowCount());
  }

  private JsonObject render(Row r, String locale) {
    String kind = r.getString("kind");
    JsonObject params = (JsonObject) r.getJson("params");
    Templates.Text text = templates.render(kind, locale, params);
    UUID app = r.getUUID("application_id");
    String deepLink = params.getString("deepLink", app == null ? null : "zhangban://applications/" + app);
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("kind", kind)
        .put("category", r.getString("category"))
        .put("title", text.title())
        .put("body", text.body())
        .put("applicationId", app == null ? null : app.toString())
        .put("deepLink", deepLink)
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("read", r.getOffsetDateTime("read_at") != null);
  }
}
