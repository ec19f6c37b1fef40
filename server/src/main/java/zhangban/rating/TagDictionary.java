package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.Set;
import zhangban.db.Timestamps;
import zhangban.http.ApiException;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/**
 * The reason tags a rating may carry, per level and channel group (online, offline), as
 * versions: an edit publishes a new version and every rating keeps the version it used.
 */
public final class TagDictionary {
  private static final String CURRENT = """
      select version, tags, note, created_at from rating_tag_dictionary order by version desc limit 1
      """;
  private static final String BY_VERSION = """
      select version, tags, note, created_at from rating_tag_dictionary where version = $1
      """;
  /** Publishing is serialised so that two admins cannot both create version n + 1. */
  private static final String LOCK = "select pg_advisory_xact_lock(hashtext('rating_tag_dictionary'))";
  private static final String INSERT = """
      insert into rating_tag_dictionary (version, tags, note, created_by, created_at)
      select coalesce(max(version), 0) + 1, $1, $2, $3, $4 from rating_tag_dictionary
      returning version, tags, note, created_at
      """;

  /** One published version. */
  public record Version(int version, JsonArray tags, String note, java.time.Instant createdAt) {
    Optional<JsonObject> tag(String code) {
      for (int i = 0; i < tags.size(); i++) {
        if (tags.getJsonObject(i).getString("code").equals(code)) {
          return Optional.of(tags.getJsonObject(i));
        }
      }
      return Optional.empty();
    }

    /** The view, optionally narrowed to one channel group and one level. */
    JsonObject toJson(Optional<String> group, Optional<Integer> level) {
      JsonArray shown = new JsonArray();
      tags.forEach(o -> {
        JsonObject t = (JsonObject) o;
        boolean groupFits = group.map(g -> g.equals(t.getString("group"))).orElse(true);
        boolean levelFits = level.map(l -> t.getJsonArray("levels").contains(l)).orElse(true);
        if (groupFits && levelFits) {
          shown.add(t);
        }
      });
      return new JsonObject().put("version", version).put("note", note).put("createdAt", createdAt.toString())
          .put("tags", shown);
    }
  }

  private final Pool pool;
  private final Clock clock;
  private final Map<Integer, Version> published = new ConcurrentHashMap<>();

  public TagDictionary(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public Future<Version> current(SqlClient c) {
    return c.preparedQuery(CURRENT).execute().map(rows -> read(rows.iterator().next()));
  }

  /**
   * A published version, from memory after its first read: a version is never changed once
   * published (ratings keep the one they used), so no read can find it otherwise.
   */
  Future<Version> published(int version) {
    Version known = published.get(version);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return version(pool, version).map(found -> {
      Version v = found.orElseThrow(() -> new IllegalStateException("No dictionary version " + version));
      published.put(version, v);
      return v;
    });
  }

  /** A published version this process has read already; empty when it has not (yet). */
  Optional<Version> known(int version) {
    return Optional.ofNullable(published.get(version));
  }

  public Future<Optional<Version>> version(SqlClient c, int version) {
    return c.preparedQuery(BY_VERSION).execute(Tuple.of(version))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
  }

  public Future<JsonObject> view(Optional<Integer> version, Optional<String> group, Optional<Integer> level) {
    Future<Version> found = version.isPresent()
        ? version(pool, version.get()).map(v -> v.orElseThrow(() ->
            ApiException.notFound("No rating tag dictionary version " + version.get() + ".")))
        : current(pool);
    return found.map(v -> v.toJson(group, level));
  }

  /** Publishes {@code in.tags} as the next version (admin). */
  public Future<JsonObject> publish(Principal p, JsonObject in) {
    if (!p.has(Role.ADMIN)) {
      throw ApiException.forbidden("Only administrators edit the rating tag dictionary.");
    }
    JsonArray tags = in.getJsonArray("tags");
    JsonArray errors = new JsonArray();
    Set<String> codes = new HashSet<>();
    JsonArray stored = new JsonArray();
    for (int i = 0; i < tags.size(); i++) {
      JsonObject t = tags.getJsonObject(i);
      if (!codes.add(t.getString("code"))) {
        errors.add(ApiException.fieldError("/tags/" + i + "/code", "Used twice."));
      }
      List<Integer> levels = t.getJsonArray("levels").stream().map(l -> ((Number) l).intValue()).distinct().sorted().toList();
      stored.add(new JsonObject().put("code", t.getString("code")).put("group", t.getString("group"))
          .put("levels", new JsonArray(levels)).put("label", t.getJsonObject("label")));
    }
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable("The dictionary has duplicate tags.", errors);
    }
    return pool.withTransaction(tx -> tx.query(LOCK).execute()
        .compose(v -> tx.preparedQuery(INSERT).execute(Tuple.of(stored, in.getString("note"), p.subject(),
            Timestamps.utc(clock.instant()))))
        .map(rows -> read(rows.iterator().next()).toJson(Optional.empty(), Optional.empty())));
  }

  private static Version read(Row r) {
    Object tags = r.getJson("tags");
    return new Version(r.getInteger("version"), tags instanceof JsonArray a ? a : new JsonArray(String.valueOf(tags)),
        r.getString("note"), r.getOffsetDateTime("created_at").toInstant());
  }
}
