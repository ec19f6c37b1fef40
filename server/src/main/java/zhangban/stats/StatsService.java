package zhangban.stats;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import zhangban.http.ApiException;
import zhangban.identity.Principal;

/**
 * 好差评 statistics from the rollups: never a scan of raw ratings. A range sums the month rows of
 * the whole months inside it and the day rows of its edges (day and week buckets read day rows).
 */
public final class StatsService {
  static final int MAX_RANGE_DAYS = 3 * 366;

  /**
   * The indicators of a range ($1–$10, {@link Periods#params}) of a manager's region's departments
   * ($14, all when null), per group ($11: none, department,
   * channel, region — the departments' region at level $13, added up from the department rows — or
   * the key of the dimension: item or officer) and bucket ($12: none, day, week, month). The
   * departments' regions are read once, as a materialized CTE that is empty unless grouping by
   * region: joined as a subquery, its condition on $11 became a filter of every pair of rows.
   *
   * <p>Counters are summed as int (to a bigint), here and in {@link #RANKING}: PostgreSQL sums
   * bigints as numeric, and making and casting 17 numerics per group cost a ranking of 2,000
   * officers a third of its time. A single rollup row counts at most one department's ratings or
   * invitations of one quarter, far below the int's 2,147,483,647; were it ever above, the
   * statistic would fail with "integer out of range" rather than be wrong.
   */
  private static final String GROUPS = """
      with region_of as materialized (
        select department, region from department_region_at where $11::text = 'region' and level = $13::text)
      select case $11::text when 'none' then null when 'department' then r.department when 'channel' then r.channel
                            when 'region' then g.region else r.key end as grp,
             case $12::text when 'day' then r.period when 'week' then date_trunc('week', r.period)::date
                            when 'month' then date_trunc('month', r.period)::date end as bucket,
             sum(r.invited::int4) as invited, sum(r.active::int4) as active, sum(r.defaulted::int4) as defaulted,
             sum(r.excluded_count::int4) as excluded_count, sum(r.l1::int4) as l1, sum(r.l2::int4) as l2,
             sum(r.l3::int4) as l3, sum(r.l4::int4) as l4, sum(r.l5::int4) as l5, sum(r.poor::int4) as poor,
             sum(r.poor_verified::int4) as poor_verified, sum(r.poor_rectified::int4) as poor_rectified,
             sum(r.poor_on_time::int4) as poor_on_time, sum(r.appeals_filed::int4) as appeals_filed,
             sum(r.appeals_upheld::int4) as appeals_upheld, sum(r.follow_ups::int4) as follow_ups,
             sum(r.follow_up_sum::int4) as follow_up_sum
      from stat_rollup_range($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) r
      left join region_of g on g.department = r.department
      where $14::text[] is null or r.department = any($14)
      group by 1, 2
      order by 2 nulls first, 1 nulls first
      """;

  /**
   * Groups of a range ($1–$10) ranked by 好评率, the share of active ratings at the good levels
   * ($13), best or worst first ($14), then by the number of active ratings: the groups ($11:
   * department, channel, or the key of the dimension; officers known by name only) with at least
   * $12 active ratings, at most $15; for region, the departments' region at level $16; of a
   * manager's region's departments ($17, all when null).
   */
  private static final String RANKING = """
      with region_of as materialized (
        select department, region from department_region_at where $11::text = 'region' and level = $16::text)
      select g.* from (
        select case $11::text when 'department' then r.department when 'channel' then r.channel
                              when 'region' then rg.region else r.key end as grp,
               sum(r.invited::int4) as invited, sum(r.active::int4) as active, sum(r.defaulted::int4) as defaulted,
               sum(r.excluded_count::int4) as excluded_count, sum(r.l1::int4) as l1, sum(r.l2::int4) as l2,
               sum(r.l3::int4) as l3, sum(r.l4::int4) as l4, sum(r.l5::int4) as l5, sum(r.poor::int4) as poor,
               sum(r.poor_verified::int4) as poor_verified, sum(r.poor_rectified::int4) as poor_rectified,
               sum(r.poor_on_time::int4) as poor_on_time, sum(r.appeals_filed::int4) as appeals_filed,
               sum(r.appeals_upheld::int4) as appeals_upheld, sum(r.follow_ups::int4) as follow_ups,
               sum(r.follow_up_sum::int4) as follow_up_sum
        from stat_rollup_range($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) r
        left join region_of rg on rg.department = r.department
        where not ($11::text = 'officer' and r.key = '') and ($17::text[] is null or r.department = any($17))
        group by 1
        having sum(r.active::int4) >= $12) g
      cross join lateral (
        select ((1 = any($13::int[]))::int * g.l1 + (2 = any($13::int[]))::int * g.l2
                + (3 = any($13::int[]))::int * g.l3 + (4 = any($13::int[]))::int * g.l4
                + (5 = any($13::int[]))::int * g.l5)::float8 / g.active as good_share) s
      order by case when $14::text = 'worst' then s.good_share end asc,
               case when $14::text = 'best' then s.good_share end desc,
               g.active desc, g.grp
      limit $15
      """;

