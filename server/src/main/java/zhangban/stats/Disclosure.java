package zhangban.stats;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import zhangban.http.ApiException;
import zhangban.identity.Scope;
import zhangban.region.RegionStore;

/**
 * The published results (公示, GB/T 39734-2020 §10.1): the indicators of the province, a region, a
 * department or a service item for a period, rankings of departments and items, and the monthly
 * trend, for anyone. Read from the statistics' rollups ({@link StatsService#groups}); never a
 * rater, a comment or an officer; a group with fewer active ratings than the minimum sample is
 * withheld, its numbers not shown.
 */
public final class Disclosure {
  private static final String DEPARTMENT = "select code, name from department where code = $1";
  private static final String ITEM = """
      select s.code, v.name, s.department from service_item s
      join service_item_version v on v.item_code = s.code and v.version = s.current_version
      where s.code = $1
      """;
  private static final Pattern PERIOD = Pattern.compile("([0-9]{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?");
  static final int MAX_WITHHELD = 200;

  /** The days of a period: a month, a quarter or a year. */
  public record Period(String text, LocalDate from, LocalDate to) {
    /** Reads 2026-11, 2026-Q4 or 2026 (the contract's pattern has refused anything else). */
    public static Period parse(String text) {
      Matcher m = PERIOD.matcher(text);
      if (!m.matches()) {
        throw ApiException.badRequest("period is a month (2026-11), a quarter (2026-Q4) or a year (2026).");
      }
      int year = Integer.parseInt(m.group(1));
      if (m.group(2) != null) {
        YearMonth month = YearMonth.of(year, Integer.parseInt(m.group(2)));
        return new Period(text, month.atDay(1), month.atEndOfMonth());
      }
      if (m.group(3) != null) {
        YearMonth first = YearMonth.of(year, (Integer.parseInt(m.group(3)) - 1) * 3 + 1);
        return new Period(text, first.atDay(1), first.plusMonths(2).atEndOfMonth());
      }
      return new Period(text, LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31));
    }
  }

  /**
   * Whose results: the whole province (no code), a region (its departments' as {@code
   * regionDepartments}), a department, or an item (of {@code department}).
   */
  public record Target(String kind, String code, String name, Optional<String> department, String[] regionDepartments) {
    JsonObject toJson() {
      return new JsonObject().put("kind", kind).put("code", code).put("name", name);
    }
  }

  private final Pool pool;
  private final StatsService stats;
  private final RegionStore regions;
  private final int minSample;

  public Disclosure(Pool pool, StatsService stats, RegionStore regions, int minSample) {
    this.pool = pool;
    this.stats = stats;
    this.regions = regions;
    this.minSample = minSample;
  }

  /** The target of at most one of a region, a department and an item; an unknown one is 404. */
  public Future<Target> target(Optional<String> region, Optional<String> department, Optional<String> item) {
    if (region.isPresent()) {
      Future<Optional<JsonObject>> named = regions.get(region.get());
      Future<Optional<Scope>> covered = regions.scopeOf(region.get());
      return Future.all(named, covered).map(both -> {
        if (named.result().isEmpty() || covered.result().isEmpty()) {
          throw ApiException.notFound("No region " + region.get() + " (GET /regions).");
        }
        return new Target("region", region.get(), named.result().get().getString("name"), Optional.empty(),
            covered.result().get().parameter());
      });
    }
    if (department.isPresent()) {
      return one(DEPARTMENT, department.get()).map(r -> {
        if (r == null) {
          throw ApiException.notFound("No department " + department.get() + " (GET /departments).");
        }
        return new Target("department", department.get(), r.getString("name"), department, null);
      });
    }
    if (item.isPresent()) {
      return one(ITEM, item.get()).map(r -> {
        if (r == null) {
          throw ApiException.notFound("No service item " + item.get() + " (GET /items).");
        }
        return new Target("item", item.get(), r.getString("name"), Optional.of(r.getString("department")), null);
      });
    }
    return Future.succeededFuture(new Target("province", null, null, Optional.empty(), null));
  }

  private Future<Row> one(String sql, String code) {
    return pool.preparedQuery(sql).execute(Tuple.of(code)).map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  // ---- the three readings -----------------------------------------------------------------------

  public Future<JsonObject> summary(Period period, Target target, LocalDate today) {
    return indicatorsOf(target, period.from(), period.to(), "none").map(groups -> {
      Indicators i = groups.stream().map(StatsService.Group::indicators).findFirst().orElseGet(Indicators::new);
      return periodJson(period, today).put("scope", target.toJson()).put("minSample", minSample)
          .put("goodLevels", goodLevels()).put("withheld", withheld(i)).put("indicators", published(i));
    });
  }

  public Future<JsonObject> trend(YearMonth to, int months, Target target) {
    YearMonth from = to.minusMonths(months - 1L);
    return indicatorsOf(target, from.atDay(1), to.atEndOfMonth(), "month").map(groups -> {
      JsonArray points = new JsonArray();
      for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
        LocalDate first = m.atDay(1);
        Indicators i = groups.stream().filter(g -> first.equals(g.bucket())).map(StatsService.Group::indicators)
            .findFirst().orElseGet(Indicators::new);
        points.add(new JsonObject().put("month", m.toString()).put("withheld", withheld(i)).put("indicators", published(i)));
      }
      return new JsonObject().put("to", to.toString()).put("months", months).put("scope", target.toJson())
          .put("minSample", minSample).put("goodLevels", goodLevels()).put("points", points);
    });
  }

  /**
   * Departments or items of the target ranked by 好评率 (best or worst first), then by the number of
   * active ratings, then by code, as the managers' ranking orders them; those under the minimum
   * sample are named apart, without numbers.
   */
  public Future<JsonObject> ranking(Period period, Target target, String by, String order, int limit, LocalDate today) {
    if (by.equals("department") && target.kind().equals("department")) {
      throw ApiException.badRequest("A ranking of departments is of the province or a region, not of one department.");
    }
    StatsService.Query q = new StatsService.Query(period.from(), period.to(), by, "none", target.department(),
        Optional.empty(), "city", target.regionDepartments());
    return stats.groups(q).compose(groups -> stats.names(by, groups.stream().map(StatsService.Group::group).toList())
        .map(names -> {
          Comparator<StatsService.Group> byShare = Comparator.comparingDouble(g -> goodShare(g.indicators()));
          if (order.equals("best")) {
            byShare = byShare.reversed();
          }
          List<StatsService.Group> ranked = new ArrayList<>();
          List<StatsService.Group> under = new ArrayList<>();
          for (StatsService.Group g : groups) {
            if (g.group() == null || g.group().isEmpty()) {
              continue;
            }
            (withheld(g.indicators()) ? under : ranked).add(g);
          }
          ranked.sort(byShare.thenComparing(Comparator.comparingLong(
                  (StatsService.Group g) -> g.indicators().get("active")).reversed())
              .thenComparing(StatsService.Group::group));
          under.sort(Comparator.comparing(StatsService.Group::group));
          JsonArray items = new JsonArray();
          for (StatsService.Group g : ranked.subList(0, Math.min(limit, ranked.size()))) {
            items.add(new JsonObject().put("rank", items.size() + 1).put("group", g.group())
                .put("groupName", names.get(g.group())).put("indicators", published(g.indicators())));
          }
          JsonArray withheld = new JsonArray();
          for (StatsService.Group g : under.subList(0, Math.min(MAX_WITHHELD, under.size()))) {
            withheld.add(new JsonObject().put("group", g.group()).put("groupName", names.get(g.group())));
          }
          return periodJson(period, today).put("scope", target.toJson()).put("by", by).put("order", order)
              .put("minSample", minSample).put("goodLevels", goodLevels()).put("items", items)
              .put("withheld", withheld).put("withheldCount", under.size());
        }));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The groups of the target over [from, to]: its one group (an item's among its department's), by bucket. */
  private Future<List<StatsService.Group>> indicatorsOf(Target target, LocalDate from, LocalDate to, String bucket) {
    boolean item = target.kind().equals("item");
    StatsService.Query q = new StatsService.Query(from, to, item ? "item" : "none", bucket, target.department(),
        Optional.empty(), "city", target.regionDepartments());
    return stats.groups(q).map(groups -> item
        ? groups.stream().filter(g -> target.code().equals(g.group())).toList()
        : groups);
  }

  private JsonObject periodJson(Period period, LocalDate today) {
    return new JsonObject().put("period", period.text()).put("from", period.from().toString())
        .put("to", period.to().toString()).put("complete", today.isAfter(period.to()));
  }

  private boolean withheld(Indicators i) {
    return i.get("active") < minSample;
  }

  /** The published indicators, or null for a group under the minimum sample. */
  private JsonObject published(Indicators i) {
    return withheld(i) ? null : i.publicJson(stats.goodLevels());
  }

  private double goodShare(Indicators i) {
    return (double) i.good(stats.goodLevels()) / i.get("active");
  }

  private JsonArray goodLevels() {
    return new JsonArray(List.copyOf(new TreeSet<>(stats.goodLevels())));
  }
}
