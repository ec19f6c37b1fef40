package zhangban.stats;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * CSV exports. Raw ratings are streamed from a database cursor, a chunk at a time, pausing while
 * the client's connection is full, so a year of ratings never sits in memory.
 */
public final class Exports {
  static final int FETCH = 500;
  static final List<String> RATING_COLUMNS = List.of("rating_id", "application_number", "stage", "level", "poor",
      "channel", "tags", "dictionary_version", "comment", "department", "region", "officer", "item_code",
      "item_version", "source", "defaulted", "excluded", "excluded_reason", "follow_up", "rated_at", "case_state",
      "case_close_reason");
  private static final String RATINGS = """
      select r.id, r.application_number, r.stage, r.level, r.poor, r.channel, r.tags, r.dictionary_version, r.comment,
             r.department, r.region, r.officer_subject, r.item_code, r.item_version, r.source, r.defaulted, r.excluded,
             r.excluded_reason, r.follow_up, r.rated_at, c.state as case_state, c.close_reason
      from rating r left join rectification_case c on c.rating_id = r.id
      where r.rated_at >= $1 and r.rated_at < $2 and ($3::text is null or r.department = $3)
        and ($4::text[] is null or r.department = any($4))
      order by r.rated_at, r.id
      """;
  static final List<String> STATS_COLUMNS = List.of("group", "group_name", "bucket", "invited", "active", "defaulted",
      "excluded", "level_1", "level_2", "level_3", "level_4", "level_5", "good", "poor", "good_rate", "poor_rate",
      "active_rate", "poor_verified_rate", "poor_rectified_rate", "poor_on_time_rate", "appeals_filed",
      "appeals_upheld", "follow_ups", "mean_follow_up");
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  private final Pool pool;
  private final ZoneId zone;

  public Exports(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  static void start(HttpServerResponse response, String fileName) {
    response.setChunked(true)
        .putHeader("Content-Type", Csv.CONTENT_TYPE)
        .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
        .putHeader("Cache-Control", "private, no-store");
  }

  /** A statistic as CSV: its rows are few (groups × buckets), written one line at a time. */
  public static void stats(HttpServerResponse response, JsonObject stats, String fileName) {
    start(response, fileName);
    response.write(Csv.BOM);
    response.write(Csv.line(STATS_COLUMNS));
    JsonArray rows = stats.getJsonArray("rows");
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.getJsonObject(i);
      JsonObject x = row.getJsonObject("indicators");
      JsonObject levels = x.getJsonObject("levels");
      response.write(Csv.line(Arrays.asList(row.getString("group"), row.getString("groupName"), row.getString("bucket"),
          x.getLong("invited"), x.getLong("active"), x.getLong("defaulted"), x.getLong("excluded"),
          levels.getLong("level1"), levels.getLong("level2"), levels.getLong("level3"), levels.getLong("level4"),
          levels.getLong("level5"),
          x.getLong("good"), x.getLong("poor"), x.getDouble("goodRate"), x.getDouble("poorRate"),
          x.getDouble("activeRate"), x.getDouble("poorVerifiedRate"), x.getDouble("poorRectifiedRate"),
          x.getDouble("poorOnTimeRate"), x.getLong("appealsFiled"), x.getLong("appealsUpheld"), x.getLong("followUps"),
          x.getDouble("meanFollowUp"))));
    }
    response.end();
  }

  /**
   * Streams the ratings of [from, to] (Shanghai days) of {@code department} when given, of {@code
   * regionDepartments} when not null, to {@code response}; answers when all were written.
   */
  public Future<Void> ratings(HttpServerResponse response, LocalDate from, LocalDate to, Optional<String> department,
                              String[] regionDepartments) {
    Tuple args = Tuple.of(from.atStartOfDay(zone).toOffsetDateTime(), to.plusDays(1).atStartOfDay(zone).toOffsetDateTime(),
        department.orElse(null), regionDepartments);
    return pool.withTransaction(conn -> conn.prepare(RATINGS).compose(ps -> {
      Promise<Void> done = Promise.promise();
      RowStream<Row> stream = ps.createStream(FETCH, args);
      start(response, "ratings-" + from + "-" + to + ".csv");
      response.write(Csv.BOM);
      response.write(Csv.line(RATING_COLUMNS));
      response.closeHandler(v -> {
        stream.close();
        done.tryFail("The client went away.");
      });
      stream.exceptionHandler(err -> {
        done.tryFail(err);
        response.reset();
      });
      stream.endHandler(v -> {
        response.end();
        done.tryComplete();
      });
      stream.handler(r -> {
        response.write(Csv.line(row(r)));
        if (response.writeQueueFull()) {
          stream.pause();
          response.drainHandler(x -> stream.resume());
        }
      });
      return done.future();
    }));
  }

  private List<Object> row(Row r) {
    List<Object> v = new ArrayList<>(RATING_COLUMNS.size());
    v.add(r.getUUID("id").toString());
    v.add(r.getString("application_number"));
    v.add(r.getString("stage"));
    v.add((int) r.getShort("level"));
    v.add(r.getBoolean("poor") ? 1 : 0);
    v.add(r.getString("channel"));
    v.add(String.join("|", r.getArrayOfStrings("tags")));
    v.add(r.getInteger("dictionary_version"));
    v.add(r.getString("comment"));
    v.add(r.getString("department"));
    v.add(r.getString("region"));
    v.add(r.getString("officer_subject"));
    v.add(r.getString("item_code"));
    v.add(r.getInteger("item_version"));
    v.add(r.getString("source"));
    v.add(r.getBoolean("defaulted") ? 1 : 0);
    v.add(r.getBoolean("excluded") ? 1 : 0);
    v.add(r.getString("excluded_reason"));
    v.add(r.getString("follow_up"));
    v.add(LOCAL.format(r.getOffsetDateTime("rated_at").atZoneSameInstant(zone)));
    v.add(r.getString("case_state"));
    v.add(r.getString("close_reason"));
    return v;
  }
}
