package zhangban.bulletin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import zhangban.db.Timestamps;
import zhangban.filing.Supervision;
import zhangban.http.ApiException;
import zhangban.http.Cursors;
import zhangban.identity.Scope;
import zhangban.notify.Notifier;
import zhangban.region.RegionStore;
import zhangban.stats.StatsService;

/**
 * The weekly 通报 of a region: built from the statistics of the week and the week before (as
 * {@code GET /stats/ratings} gives them for the region), overdue supervision and the rectification
 * cases as they stand, kept once per region and week, and announced to the region's managers.
 */
public final class Bulletins {
  /**
   * Keeps a bulletin unless the region's bulletin of that week is kept already (another replica,
   * another manager): the unique key decides, and only the one inserted is returned. $8 is when it
   * is announced: now when built on schedule, else not yet.
   */
  private static final String INSERT = """
      insert into weekly_bulletin (id, region, region_name, week_start, built_at, built_by, content, announced_at)
      values ($1, $2, $3, $4, $5, $6, $7, $8)
      on conflict (region, week_start) do nothing
      returning id
      """;
  /** Marks the kept bulletin of region $1 and week $2 announced at $3, unless it was: the one that does it tells. */
  private static final String ANNOUNCE = """
      update weekly_bulletin set announced_at = $3
      where region = $1 and week_start = $2 and announced_at is null
      returning id, region_name
      """;
  private static final String SELECT = """
      select id, region, region_name, week_start, built_at, built_by, content from weekly_bulletin
      """;
  private static final String BY_ID = SELECT + "where id = $1";
  private static final String BY_REGION_AND_WEEK = SELECT + "where region = $1 and week_start = $2";
  /** Which of regions $1 have their bulletin of the week from $2 kept and announced. */
  private static final String ANNOUNCED_OF = """
      select region from weekly_bulletin where region = any($1) and week_start = $2 and announced_at is not null
      """;
  /**
   * A page of the bulletins of regions $1 (every region when null; only region $2 when given), the most recently built
   * first, after the cursor ($3, $4), at most $5.
   */
  private static final String LIST = """
      select id, region, region_name, week_start, built_at, built_by from weekly_bulletin
      where ($1::text[] is null or region = any($1)) and ($2::text is null or region = $2)
        and ($3::timestamptz is null or (built_at, id) < ($3, $4::uuid))
      order by built_at desc, id desc
      limit $5
      """;
  /** Who built a bulletin on schedule (otherwise: the manager's subject). */
  public static final String SCHEDULE = "schedule";
  /** How many departments a bulletin names best and worst. */
  static final int RANKED = 5;

  private final Pool pool;
  private final StatsService stats;
  private final Supervision supervision;
  private final RegionStore regions;
  private final Notifier notifier;
  private final Clock clock;
  private final ZoneId zone;

  public Bulletins(Pool pool, StatsService stats, Supervision supervision, RegionStore regions, Notifier notifier,
                   Clock clock, ZoneId zone) {
    this.pool = pool;
    this.stats = stats;
    this.supervision = supervision;
    this.regions = regions;
    this.notifier = notifier;
    this.clock = clock;
    this.zone = zone;
  }

  public LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  /** A built bulletin, and whether this call built it. */
  public record Built(boolean created, JsonObject bulletin) {}

  /**
   * The bulletin of {@code region} for the week from {@code weekStart} (a Monday of a week that has
   * ended): the one kept, or one built now by {@code builtBy}. The schedule announces the week's
   * bulletin to the region's managers in the transaction that keeps it, or that marks announced
   * the one a manager built before the scheduled moment; a bulletin a manager asks for is not
   * announced then (building past weeks would flood the others' inboxes).
   */
  public Future<Built> build(String region, LocalDate weekStart, String builtBy) {
    if (weekStart.getDayOfWeek() != DayOfWeek.MONDAY) {
      throw refused("/weekStart", "A week starts on a Monday; " + weekStart + " is a "
          + weekStart.getDayOfWeek() + ".");
    }
    if (!weekStart.plusDays(6).isBefore(today())) {
      throw refused("/weekStart", "The week from " + weekStart + " has not ended.");
    }
    return kept(region, weekStart).compose(existing -> existing.isEmpty() ? buildNew(region, weekStart, builtBy)
        : builtBy.equals(SCHEDULE) ? announce(region, weekStart).map(new Built(false, existing.get()))
        : Future.succeededFuture(new Built(false, existing.get())));
  }

  /** The region's name and the departments it covers, then the content, kept unless another was first. */
  private Future<Built> buildNew(String region, LocalDate weekStart, String builtBy) {
    Future<Optional<JsonObject>> named = regions.get(region);
    Future<Optional<Scope>> covered = regions.scopeOf(region);
    return Future.all(named, covered).compose(both -> {
      if (named.result().isEmpty() || covered.result().isEmpty()) {
        throw refused("/region", "No region " + region + ".");
      }
      return content(covered.result().get(), weekStart)
          .compose(content -> keep(region, named.result().get().getString("name"), weekStart, builtBy, content));
    });
  }

