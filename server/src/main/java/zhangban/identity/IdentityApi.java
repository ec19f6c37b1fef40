package zhangban.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import zhangban.http.ApiException;
import zhangban.http.Http;

/** {@code /me}, and the demo-token endpoints that exist only in DEV_MODE. */
public final class IdentityApi {
  private static final String DEMO_USERS = "select id, name, roles, department, uscc, region from demo_user order by id";
  private static final String DEMO_USER = "select id, name, roles, department, uscc, region from demo_user where id = $1";

  private final Pool pool;
  /** Present in DEV_MODE once start-up has read the key. */
  private final java.util.function.Supplier<Optional<DevTokens>> devTokens;

  public IdentityApi(Pool pool, java.util.function.Supplier<Optional<DevTokens>> devTokens) {
    this.pool = pool;
    this.devTokens = devTokens;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("whoAmI").addHandler(Http.json(200, rc -> Future.succeededFuture(Principal.of(rc).toJson())));
    b.getRoute("listDemoUsers").addHandler(Http.json(200, rc -> {
      requireDevMode();
      return pool.query(DEMO_USERS).execute().map(rows -> {
        JsonArray items = new JsonArray();
        rows.forEach(r -> items.add(demoUser(r).toJson()));
        return new JsonObject().put("items", items);
      });
    }));
    b.getRoute("issueDevToken").addHandler(Http.json(200, rc -> {
      DevTokens tokens = requireDevMode();
      JsonObject in = Http.body(rc);
      String id = in.getString("user");
      long ttl = in.getLong("ttlSeconds", 3600L);
      return pool.preparedQuery(DEMO_USER).execute(Tuple.of(id)).map(rows -> {
        if (rows.size() == 0) {
          throw ApiException.notFound("No demo user " + id + ".");
        }
        DevTokens.DemoUser user = demoUser(rows.iterator().next());
        DevTokens.Issued issued = tokens.issue(user, ttl);
        return new JsonObject()
            .put("token", issued.token())
            .put("tokenType", "Bearer")
            .put("expiresAt", issued.expiresAt().toString())
            .put("user", user.toJson());
      });
    }));
  }

  /** Outside DEV_MODE these operations answer exactly as an unknown path does. */
  private DevTokens requireDevMode() {
    return devTokens.get().orElseThrow(() -> ApiException.notFound("No such resource."));
  }

  private static DevTokens.DemoUser demoUser(Row r) {
    return new DevTokens.DemoUser(r.getString("id"), r.getString("name"), List.of(r.getArrayOfStrings("roles")),
        Optional.ofNullable(r.getString("department")), Optional.ofNullable(r.getString("uscc")),
        Optional.ofNullable(r.getString("region")));
  }
}
