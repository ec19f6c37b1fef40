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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import zhangban.http.ApiException;
import zhangban.identity.Principal;
import zhangban.identity.Role;
import zhangban.rating.CaseService;

/**
 * 好差评 statistics from the rollups: never a scan of raw ratings. A range sums the month rows of
 * the whole months inside it and the day rows of its edges (day and week buckets read day rows).
 */
public final class StatsService {
  static final int MAX_RANGE_DAYS = 3 * 366;
  private static final String SUMS;

  /**
   * The sum of a counter over rollup rows. Summed as int (to a bigint): PostgreSQL sums bigints
   * as numeric, and making and casting 17 numerics per group cost a ranking of 2,000 officers a
   * third of its time. A single rollup row counts at most one department's ratings or
   * invitations of one quarter, far below the int's 2,147,483,647; were it ever above, the
   * statistic would fail with "integer out of range" rather than be wrong.
   */
  static String sum(String counter) {
    return "sum(r." + counter + "::int4)";
  }

  static {
    StringBuilder sb = new StringBuilder();
    for (String c : Rollups.COUNTERS) {
      sb.append(", ").append(sum(c)).append(" as ").append(c);
    }
    SUMS = sb.toString();
  }

  /** What a statistic covers. {@code department} is already the caller's scope. */
  public record Query(LocalDate from, LocalDate to, String groupBy, String bucket, Optional<String> department,
                      Optional<String> channel) {}

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