  /**
   * Which of {@code codes} have no bulletin kept and announced for the week from {@code weekStart}:
   * one statement for them all.
   */
  public Future<List<String>> unannounced(List<String> codes, LocalDate weekStart) {
    return pool.preparedQuery(ANNOUNCED_OF).execute(Tuple.of(codes.toArray(String[]::new), weekStart)).map(rows -> {
      java.util.Set<String> kept = new java.util.HashSet<>();
      rows.forEach(r -> kept.add(r.getString("region")));
      return codes.stream().filter(code -> !kept.contains(code)).toList();
    });
  }

  /** Well-formed input the rules refuse (422), at {@code pointer}. */
  private static ApiException refused(String pointer, String message) {
    return ApiException.unprocessable(message, new JsonArray().add(ApiException.fieldError(pointer, message)));
  }

  private Future<Built> keep(String region, String regionName, LocalDate weekStart, String builtBy, JsonObject content) {
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    boolean scheduled = builtBy.equals(SCHEDULE);
    return pool.withTransaction(tx -> tx.preparedQuery(INSERT).execute(Tuple.of(id, region, regionName, weekStart,
            Timestamps.utc(now), builtBy, content, scheduled ? Timestamps.utc(now) : null))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : !scheduled ? Future.succeededFuture(true)
            : notifier.notifyRegionManagers(tx, region, notice(id, regionName, weekStart, now)).map(true)))
        .compose(created -> created || !scheduled ? Future.succeededFuture(created)
            : announce(region, weekStart).map(false)) // another kept it first: announced unless a manager built it
        .compose(created -> kept(region, weekStart).map(kept -> new Built(created, kept.orElseThrow())));
  }

  /** Announces the kept bulletin of {@code region} for the week, unless it was (by this or another replica). */
  private Future<Void> announce(String region, LocalDate weekStart) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> tx.preparedQuery(ANNOUNCE).execute(Tuple.of(region, weekStart, Timestamps.utc(now)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture();
          }
          Row r = rows.iterator().next();
          return notifier.notifyRegionManagers(tx, region, notice(r.getUUID("id"), r.getString("region_name"),
              weekStart, now));
        }));
  }

  private static Notifier.Notice notice(UUID id, String regionName, LocalDate weekStart, Instant at) {
    JsonObject params = new JsonObject().put("region", regionName).put("from", weekStart.toString())
        .put("to", weekStart.plusDays(6).toString());
    return new Notifier.Notice(null, "weekly_bulletin", "reminder", null, null, params, false, at,
        "zhangban://bulletins/" + id, "bulletin-" + id);
  }

  public Future<Optional<JsonObject>> get(UUID id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(view(rows.iterator().next())));
  }

  private Future<Optional<JsonObject>> kept(String region, LocalDate weekStart) {
    return pool.preparedQuery(BY_REGION_AND_WEEK).execute(Tuple.of(region, weekStart))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(view(rows.iterator().next())));
  }

  /** A page of the bulletins of {@code regionCodes} (every region when null), of {@code region} only when given. */
  public Future<JsonObject> list(List<String> regionCodes, Optional<String> region, Optional<String> cursor, int limit) {
    Cursors.TimeAndId after = cursor.map(Cursors::decodeTimeAndId).orElse(null);
    Tuple args = Tuple.of(regionCodes == null ? null : regionCodes.toArray(String[]::new), region.orElse(null),
        after == null ? null : after.at(), after == null ? null : after.id(), limit + 1);
    return pool.preparedQuery(LIST).execute(args).map(rows -> {
      List<Row> page = new ArrayList<>();
      rows.forEach(page::add);
      boolean more = page.size() > limit;
      JsonArray items = new JsonArray();
      for (Row r : page.subList(0, Math.min(limit, page.size()))) {
        items.add(summary(r));
      }
      String next = null;
      if (more) {
        Row last = page.get(limit - 1);
        next = Cursors.encodeTimeAndId(last.getOffsetDateTime("built_at"), last.getUUID("id"));
      }
      return new JsonObject().put("items", items).put("nextCursor", next).put("hasMore", more);
    });
  }

  private static JsonObject summary(Row r) {
    LocalDate weekStart = r.getLocalDate("week_start");
    return new JsonObject().put("id", r.getUUID("id").toString()).put("region", r.getString("region"))
        .put("regionName", r.getString("region_name")).put("weekStart", weekStart.toString())
        .put("weekEnd", weekStart.plusDays(6).toString())
        .put("builtAt", r.getOffsetDateTime("built_at").toInstant().toString())
        .put("builtBy", r.getString("built_by"));
  }

  private static JsonObject view(Row r) {
    Object content = r.getJson("content");
    JsonObject body = content instanceof JsonObject o ? o : new JsonObject(String.valueOf(content));
    return summary(r).mergeIn(body);
  }

  // ---- what a bulletin says -----------------------------------------------------------------------

  /** The content of the bulletin of the departments of {@code scope} for the week from {@code weekStart}. */
  Future<JsonObject> content(Scope scope, LocalDate weekStart) {
    String[] departments = scope.parameter();
    Future<JsonObject> week = stats.ratingStats(query(weekStart, departments));
    Future<JsonObject> before = stats.ratingStats(query(weekStart.minusWeeks(1), departments));
    Future<JsonArray> overdue = supervision.counts(departments);
    Future<JsonObject> cases = stats.rectification(Optional.empty(), departments);
    return Future.all(week, before, overdue, cases).map(all -> {
      JsonObject content = new JsonObject().put("minSample", stats.minSample())
          .put("goodLevels", week.result().getJsonArray("goodLevels"))
          .put("totals", compared(week.result().getJsonObject("totals"), before.result().getJsonObject("totals")));
      Map<String, JsonObject> thisWeek = byDepartment(week.result());
      Map<String, JsonObject> weekBefore = byDepartment(before.result());
      Map<String, String> names = new LinkedHashMap<>();
      for (JsonObject stat : List.of(week.result(), before.result())) {
        stat.getJsonArray("rows").forEach(o -> names.putIfAbsent(((JsonObject) o).getString("group"),
            ((JsonObject) o).getString("groupName")));
      }
      JsonArray rows = new JsonArray();
      names.keySet().stream().sorted().forEach(code -> rows.add(new JsonObject().put("department", code)
          .put("departmentName", names.get(code))
          .put("indicators", compared(thisWeek.getOrDefault(code, stats.noIndicators()),
              weekBefore.getOrDefault(code, stats.noIndicators())))));
      content.put("departments", rows);
      content.put("best", ranked(rows, true)).put("worst", ranked(rows, false));
      content.put("overdueApplications", overdue(overdue.result()));
      content.put("overdueCases", overdue(cases.result().getJsonArray("departments")));
      return content;
    });
  }

  private static StatsService.Query query(LocalDate weekStart, String[] departments) {
    return new StatsService.Query(weekStart, weekStart.plusDays(6), "department", "none", Optional.empty(),
        Optional.empty(), "city", departments);
  }

  private static Map<String, JsonObject> byDepartment(JsonObject stat) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    stat.getJsonArray("rows").forEach(o -> out.put(((JsonObject) o).getString("group"),
        ((JsonObject) o).getJsonObject("indicators")));
    return out;
  }

  /** The week's indicators, the week before's, and the change. */
  private static JsonObject compared(JsonObject week, JsonObject before) {
    JsonObject change = new JsonObject().put("active", week.getLong("active") - before.getLong("active"));
    for (String rate : List.of("goodRate", "poorRate", "activeRate", "poorRectifiedRate", "poorOnTimeRate")) {
      Double now = week.getDouble(rate);
      Double then = before.getDouble(rate);
      change.put(rate, now == null || then == null ? null : Math.round((now - then) * 10_000) / 10_000.0);
    }
    return new JsonObject().put("week", week).put("previousWeek", before).put("change", change);
  }

  /** The best (or worst) departments by the week's 好评率 among those with the minimum sample. */
  private JsonArray ranked(JsonArray departments, boolean best) {
    Comparator<JsonObject> byRate = Comparator.comparingDouble(d -> week(d).getDouble("goodRate"));
    if (best) {
      byRate = byRate.reversed();
    }
    List<JsonObject> eligible = departments.stream().map(JsonObject.class::cast)
        .filter(d -> week(d).getLong("active") >= stats.minSample() && week(d).getDouble("goodRate") != null)
        .sorted(byRate.thenComparing(Comparator.comparingLong((JsonObject d) -> week(d).getLong("active")).reversed())
            .thenComparing(d -> d.getString("department")))
        .toList();
    JsonArray out = new JsonArray();
    for (JsonObject d : eligible.subList(0, Math.min(RANKED, eligible.size()))) {
      out.add(new JsonObject().put("rank", out.size() + 1).put("department", d.getString("department"))
          .put("departmentName", d.getString("departmentName")).put("active", week(d).getLong("active"))
          .put("goodRate", week(d).getDouble("goodRate")));
    }
    return out;
  }

  private static JsonObject week(JsonObject department) {
    return department.getJsonObject("indicators").getJsonObject("week");
  }

  /** The departments with something yellow or red, and how many are red in all. */
  private static JsonObject overdue(JsonArray departments) {
    JsonArray listed = new JsonArray();
    long total = 0;
    for (Object o : departments) {
      JsonObject d = (JsonObject) o;
      total += d.getLong("red");
      if (d.getLong("red") > 0 || d.getLong("yellow") > 0) {
        listed.add(d);
      }
    }
    return new JsonObject().put("total", total).put("departments", listed);
  }
}
