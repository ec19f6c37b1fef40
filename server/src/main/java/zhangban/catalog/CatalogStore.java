package zhangban.catalog;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import zhangban.http.ApiException;
import zhangban.http.ProblemType;
import zhangban.identity.Principal;

/** SQL of the catalog: departments, items and their versions. */
public final class CatalogStore {
  private static final String LIST_DEPARTMENTS =
      "select code, name, region, uscc, uses_external_system from department order by code";
  private static final String GET_DEPARTMENT =
      "select code, name, region, uscc, uses_external_system from department where code = $1";
  private static final String INSERT_DEPARTMENT = """
      insert into department (code, name, region, uscc, uses_external_system) values ($1, $2, $3, $4, $5)
      on conflict (code) do nothing
      returning code, name, region, uscc, uses_external_system
      """;
  /**
   * Active items as they are now (the view {@code service_item_current}), by code after cursor $3,
   * at most $4: matching search $1 (a LIKE pattern) and of department $2 when given.
   */
  private static final String LIST_ITEMS = """
      select * from service_item_current
      where status = 'active'
        and ($1::text is null or search_text like $1 escape '\\')
        and ($2::text is null or department = $2)
        and ($3::text is null or item_code > $3)
      order by item_code
      limit $4
      """;
  private static final String GET_CURRENT = "select * from service_item_current where item_code = $1";
  private static final String GET_VERSION = """
      select v.item_code, v.version, v.name, v.department, d.name as department_name, v.kind, v.keywords,
             v.description, v.promised_days, v.legal_days, v.visits_needed, v.fully_online, v.fee_cents,
             v.materials, v.attributes, v.published_at, i.status, v.implementation_code
      from service_item i
      join service_item_version v on v.item_code = i.code
      join department d on d.code = v.department
      where i.code = $1 and v.version = $2
      """;
  private static final String INSERT_ITEM = """
      insert into service_item (code, department, current_version, status, search_text)
      values ($1, $2, 1, 'active', $3)
      on conflict (code) do nothing
      returning code
      """;
  private static final String LOCK_ITEM = "select current_version, status from service_item where code = $1 for update";
  private static final String BUMP_ITEM = """
      update service_item set current_version = $2, department = $3, search_text = $4, updated_at = now()
      where code = $1
      """;
  private static final String RETIRE_ITEM = """
      update service_item set status = 'retired', updated_at = now()
      where code = $1 and status = 'active'
      returning code
      """;
  private static final String INSERT_VERSION = """
      insert into service_item_version (item_code, version, name, department, kind, keywords, description,
        promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes, implementation_code)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
      """;

  private final Pool pool;