  /**
   * The reasons named in counted poor ratings of a range ($1–$6) of a manager's region's
   * departments ($8, all when null), most named first, at most $7.
   */
  private static final String POOR_TAGS = """
      select r.tag, sum(r.poor::int4) as n
      from stat_tag_rollup_range($1, $2, $3, $4, $5, $6) r
      where $8::text[] is null or r.department = any($8)
      group by 1
      having sum(r.poor::int4) > 0
      order by 2 desc, 1
      limit $7
      """;

  /**
   * Rectification cases on day $1 counted by department, state, warning, appeal state and
   * escalation, of department $2 when given, of a manager's region's departments $3 when given.
   */
  private static final String CASES = """
      select c.department, d.name, c.state, rectification_case_running(c) as running,
             rectification_case_warning(c, $1::date) as warning, c.appeal_state,
             c.escalated_at is not null as escalated, count(*)::bigint as n
      from rectification_case c join department d on d.code = c.department
      where ($2::text is null or c.department = $2) and ($3::text[] is null or c.department = any($3))
      group by 1, 2, 3, 4, 5, 6, 7
      """;

  /**
   * What a statistic covers. {@code department} is already the caller's scope; {@code
   * regionDepartments} a manager's region's departments (null: every department).
   */
  public record Query(LocalDate from, LocalDate to, String groupBy, String bucket, Optional<String> department,
                      Optional<String> channel, String regionLevel, String[] regionDepartments) {}

  private final Pool pool;
  private final Set<Integer> goodLevels;
  private final int defaultMinSample;
  private final Clock clock;
  private final ZoneId zone;

  public StatsService(Pool pool, Set<Integer> goodLevels, int defaultMinSample, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.goodLevels = goodLevels;
    this.defaultMinSample = defaultMinSample;
    this.clock = clock;
    this.zone = zone;
  }

  public Set<Integer> goodLevels() {
    return goodLevels;
  }

  public int minSample() {
    return defaultMinSample;
  }

  /** The indicators of a group with nothing counted, as {@link #ratingStats} writes them. */
  public JsonObject noIndicators() {
    return new Indicators().toJson(goodLevels, false);
  }

  /** The department a caller's statistic is about: an officer's own, or the one a manager asks for. */
  public Optional<String> scope(Principal p, Optional<String> department) {
    return p.departmentScope(department, "statistics");
  }

