package zhangban.region;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import zhangban.http.ApiException;
import zhangban.identity.Scope;

/**
 * The province's regions (行政区划, GB/T 2260) as a tree: each a level below its parent, so no
 * cycle can form. Read by everyone (the public disclosure names them), changed by administrators.
 */
public final class RegionStore {
  private static final String ALL = "select code, parent, name, level, population from region order by code";
  /**
   * What a change of region $1 to parent $2 and level $3 must know: whether the region exists,
   * its parent's level, and how many of its children a region of that level could not have.
   */
  private static final String BEFORE_CHANGE = """
      select exists (select 1 from region where code = $1) as exists,
             (select level from region where code = $2) as parent_level,
             (select count(*) from region where parent = $1 and level <> (case $3::text when 'province' then 'city'
                when 'city' then 'county' else 'none' end)) as misplaced_children
      """;
  private static final String UPSERT = """
      insert into region (code, parent, name, level, population) values ($1, $2, $3, $4, $5)
      on conflict (code) do update set parent = excluded.parent, name = excluded.name, level = excluded.level,
        population = excluded.population
      returning code, parent, name, level, population
      """;
  /**
   * The departments region $1 covers — those of its subtree (department_region_at names each
   * department with its region and the regions above it), and for a province no department of
   * another province stands beside, those without a region — and whether it sees every department:
   * the deployment's province only, never a city that happens to hold every department today (its
   * managers would keep that in the notice directory after a department moved away).
   */
  private static final String SCOPE = """
      with mine as (select department from department_region_at where region = $1),
           covered as (
             select department from mine
             union
             select d.code from department d join region r on r.code = $1
             where d.region is null and r.level = 'province'
               and not exists (select 1 from department_region_at o where o.level = 'province' and o.region <> $1))
      select array(select department from covered) as departments,
             r.level = 'province'
               and not exists (select 1 from department d where d.code not in (select department from covered)) as every_one
      from region r where r.code = $1
      """;
  /** Region $1: its name and level. */
  private static final String ONE = "select code, parent, name, level, population from region where code = $1";
  /** Region $1 and the regions below it (the tree has three levels). */
  private static final String SUBTREE = """
      select code from region
      where code = $1 or parent = $1 or parent in (select code from region where parent = $1)
      order by code
      """;
  /** The regions with at least one department in their subtree. */
  private static final String WITH_DEPARTMENTS = "select distinct region from department_region_at order by region";
  /** The level a region's parent has. */
  private static final Map<String, String> PARENT_LEVEL = Map.of("city", "province", "county", "city");

  private final Pool pool;

  public RegionStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> list() {
    return pool.query(ALL).execute().map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(json(r)));
      return new JsonObject().put("items", items);
    });
  }

  /**
   * What a manager of {@code code} sees ({@link #SCOPE}): every department when it covers them all,
   * which the statements then need not list, else the departments it covers; empty if there is no
   * such region. Another province of the tree (the demo's 广东省 in another province's deployment)
   * covers none.
   */
  public Future<Optional<Scope>> scopeOf(String code) {
    return pool.preparedQuery(SCOPE).execute(Tuple.of(code)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(r.getBoolean("every_one") ? Scope.ALL
          : Scope.of(new java.util.HashSet<>(java.util.Arrays.asList(r.getArrayOfStrings("departments")))));
    });
  }

  /** Region {@code code}, if there is one. */
  public Future<Optional<JsonObject>> get(String code) {
    return pool.preparedQuery(ONE).execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(json(rows.iterator().next())));
  }

  /** The codes of region {@code code} and of the regions below it. */
  public Future<List<String>> subtree(String code) {
    return pool.preparedQuery(SUBTREE).execute(Tuple.of(code)).map(rows -> {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getString("code")));
      return out;
    });
  }

  /** The regions that have a department in their subtree. */
  public Future<List<String>> withDepartments() {
    return pool.query(WITH_DEPARTMENTS).execute().map(rows -> {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getString("region")));
      return out;
    });
  }

  /** What a region's page in the API needs to answer the call: the region now, and whether it was new. */
  public record Saved(boolean created, JsonObject region) {}

  /**
   * Creates or changes region {@code code}: its parent must exist one level above it (a province
   * has none), and a region with children keeps a level that suits them.
   */
  public Future<Saved> save(String code, JsonObject in) {
    String parent = in.getString("parent");
    String level = in.getString("level");
    return pool.withTransaction(tx -> tx.preparedQuery(BEFORE_CHANGE).execute(Tuple.of(code, parent, level))
        .compose(rows -> {
          Row r = rows.iterator().next();
          if (code.equals(parent)) {
            throw ApiException.invalid("/parent", "A region is not its own parent.");
          }
          String wanted = PARENT_LEVEL.get(level);
          if (wanted == null && parent != null) {
            throw ApiException.invalid("/parent", "A province has no parent region.");
          }
          if (wanted != null && parent == null) {
            throw ApiException.invalid("/parent", "A " + level + " needs its " + wanted + ".");
          }
          if (wanted != null && !wanted.equals(r.getString("parent_level"))) {
            throw ApiException.unprocessable("The parent is not a region one level above.",
                new JsonArray().add(ApiException.fieldError("/parent", r.getString("parent_level") == null
                    ? "No region " + parent + "." : "A " + r.getString("parent_level") + ", not a " + wanted + ".")));
          }
          if (r.getLong("misplaced_children") > 0) {
            throw ApiException.unprocessable("Region " + code + " has regions below it that a " + level
                + " cannot have.", new JsonArray().add(ApiException.fieldError("/level", "Its children need another level.")));
          }
          boolean created = !r.getBoolean("exists");
          return tx.preparedQuery(UPSERT).execute(Tuple.of(code, parent, in.getString("name"), level,
                  in.getLong("population")))
              .map(saved -> new Saved(created, json(saved.iterator().next())));
        }));
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("code", r.getString("code"))
        .put("parent", r.getString("parent"))
        .put("name", r.getString("name"))
        .put("level", r.getString("level"))
        .put("population", r.getLong("population"));
  }
}
