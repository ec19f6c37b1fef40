package zhangban.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The province's regions as data: the demo province's tree from the migration, read by anyone,
 * changed by administrators with each region one level below its parent, so no cycle can form; a
 * department belongs to a region of the tree.
 */
class RegionTest {
  static TestServer server;
  static Api api;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    fx = new PushFixtures(server, null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Api.Response put(String token, String code, JsonObject body) {
    return api.put("/admin/regions/" + code).token(token).json(body);
  }

  static JsonObject county(String parent, String name) {
    return new JsonObject().put("parent", parent).put("name", name).put("level", "county");
  }

  @Test
  void theDemoProvinceIsATreeEveryoneMayRead() {
    Api.Response r = api.get("/regions").send().expect(200);
    assertTrue(r.header("Cache-Control").startsWith("public"), r.header("Cache-Control"));
    Map<String, JsonObject> byCode = new java.util.HashMap<>();
    r.json().getJsonArray("items").forEach(o -> byCode.put(((JsonObject) o).getString("code"), (JsonObject) o));
    assertEquals("province", byCode.get("440000").getString("level"));
    assertEquals("440000", byCode.get("440300").getString("parent"));
    assertEquals("深圳市", byCode.get("440300").getString("name"));
    assertEquals("440300", byCode.get("440305").getString("parent"));
    assertEquals(17790100L, byCode.get("440300").getLong("population"));
    assertEquals(List.of(), server.rows("select code from department where region is null "
        + "or region not in (select code from region)"), "every department has a region of the tree");
  }

  @Test
  void anAdministratorAddsAndRenamesARegionOneLevelBelowItsParent() {
    JsonObject added = put(fx.admin(), "440312", county("440300", "大鹏新区")).expect(201).json();
    assertEquals(new JsonObject().put("code", "440312").put("parent", "440300").put("name", "大鹏新区")
        .put("level", "county").putNull("population"), added);
    JsonObject renamed = put(fx.admin(), "440312", county("440300", "大鹏新区").put("population", 156000))
        .expect(200).json();
    assertEquals(156000L, renamed.getLong("population"));
    api.post("/departments").token(fx.admin()).json(new JsonObject().put("code", "DPJ").put("name", "大鹏新区民政局")
        .put("region", "440312").put("uscc", "11440300009999201T")).expect(201);
  }

  @Test
  void aRegionOutOfPlaceOrADepartmentOutsideTheTreeIsRefusedChangingNothing() {
    Map<String, Long> before = server.snapshot();
    long regions = server.count("select count(*) from region");
    assertEquals(List.of("/parent"), put(fx.admin(), "440399", county("440000", "错层")).expect(422).pointers(),
        "a county's parent is a city");
    assertEquals(List.of("/parent"), put(fx.admin(), "440399", county("449900", "无父")).expect(422).pointers());
    assertEquals(List.of("/parent"), put(fx.admin(), "440399", new JsonObject().put("name", "x").put("level", "county"))
        .expect(400).pointers());
    assertEquals(List.of("/parent"), put(fx.admin(), "450000", new JsonObject().put("parent", "440000")
        .put("name", "广西").put("level", "province")).expect(400).pointers());
    assertEquals(List.of("/level"), put(fx.admin(), "440300", new JsonObject().put("parent", "440100")
        .put("name", "深圳市").put("level", "county")).expect(422).pointers(), "its districts would have no city");
    put(fx.admin(), "44030", county("440300", "短码")).expect(400);
    assertEquals(List.of("/parent"), put(fx.admin(), "440100", new JsonObject().put("parent", "440100")
        .put("name", "广州市").put("level", "city")).expect(400).pointers(), "not its own parent");
    put(fx.officer(), "440398", county("440300", "x")).expect(403);
    put(null, "440398", county("440300", "x")).expect(401);
    assertEquals(List.of("/region"), api.post("/departments").token(fx.admin()).json(new JsonObject()
        .put("code", "NOWHERE").put("name", "无区划局").put("region", "449999").put("uscc", "11440300009999201T"))
        .expect(422).pointers());
    assertEquals(before, server.snapshot());
    assertEquals(regions, server.count("select count(*) from region"));
  }

  @Test
  void statisticsByRegionGiveTheActiveRatingsPerTenThousandResidentsAWeek() {
    zhangban.rating.RatingFixtures ratings = new zhangban.rating.RatingFixtures(server, fx);
    ratings.poorRating("citizen-region-" + java.util.UUID.randomUUID());
    String manager = ratings.manager();
    JsonObject week = api.get("/stats/ratings?from=2026-11-25&to=2026-12-01&groupBy=region&regionLevel=city")
        .token(manager).send().expect(200).json();
    JsonObject shenzhen = week.getJsonArray("rows").stream().map(JsonObject.class::cast)
        .filter(r -> "440300".equals(r.getString("group"))).findFirst().orElseThrow();
    assertEquals("深圳市", shenzhen.getString("groupName"));
    long active = shenzhen.getJsonObject("indicators").getLong("active");
    assertTrue(active >= 1);
    assertEquals(Math.round(active * 10_000.0 / 17_790_100 * 10_000) / 10_000.0,
        shenzhen.getDouble("activePerTenThousandResidentsPerWeek"), 1e-9, "one week, Shenzhen's 17,790,100 residents");

    JsonObject fortnight = api.get("/stats/ratings?from=2026-11-25&to=2026-12-08&groupBy=region&regionLevel=city")
        .token(manager).send().expect(200).json().getJsonArray("rows").getJsonObject(0);
    assertEquals(Math.round(active * 10_000.0 / 17_790_100 / 2 * 10_000) / 10_000.0,
        fortnight.getDouble("activePerTenThousandResidentsPerWeek"), 1e-9, "two weeks: half");

    JsonObject byDepartment = api.get("/stats/ratings?from=2026-11-25&to=2026-12-01&groupBy=department")
        .token(manager).send().expect(200).json().getJsonArray("rows").getJsonObject(0);
    assertTrue(!byDepartment.containsKey("activePerTenThousandResidentsPerWeek"), "regions only");
  }
}