  public static void checkRange(LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw ApiException.badRequest("to must not be before from.");
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_RANGE_DAYS) {
      throw ApiException.badRequest("A range covers at most " + MAX_RANGE_DAYS + " days.");
    }
  }

  // ---- the range over rollup rows ---------------------------------------------------------------

  /**
   * How the days [from, end) of a range are read from the rollups (the database functions {@code
   * stat_rollup_range} and {@code stat_tag_rollup_range}): rows of {@code monthGrain} for the whole
   * months [monthFrom, monthTo), except the whole quarters [quarterFrom, quarterTo) read from
   * quarter rows; day rows for the edges; and the deltas not yet folded over the whole range.
   * Items and officers without a channel filter read the rows of all channels together, with
   * quarters when {@code quarters} allows it (no bucket finer than the range); everything else the
   * month rows of one channel, without quarters. With {@code dayRowsOnly} (day and week buckets)
   * every day is read from day rows.
   */
  record Periods(LocalDate from, LocalDate end, String monthGrain, LocalDate monthFrom, LocalDate monthTo,
                 LocalDate quarterFrom, LocalDate quarterTo) {
    static Periods of(LocalDate from, LocalDate to, boolean dayRowsOnly, boolean allChannels, boolean quarters) {
      LocalDate end = to.plusDays(1);
      LocalDate monthFrom = from.getDayOfMonth() == 1 ? from : from.withDayOfMonth(1).plusMonths(1);
      LocalDate monthTo = end.getDayOfMonth() == 1 ? end : end.withDayOfMonth(1);
      if (dayRowsOnly || !monthFrom.isBefore(monthTo)) {
        monthFrom = end;
        monthTo = end;
      }
      LocalDate quarterFrom = monthFrom.plusMonths((3 - (monthFrom.getMonthValue() - 1) % 3) % 3);
      LocalDate quarterTo = monthTo.minusMonths((monthTo.getMonthValue() - 1) % 3);
      if (!allChannels || !quarters || !quarterFrom.isBefore(quarterTo)) {
        quarterFrom = monthTo;
        quarterTo = monthTo;
      }
      return new Periods(from, end, allChannels ? Rollups.MONTH_ALL : "month", monthFrom, monthTo, quarterFrom,
          quarterTo);
    }

    /** The ten parameters of {@code stat_rollup_range}: dimension, the periods, department and channel. */
    List<Object> params(String dim, Optional<String> department, Optional<String> channel) {
      return new ArrayList<>(Arrays.asList(dim, from, end, monthGrain, monthFrom, monthTo, quarterFrom, quarterTo,
          department.orElse(null), channel.orElse(null)));
    }
  }

  /** The periods of a range of {@code stat_rollup} rows of dimension {@code dim}. */
  private static Periods periods(String dim, LocalDate from, LocalDate to, boolean dayRowsOnly, boolean quarters,
                                 Optional<String> channel) {
    // month rows of items and officers: those of the channel asked for, else those of all channels
    // together (their own grain); every other row is of one channel
    boolean allChannels = channel.isEmpty() && !dim.equals("dept");
    return Periods.of(from, to, dayRowsOnly, allChannels, quarters);
  }

  private static String dim(String groupBy) {
    return switch (groupBy) {
      case "item" -> "item";
      case "officer" -> "officer";
      default -> "dept";
    };
  }

  // ---- indicators ---------------------------------------------------------------------------

  /** One group of one bucket, with its counters. */
  public record Group(String group, LocalDate bucket, Indicators indicators) {}

  public Future<List<Group>> groups(Query q) {
    checkRange(q.from(), q.to());
    boolean dayRows = q.bucket().equals("day") || q.bucket().equals("week");
    String dim = dim(q.groupBy());
    List<Object> params = periods(dim, q.from(), q.to(), dayRows, q.bucket().equals("none"), q.channel())
        .params(dim, q.department(), q.channel());
    params.addAll(Arrays.asList(q.groupBy(), q.bucket(), q.regionLevel(), q.regionDepartments()));
    return pool.preparedQuery(GROUPS).execute(Tuple.from(params)).map(rows -> {
      List<Group> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Group(r.getString("grp"), r.getLocalDate("bucket"), Indicators.of(r)));
      }
      return out;
    });
  }

  /** The resident population of regions $1 that have one known. */
  private static final String POPULATIONS = "select code, population from region where code = any($1) and population is not null";

  public Future<JsonObject> ratingStats(Query q) {
    boolean byChannel = q.groupBy().equals("channel") || q.channel().isPresent();
    return groups(q).compose(groups -> populations(q, groups).compose(populations ->
        names(q.groupBy(), groups.stream().map(Group::group).toList()).map(names -> {
      Indicators totals = new Indicators();
      JsonArray rows = new JsonArray();
      for (Group g : groups) {
        totals.add(g.indicators());
        if (q.groupBy().equals("channel") && "".equals(g.group())) {
          continue; // transactions invited to rate have no channel: they count in the totals only
        }
        if (q.groupBy().equals("officer") && "".equals(g.group()) && g.indicators().get("active") == 0
            && g.indicators().get("defaulted") == 0) {
          continue;
        }
        JsonObject row = new JsonObject().put("group", g.group()).put("groupName", names.get(g.group()))
            .put("bucket", g.bucket() == null ? null : g.bucket().toString())
            .put("indicators", g.indicators().toJson(goodLevels, byChannel));
        Long population = populations.get(g.group());
        if (population != null) {
          row.put("activePerTenThousandResidentsPerWeek",
              perTenThousandPerWeek(g.indicators().get("active"), population, days(q, g.bucket())));
        }
        rows.add(row);
      }
      return new JsonObject().put("from", q.from().toString()).put("to", q.to().toString())
          .put("groupBy", q.groupBy()).put("bucket", q.bucket())
          .put("department", q.department().orElse(null)).put("channel", q.channel().orElse(null))
          .put("goodLevels", new JsonArray(List.copyOf(new java.util.TreeSet<>(goodLevels))))
          .put("excluded", totals.get("excluded_count"))
          .put("totals", totals.toJson(goodLevels, q.channel().isPresent()))
          .put("rows", rows);
    })));
  }

  /** Grouped by region: the population of each group's region, where known; nothing otherwise. */
  private Future<Map<String, Long>> populations(Query q, List<Group> groups) {
    if (!q.groupBy().equals("region")) {
      return Future.succeededFuture(new HashMap<>()); // null-tolerant: rows of no group look theirs up too
    }
    String[] codes = groups.stream().map(Group::group).filter(java.util.Objects::nonNull).distinct()
        .toArray(String[]::new);
    return pool.preparedQuery(POPULATIONS).execute(Tuple.of((Object) codes)).map(rows -> {
      Map<String, Long> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getString("code"), r.getLong("population")));
      return out;
    });
  }

  /** The days of the range a row counts: its bucket's days inside the range, or the whole range. */
  static long days(Query q, LocalDate bucket) {
    LocalDate end = q.to().plusDays(1);
    if (bucket == null) {
      return java.time.temporal.ChronoUnit.DAYS.between(q.from(), end);
    }
    LocalDate bucketEnd = switch (q.bucket()) {
      case "day" -> bucket.plusDays(1);
      case "week" -> bucket.plusWeeks(1);
      default -> bucket.plusMonths(1);
    };
    LocalDate start = bucket.isBefore(q.from()) ? q.from() : bucket;
    LocalDate stop = bucketEnd.isAfter(end) ? end : bucketEnd;
    return Math.max(1, java.time.temporal.ChronoUnit.DAYS.between(start, stop));
  }

  /** 每周每万人口主动评价数: active ratings per 10,000 residents per week, to four decimals. */
  static double perTenThousandPerWeek(long active, long population, long days) {
    double value = active * 10_000.0 / population / (days / 7.0);
    return Math.round(value * 10_000) / 10_000.0;
  }

  public Future<JsonObject> ranking(LocalDate from, LocalDate to, String by, String order, int limit,
                                    Optional<Integer> minSample, Optional<String> department, Optional<String> channel,
                                    String regionLevel, String[] regionDepartments) {
    checkRange(from, to);
    int min = minSample.orElse(defaultMinSample);
    String groupBy = by.equals("department") ? "department" : by;
    String dim = dim(groupBy);
    List<Object> params = periods(dim, from, to, false, true, channel).params(dim, department, channel);
    params.addAll(Arrays.asList(groupBy, min, goodLevels.toArray(Integer[]::new), order.equals("worst") ? "worst" : "best",
        limit, regionLevel, regionDepartments));
    return pool.preparedQuery(RANKING).execute(Tuple.from(params)).compose(rows -> {
      List<Group> groups = new ArrayList<>();
      for (Row r : rows) {
        groups.add(new Group(r.getString("grp"), null, Indicators.of(r)));
      }
      return names(groupBy, groups.stream().map(Group::group).toList()).map(names -> {
        JsonArray items = new JsonArray();
        int rank = 0;
        for (Group g : groups) {
          items.add(new JsonObject().put("rank", ++rank).put("group", g.group()).put("groupName", names.get(g.group()))
              .put("indicators", g.indicators().toJson(goodLevels, channel.isPresent())));
        }
        return new JsonObject().put("by", by).put("order", order).put("minSample", min)
            .put("from", from.toString()).put("to", to.toString())
            .put("goodLevels", new JsonArray(List.copyOf(new java.util.TreeSet<>(goodLevels))))
            .put("items", items);
      });
    });
  }

  public Future<JsonObject> poorTags(LocalDate from, LocalDate to, int limit, Optional<String> department,
                                     Optional<String> channel, String[] regionDepartments) {
    checkRange(from, to);
    Periods periods = periods("dept", from, to, false, false, channel);
    Tuple params = Tuple.of(from, periods.end(), periods.monthFrom(), periods.monthTo(), department.orElse(null),
        channel.orElse(null)).addValue(limit).addValue(regionDepartments);
    Query q = new Query(from, to, "none", "none", department, channel, "city", regionDepartments);
    return groups(q).compose(groups -> pool.preparedQuery(POOR_TAGS).execute(params)
        .compose(rows -> labels().map(labels -> {
          long poor = groups.stream().mapToLong(g -> g.indicators().get("poor")).sum();
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            long n = r.getLong("n");
            out.add(new JsonObject().put("code", r.getString("tag")).put("label", labels.get(r.getString("tag")))
                .put("count", n).put("share", poor == 0 ? 0.0 : (double) n / poor));
          }
          return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("poor", poor)
              .put("tags", out);
        })));
  }

  public Future<JsonObject> rectification(Optional<String> department, String[] regionDepartments) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
    return pool.preparedQuery(CASES).execute(Tuple.of(today, department.orElse(null), regionDepartments)).map(rows -> {
      Map<String, Long> byState = new LinkedHashMap<>();
      for (String s : List.of("open", "claimed", "verified", "rectified", "replied", "closed")) {
        byState.put(s, 0L);
      }
      Map<String, Long> byWarning = new LinkedHashMap<>(Map.of("none", 0L, "yellow", 0L, "red", 0L));
      long appealsPending = 0;
      long escalated = 0;
      Map<String, JsonObject> departments = new TreeMap<>();
      for (Row r : rows) {
        long n = r.getLong("n");
        String state = r.getString("state");
        byState.merge(state, n, Long::sum);
        boolean running = r.getBoolean("running");
        if ("pending".equals(r.getString("appeal_state"))) {
          appealsPending += n;
        }
        if (!running) {
          continue;
        }
        String warning = r.getString("warning");
        byWarning.merge(warning, n, Long::sum);
        if (r.getBoolean("escalated")) {
          escalated += n;
        }
        JsonObject d = departments.computeIfAbsent(r.getString("department"), code -> new JsonObject()
            .put("department", code).put("departmentName", r.getString("name"))
            .put("running", 0L).put("yellow", 0L).put("red", 0L));
        d.put("running", d.getLong("running") + n);
        if (!"none".equals(warning)) {
          d.put(warning, d.getLong(warning) + n);
        }
      }
      return new JsonObject().put("asOf", today.toString()).put("byState", new JsonObject(new HashMap<>(byState)))
          .put("byWarning", new JsonObject(new HashMap<>(byWarning))).put("appealsPending", appealsPending)
          .put("escalated", escalated).put("departments", new JsonArray(new ArrayList<>(departments.values())));
    });
  }

  // ---- names --------------------------------------------------------------------------------

  /** The names of the groups: departments', regions', items' (current version), officers'. */
  Future<Map<String, String>> names(String groupBy, List<String> keys) {
    List<String> wanted = keys.stream().filter(k -> k != null && !k.isEmpty()).distinct().toList();
    if (wanted.isEmpty() || groupBy.equals("none") || groupBy.equals("channel")) {
      return Future.succeededFuture(new HashMap<>());
    }
    String sql = switch (groupBy) {
      case "department" -> "select code, name from department where code = any($1)";
      case "region" -> "select code, name from region where code = any($1)";
      case "item" -> """
          select s.code, v.name from service_item s
          join service_item_version v on v.item_code = s.code and v.version = s.current_version
          where s.code = any($1)""";
      default -> "select subject, name from officer_directory where subject = any($1)";
    };
    return pool.preparedQuery(sql).execute(Tuple.of(wanted.toArray(String[]::new))).map(rows -> {
      Map<String, String> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getString(0), r.getString(1)));
      return out;
    });
  }

  /** Tag labels by code, from the newest dictionary version that has the tag. */
  private Future<Map<String, JsonObject>> labels() {
    return pool.query("select tags from rating_tag_dictionary order by version").execute().map(rows -> {
      Map<String, JsonObject> out = new HashMap<>();
      for (Row r : rows) {
        Object tags = r.getJson("tags");
        JsonArray a = tags instanceof JsonArray j ? j : new JsonArray(String.valueOf(tags));
        a.forEach(t -> out.put(((JsonObject) t).getString("code"), ((JsonObject) t).getJsonObject("label")));
      }
      return out;
    });
  }
}