  public CatalogStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonArray> departments() {
    return pool.query(LIST_DEPARTMENTS).execute().map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(department(r)));
      return out;
    });
  }

  public Future<Optional<JsonObject>> department(SqlClient client, String code) {
    return client.preparedQuery(GET_DEPARTMENT).execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(department(rows.iterator().next())));
  }

  public Future<JsonObject> createDepartment(JsonObject in) {
    JsonArray errors = new JsonArray();
    Principal.checkUscc(in.getString("uscc"), "/uscc", errors);
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable("The 统一社会信用代码 " + in.getString("uscc") + " has a wrong check character.", errors);
    }
    return pool.preparedQuery(INSERT_DEPARTMENT)
        .execute(Tuple.of(in.getString("code"), in.getString("name"), in.getString("region"), in.getString("uscc"),
            in.getBoolean("usesExternalSystem", false)))
        .recover(t -> foreignKeyToUnprocessable(t, "No region " + in.getString("region") + " (GET /regions).",
            "/region", "Not a region of the tree."))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.conflict(ProblemType.DEPARTMENT_EXISTS, "A department with code " + in.getString("code") + " exists.");
          }
          return department(rows.iterator().next());
        });
  }

  /** A page of active items, plus one look-ahead row to know whether there is a next page. */
  public Future<List<JsonObject>> items(Optional<String> keyword, Optional<String> department,
                                        Optional<String> after, int limit) {
    String pattern = keyword.map(k -> "%" + k.toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        .orElse(null);
    return pool.preparedQuery(LIST_ITEMS)
        .execute(Tuple.of(pattern, department.orElse(null), after.orElse(null), limit + 1))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(item(r)));
          return out;
        });
  }

  public Future<Optional<JsonObject>> current(SqlClient client, String code) {
    return client.preparedQuery(GET_CURRENT).execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(item(rows.iterator().next())));
  }

  public Future<Optional<JsonObject>> version(SqlClient client, String code, int version) {
    return client.preparedQuery(GET_VERSION).execute(Tuple.of(code, version))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(item(rows.iterator().next())));
  }

  public Future<Optional<JsonObject>> current(String code) {
    return current(pool, code);
  }

  public Future<Optional<JsonObject>> version(String code, int version) {
    return version(pool, code, version);
  }

  public Future<JsonObject> create(JsonObject in) {
    return pool.withTransaction(tx -> tx.preparedQuery(INSERT_ITEM)
        .execute(Tuple.of(in.getString("code"), in.getString("department"), searchText(in)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.conflict(ProblemType.ITEM_EXISTS,
                "A service item with code " + in.getString("code") + " exists."));
          }
          return tx.preparedQuery(INSERT_VERSION).execute(versionTuple(in, 1));
        })
        .compose(v -> current(tx, in.getString("code"))))
        .map(Optional::orElseThrow)
        .recover(CatalogStore::foreignKeyToUnprocessable);
  }

  /** Publishes version n+1; applications filed under earlier versions keep theirs. */
  public Future<JsonObject> update(String code, JsonObject in) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_ITEM).execute(Tuple.of(code))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("No service item " + code + "."));
          }
          Row r = rows.iterator().next();
          if ("retired".equals(r.getString("status"))) {
            return Future.failedFuture(ApiException.conflict(ProblemType.ITEM_RETIRED, "Service item " + code + " is retired."));
          }
          int next = r.getInteger("current_version") + 1;
          return tx.preparedQuery(INSERT_VERSION).execute(versionTuple(in, next))
              .compose(v -> tx.preparedQuery(BUMP_ITEM).execute(Tuple.of(code, next, in.getString("department"), searchText(in))));
        })
        .compose(v -> current(tx, code)))
        .map(Optional::orElseThrow)
        .recover(CatalogStore::foreignKeyToUnprocessable);
  }

  public Future<JsonObject> retire(String code) {
    return pool.withTransaction(tx -> tx.preparedQuery(RETIRE_ITEM).execute(Tuple.of(code))
        .compose(rows -> rows.size() == 1 ? current(tx, code).map(Optional::orElseThrow)
            : current(tx, code).compose(found -> Future.failedFuture(found.isEmpty()
                ? ApiException.notFound("No service item " + code + ".")
                : ApiException.conflict(ProblemType.ITEM_RETIRED, "Service item " + code + " is already retired.")))));
  }

  private static <T> Future<T> foreignKeyToUnprocessable(Throwable t) {
    return foreignKeyToUnprocessable(t, "The department does not exist.", "/department", "No such department.");
  }

  /** A reference to a row that does not exist (23503) as a 422 on the field that named it; anything else as it is. */
  private static <T> Future<T> foreignKeyToUnprocessable(Throwable t, String detail, String pointer, String message) {
    if (t instanceof PgException pg && "23503".equals(pg.getSqlState())) {
      return Future.failedFuture(ApiException.unprocessable(detail,
          new JsonArray().add(ApiException.fieldError(pointer, message))));
    }
    return Future.failedFuture(t);
  }

  private static Tuple versionTuple(JsonObject in, int version) {
    JsonArray keywords = in.getJsonArray("keywords", new JsonArray());
    return Tuple.tuple()
        .addString(in.getString("code"))
        .addInteger(version)
        .addString(in.getString("name"))
        .addString(in.getString("department"))
        .addString(in.getString("kind"))
        .addArrayOfString(keywords.stream().map(String::valueOf).toArray(String[]::new))
        .addString(in.getString("description"))
        .addInteger(in.getInteger("promisedDays"))
        .addInteger(in.getInteger("legalDays"))
        .addInteger(in.getInteger("visitsNeeded"))
        .addBoolean(in.getBoolean("fullyOnline"))
        .addLong(in.getLong("feeCents", 0L))
        .addValue(in.getJsonArray("materials", new JsonArray()))
        .addValue(in.getJsonArray("attributes", new JsonArray()))
        .addString(in.getString("implementationCode"));
  }

  private static String searchText(JsonObject in) {
    StringBuilder sb = new StringBuilder(in.getString("code")).append(' ').append(in.getString("name"));
    in.getJsonArray("keywords", new JsonArray()).forEach(k -> sb.append(' ').append(k));
    return sb.toString().toLowerCase();
  }

  static JsonObject department(Row r) {
    return new JsonObject()
        .put("code", r.getString("code"))
        .put("name", r.getString("name"))
        .put("region", r.getString("region"))
        .put("uscc", r.getString("uscc"))
        .put("usesExternalSystem", r.getBoolean("uses_external_system"));
  }

  public static JsonObject item(Row r) {
    return new JsonObject()
        .put("code", r.getString("item_code"))
        .put("implementationCode", r.getString("implementation_code"))
        .put("version", r.getInteger("version"))
        .put("name", r.getString("name"))
        .put("department", r.getString("department"))
        .put("departmentName", r.getString("department_name"))
        .put("kind", r.getString("kind"))
        .put("keywords", new JsonArray(List.of(r.getArrayOfStrings("keywords"))))
        .put("description", r.getString("description"))
        .put("promisedDays", r.getInteger("promised_days"))
        .put("legalDays", r.getInteger("legal_days"))
        .put("visitsNeeded", r.getInteger("visits_needed"))
        .put("fullyOnline", r.getBoolean("fully_online"))
        .put("feeCents", r.getLong("fee_cents"))
        .put("materials", (JsonArray) r.getJson("materials"))
        .put("attributes", (JsonArray) r.getJson("attributes"))
        .put("status", r.getString("status"))
        .put("publishedAt", r.getOffsetDateTime("published_at").toInstant().toString());
  }
}
