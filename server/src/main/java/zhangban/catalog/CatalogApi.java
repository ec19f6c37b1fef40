package zhangban.catalog;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import zhangban.identity.Principal;
import zhangban.http.ApiException;
import zhangban.http.Cursors;
import zhangban.http.Http;
import zhangban.identity.Role;

/** Handlers of the catalog operations: public browsing, admin publishing. */
public final class CatalogApi {
  private final CatalogStore store;

  public CatalogApi(CatalogStore store) {
    this.store = store;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("listDepartments").addHandler(Http.publicJson(rc -> store.departments()
        .map(items -> new JsonObject().put("items", items))));
    b.getRoute("createDepartment").addHandler(Http.json(201, rc -> {
      requireAdmin(rc);
      return store.createDepartment(Http.body(rc));
    }));
    b.getRoute("listServiceItems").addHandler(Http.publicJson(this::listItems));
    b.getRoute("getServiceItem").addHandler(Http.publicJson(rc -> {
      String code = Http.path(rc, "code");
      return store.current(code).map(found -> found.orElseThrow(() -> noItem(code)));
    }));
    b.getRoute("getServiceItemVersion").addHandler(Http.publicJson(rc -> {
      String code = Http.path(rc, "code");
      int version = Http.pathInt(rc, "version");
      return store.version(code, version).map(found -> found.orElseThrow(
          () -> ApiException.notFound("No version " + version + " of service item " + code + ".")));
    }));
    b.getRoute("createServiceItem").addHandler(Http.json(201, rc -> {
      requireAdmin(rc);
      JsonObject in = Http.body(rc);
      checkRules(in);
      return store.create(in);
    }));
    b.getRoute("updateServiceItem").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      String code = Http.path(rc, "code");
      JsonObject in = Http.body(rc);
      if (!code.equals(in.getString("code"))) {
        throw ApiException.unprocessable("The body's code must be the item's code.",
            new JsonArray().add(ApiException.fieldError("/code", "Must be " + code + ".")));
      }
      checkRules(in);
      return store.update(code, in);
    }));
    b.getRoute("retireServiceItem").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      return store.retire(Http.path(rc, "code"));
    }));
  }

  private Future<JsonObject> listItems(RoutingContext rc) {
    int limit = Http.queryInt(rc, "limit").orElse(20);
    Optional<String> after = Http.query(rc, "cursor").map(Cursors::decode);
    return store.items(Http.query(rc, "q"), Http.query(rc, "department"), after, limit).map(rows -> {
      boolean more = rows.size() > limit;
      List<JsonObject> page = more ? rows.subList(0, limit) : rows;
      return new JsonObject()
          .put("items", new JsonArray(page))
          .put("nextCursor", more ? Cursors.encode(page.get(page.size() - 1).getString("code")) : null)
          .put("hasMore", more);
    });
  }

  private static void requireAdmin(RoutingContext rc) {
    if (!Principal.of(rc).has(Role.ADMIN)) {
      throw ApiException.forbidden("Only administrators manage the catalog.");
    }
  }

  private static ApiException noItem(String code) {
    return ApiException.notFound("No service item " + code + ".");
  }

  /** Rules the schema cannot say: unique codes, list fields with values, promised within legal time. */
  static void checkRules(JsonObject in) {
    JsonArray errors = new JsonArray();
    if (in.getInteger("promisedDays") > in.getInteger("legalDays")) {
      errors.add(ApiException.fieldError("/promisedDays", "The promised time may not exceed the legal time."));
    }
    JsonArray materials = in.getJsonArray("materials", new JsonArray());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < materials.size(); i++) {
      JsonObject m = materials.getJsonObject(i);
      if (!seen.add(m.getString("code"))) {
        errors.add(ApiException.fieldError("/materials/" + i + "/code", "Duplicate material code."));
      }
      if (m.getBoolean("toleranceAllowed") && !m.getBoolean("required")) {
        errors.add(ApiException.fieldError("/materials/" + i + "/toleranceAllowed",
            "容缺 applies to required materials only."));
      }
    }
    JsonArray attributes = in.getJsonArray("attributes", new JsonArray());
    seen.clear();
    for (int i = 0; i < attributes.size(); i++) {
      JsonObject a = attributes.getJsonObject(i);
      if (!seen.add(a.getString("code"))) {
        errors.add(ApiException.fieldError("/attributes/" + i + "/code", "Duplicate attribute code."));
      }
      boolean list = a.getString("datatype").endsWith("valuelist");
      JsonArray values = a.getJsonArray("values");
      if (list && (values == null || values.isEmpty())) {
        errors.add(ApiException.fieldError("/attributes/" + i + "/values", "A list field needs its values."));
      } else if (!list && values != null) {
        errors.add(ApiException.fieldError("/attributes/" + i + "/values", "Only list fields have values."));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable("The service item breaks catalog rules.", errors);
    }
  }
}