  /** The department a caller's statistic is about: an officer's own, or the one a manager asks for. */
  public Optional<String> scope(Principal p, Optional<String> department) {
    if (p.has(Role.MANAGER)) {
      return department;
    }
    if (p.has(Role.OFFICER)) {
      String own = p.department().orElseThrow();
      if (department.isPresent() && !department.get().equals(own)) {
        throw ApiException.forbidden("Officers see the statistics of their own department only.");
      }
      return Optional.of(own);
    }
    throw ApiException.forbidden("Only officers and managers see statistics.");
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
   * The rollup rows of a range as a derived table {@code r}: index range scans of the month rows of
   * the whole months and of the day rows before and after them, so that each reads only its rows.
   * Items and officers without a channel filter read the rows of all channels together, and, when
   * {@code quarters} allows it (no bucket finer than the range), whole quarters from quarter rows;
   * with them the earlier version's deltas of those days not yet folded into them. The deltas not
   * yet folded into any row are added over the whole range.
   */
  private record Range(String from, List<Object> params) {}

  private static Range range(String table, String dim, LocalDate from, LocalDate to, boolean dayRowsOnly,
                             boolean quarters, Optional<String> department, Optional<String> channel,
                             List<Object> params) {
    LocalDate fullFrom = from.getDayOfMonth() == 1 ? from : from.withDayOfMonth(1).plusMonths(1);
    LocalDate end = to.plusDays(1);
    LocalDate fullTo = end.getDayOfMonth() == 1 ? end : end.withDayOfMonth(1);
    if (dayRowsOnly || !fullFrom.isBefore(fullTo)) {
      fullFrom = end;
      fullTo = end;
    }
    int n = params.size();
    params.addAll(List.of(dim, fullFrom, fullTo, from, end));
    StringBuilder filter = new StringBuilder();
    if (department.isPresent()) {
      params.add(department.get());
      filter.append(" and department = $").append(params.size());
    }
    // month rows of items and officers: those of the channel asked for, else those of all channels
    // together (their own grain); every other row is of one channel
    boolean allChannels = channel.isEmpty() && table.equals("stat_rollup") && !dim.equals("dept");
    if (channel.isPresent()) {
      params.add(channel.get());
      filter.append(" and channel = $").append(params.size());
    }
    String d = "$" + (n + 1);
    String rows = "select * from " + table + " where dim = " + d + " and grain = ";
    // the deltas of the whole range not yet folded into the rows (counts of ratings only; reason tags have none)
    String deltas = table.equals("stat_rollup")
        ? " union all " + Rollups.deltaRows(d) + " and day >= $" + (n + 4) + " and day < $" + (n + 5) + filter : "";
    String days = " union all " + rows + "'day' and period >= $" + (n + 4) + " and period < $" + (n + 2) + filter
        + " union all " + rows + "'day' and period >= $" + (n + 3) + " and period < $" + (n + 5) + filter + deltas
        + ") r";
    if (!allChannels) {
      return new Range("(" + rows + "'month' and period >= $" + (n + 2) + " and period < $" + (n + 3) + filter
          + days, params);
    }
    // whole quarters inside the whole months; none: both bounds at the end, so every month is a month row
    LocalDate quarterFrom = fullFrom.plusMonths((3 - (fullFrom.getMonthValue() - 1) % 3) % 3);
    LocalDate quarterTo = fullTo.minusMonths((fullTo.getMonthValue() - 1) % 3);
    if (!quarters || !quarterFrom.isBefore(quarterTo)) {
      quarterFrom = fullTo;
      quarterTo = fullTo;
    }
    params.add(quarterFrom);
    String qFrom = "$" + params.size();
    params.add(quarterTo);
    String qTo = "$" + params.size();
    String months = rows + "'" + Rollups.MONTH_ALL + "' and period >= ";
    return new Range("(" + months + "$" + (n + 2) + " and period < " + qFrom + filter
        + " union all " + rows + "'" + Rollups.QUARTER_ALL + "' and period >= " + qFrom + " and period < " + qTo + filter
        + " union all " + months + qTo + " and period < $" + (n + 3) + filter
        // the deltas of the version before stat_rollup_delta not yet folded into those rows, of the same days
        + " union all " + Rollups.earlierDeltaRows(d) + " and day >= $" + (n + 2) + " and day < $" + (n + 3) + filter
        + days, params);
  }

  private static String dim(String groupBy) {
    return switch (groupBy) {
      case "item" -> "item";
      case "officer" -> "officer";
      default -> "dept";
    };
  }

  private static String groupColumn(String groupBy) {
    return switch (groupBy) {
      case "none" -> "null::text";
      case "department" -> "r.department";
      case "channel" -> "r.channel";
      default -> "r.key";
    };
  }

  private static String bucketColumn(String bucket) {
    return switch (bucket) {
      case "day" -> "r.period";
      case "week" -> "date_trunc('week', r.period)::date";
      case "month" -> "date_trunc('month', r.period)::date";
      default -> "null::date";
    };
  }

  // ---- indicators ---------------------------------------------------------------------------

  /** One group of one bucket, with its counters. */
  public record Group(String group, LocalDate bucket, Indicators indicators) {}

  public Future<List<Group>> groups(Query q) {
    checkRange(q.from(), q.to());
    boolean dayRows = q.bucket().equals("day") || q.bucket().equals("week");
    Range range = range("stat_rollup", dim(q.groupBy()), q.from(), q.to(), dayRows, q.bucket().equals("none"),
        q.department(), q.channel(), new ArrayList<>());
    String sql = "select " + groupColumn(q.groupBy()) + " as grp, " + bucketColumn(q.bucket()) + " as bucket" + SUMS
        + " from " + range.from() + " group by 1, 2 order by 2 nulls first, 1 nulls first";
    return pool.preparedQuery(sql).execute(Tuple.from(range.params())).map(rows -> {
      List<Group> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Group(r.getString("grp"), r.getLocalDate("bucket"), Indicators.of(r)));
      }
      return out;
    });
  }

  public Future<JsonObject> ratingStats(Query q) {
    boolean byChannel = q.groupBy().equals("channel") || q.channel().isPresent();
    return groups(q).compose(groups -> names(q.groupBy(), groups.stream().map(Group::group).toList()).map(names -> {
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
        rows.add(new JsonObject().put("group", g.group()).put("groupName", names.get(g.group()))
            .put("bucket", g.bucket() == null ? null : g.bucket().toString())
            .put("indicators", g.indicators().toJson(goodLevels, byChannel)));
      }
      return new JsonObject().put("from", q.from().toString()).put("to", q.to().toString())
          .put("groupBy", q.groupBy()).put("bucket", q.bucket())
          .put("department", q.department().orElse(null)).put("channel", q.channel().orElse(null))
          .put("goodLevels", new JsonArray(List.copyOf(new java.util.TreeSet<>(goodLevels))))
          .put("excluded", totals.get("excluded_count"))
          .put("totals", totals.toJson(goodLevels, q.channel().isPresent()))
          .put("rows", rows);
    }));
  }

  public Future<JsonObject> ranking(LocalDate from, LocalDate to, String by, String order, int limit,
                                    Optional<Integer> minSample, Optional<String> department, Optional<String> channel) {
    checkRange(from, to);
    int min = minSample.orElse(defaultMinSample);
    String groupBy = by.equals("department") ? "department" : by;
    List<Object> params = new ArrayList<>();
    Range range = range("stat_rollup", dim(groupBy), from, to, false, true, department, channel, params);
    StringBuilder good = new StringBuilder();
    for (int l : new java.util.TreeSet<>(goodLevels)) {
      good.append(good.length() == 0 ? "" : " + ").append(sum("l" + l));
    }
    params.add(min);
    int minParam = params.size();
    params.add(limit);
    int limitParam = params.size();
    String direction = order.equals("worst") ? "asc" : "desc";
    String sql = "select " + groupColumn(groupBy) + " as grp" + SUMS + " from " + range.from()
        + (groupBy.equals("officer") ? " where r.key <> ''" : "")
        + " group by 1 having " + sum("active") + " >= $" + minParam
        + " order by (" + good + ")::float8 / " + sum("active") + " " + direction + ", " + sum("active")
        + " desc, 1 limit $" + limitParam;
    return pool.preparedQuery(sql).execute(Tuple.from(params)).compose(rows -> {
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
                                     Optional<String> channel) {
    checkRange(from, to);
    List<Object> params = new ArrayList<>();
    Range range = range("stat_tag_rollup", "dept", from, to, false, false, department, channel, params);
    params.add(limit);
    String tags = "select r.tag, " + sum("poor") + " as n from " + range.from()
        + " group by 1 having " + sum("poor") + " > 0 order by 2 desc, 1 limit $" + params.size();
    Query q = new Query(from, to, "none", "none", department, channel);
    return groups(q).compose(groups -> pool.preparedQuery(tags).execute(Tuple.from(params))
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

  public Future<JsonObject> rectification(Optional<String> department) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
    List<Object> params = new ArrayList<>(List.of(today));
    String where = "";
    if (department.isPresent()) {
      params.add(department.get());
      where = " where c.department = $2";
    }
    String sql = "select c.department, d.name, c.state, " + CaseService.WARNING_SQL + " as warning, c.appeal_state,"
        + " c.escalated_at is not null as escalated, count(*)::bigint as n"
        + " from rectification_case c join department d on d.code = c.department" + where
        + " group by 1, 2, 3, 4, 5, 6";
    return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
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
        boolean running = CaseService.RUNNING.contains(state);
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

  private Future<Map<String, String>> names(String groupBy, List<String> keys) {
    List<String> wanted = keys.stream().filter(k -> k != null && !k.isEmpty()).distinct().toList();
    if (wanted.isEmpty() || groupBy.equals("none") || groupBy.equals("channel")) {
      return Future.succeededFuture(new HashMap<>());
    }
    String sql = switch (groupBy) {
      case "department" -> "select code, name from department where code = any($1)";
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
