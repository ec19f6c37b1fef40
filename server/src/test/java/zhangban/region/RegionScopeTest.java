package zhangban.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.rating.RatingFixtures;
import zhangban.support.Api;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * Managers see their region's subtree: here the 民政局 (MZJ) is put in 广州市天河区 (440106), and
 * each of its pieces of work (an application, a poor rating, its case under appeal) is looked for
 * by managers of the province, of 广州市, of 天河区 (who see it), of 深圳市 and of 广州市越秀区 (who do
 * not): every read and statistic, by id and in lists. The denials of every operation are in
 * {@code AuthorizationMatrixTest}'s manager-elsewhere and manager-none columns.
 */
class RegionScopeTest {
  static TestServer server;
  static Api api;
  static RatingFixtures fx;
  static JsonObject poor;
  static String applicationId;
  static String caseId;
  static final String RANGE = "from=2026-11-01&to=2026-11-30";
  /** Each manager's region, and whether MZJ (天河区) is in it. */
  static final Map<String, Boolean> SEES_MZJ = new LinkedHashMap<>();

  static {
    SEES_MZJ.put("440000", true);
    SEES_MZJ.put("440100", true);
    SEES_MZJ.put("440106", true);
    SEES_MZJ.put("440300", false);
    SEES_MZJ.put("440104", false);
  }

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
    server.update("update department set region = '440106' where code = 'MZJ'");
    poor = fx.poorRating("citizen-region-" + UUID.randomUUID());
    caseId = fx.caseOf(poor);
    applicationId = poor.getString("applicationId");
    fx.step(fx.officer(), caseId, "appeal", new JsonObject().put("reason", "mistaken")
        .put("explanation", "该申请人当天并未来办理"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String manager(String region) {
    return server.tokens.manager("manager-region-" + region, region);
  }

  @Test
  void aManagerSeesTheWorkOfTheirRegionsSubtreeAndNothingElse() {
    // what the province's manager counts (every rating here is MZJ's; other tests of the class add more)
    String province = manager("440000");
    long active = api.get("/stats/ratings?" + RANGE).token(province).send().expect(200).json()
        .getJsonObject("totals").getLong("active");
    long poorTagged = api.get("/stats/ratings/tags?" + RANGE).token(province).send().expect(200).json().getLong("poor");
    long appealsPending = api.get("/stats/rectification").token(province).send().expect(200).json()
        .getLong("appealsPending");
    assertTrue(active >= 1 && poorTagged >= 1 && appealsPending >= 1, active + " " + poorTagged + " " + appealsPending);
    for (var entry : SEES_MZJ.entrySet()) {
      String region = entry.getKey();
      boolean sees = entry.getValue();
      String t = manager(region);
      String who = "manager of " + region;
      assertEquals(region, api.get("/me").token(t).send().expect(200).json().getString("region"), who);

      assertEquals(sees ? 200 : 404, api.get("/applications/" + applicationId).token(t).send().status(), who);
      assertEquals(sees ? 200 : 404, api.get("/ratings/" + poor.getString("id")).token(t).send().status(), who);
      assertEquals(sees ? 200 : 404, api.get("/rectification-cases/" + caseId).token(t).send().status(), who);
      assertEquals(sees, ids(api.get("/applications").token(t).send().expect(200).items()).contains(applicationId), who);
      assertEquals(sees, ids(api.get("/rectification-cases?appeal=pending").token(t).send().expect(200).items())
          .contains(caseId), who);

      JsonObject stats = api.get("/stats/ratings?" + RANGE + "&groupBy=department").token(t).send().expect(200).json();
      assertEquals(sees ? active : 0, stats.getJsonObject("totals").getLong("active"), who);
      assertEquals(sees, stats.encode().contains("MZJ"), who);
      JsonObject byRegion = api.get("/stats/ratings?" + RANGE + "&groupBy=region&regionLevel=county").token(t)
          .send().expect(200).json();
      assertEquals(sees, byRegion.encode().contains("440106"), who);
      assertEquals(sees, api.get("/stats/ratings/ranking?" + RANGE + "&by=department&minSample=1").token(t).send()
          .expect(200).json().encode().contains("MZJ"), who);
      assertEquals(sees ? poorTagged : 0, api.get("/stats/ratings/tags?" + RANGE).token(t).send().expect(200).json()
          .getLong("poor"), who);
      JsonObject cases = api.get("/stats/rectification").token(t).send().expect(200).json();
      assertEquals(sees ? appealsPending : 0, cases.getLong("appealsPending"), who);
      assertEquals(sees, api.get("/supervision/overdue").token(t).send().expect(200).json().encode().contains("MZJ"), who);
      assertEquals(sees, api.get("/exports/ratings.csv?" + RANGE).token(t).send().expect(200).body().toString()
          .contains(poor.getString("id")), who);

      // asking for MZJ outright: its work, or 403 outside the region
      int direct = sees ? 200 : 403;
      assertEquals(direct, api.get("/stats/ratings?" + RANGE + "&department=MZJ").token(t).send().status(), who);
      assertEquals(direct, api.get("/supervision/overdue?department=MZJ").token(t).send().status(), who);
      assertEquals(direct, api.get("/rectification-cases?department=MZJ").token(t).send().status(), who);
      assertEquals(direct, api.get("/applications?department=MZJ").token(t).send().status(), who);
      assertEquals(direct, api.get("/exports/ratings.csv?" + RANGE + "&department=MZJ").token(t).send().status(), who);
    }
  }

  @Test
  void onlyTheManagersOfTheCasesRegionMayDecideItsAppeal() {
    JsonObject rating = fx.poorRating("citizen-region-appeal-" + UUID.randomUUID());
    String id = fx.caseOf(rating);
    fx.step(fx.officer(), id, "appeal", new JsonObject().put("reason", "mistaken").put("explanation", "未到场"));
    JsonObject decision = new JsonObject().put("decision", "rejected").put("note", "评价属实");
    Map<String, Long> before = server.snapshot();
    api.post("/rectification-cases/" + id + "/appeal/decision").token(manager("440300")).json(decision).expect(404);
    assertEquals(before, server.snapshot(), "a refused decision changes nothing");
    JsonObject decided = api.post("/rectification-cases/" + id + "/appeal/decision").token(manager("440106"))
        .json(decision).expect(200).json();
    assertEquals("rejected", decided.getJsonObject("appeal").getString("decision"));
  }

  @Test
  void appealsReachTheManagersWhoseRegionCoversTheDepartment() {
    List<String> regions = List.of("440000", "440100", "440300");
    for (String region : regions) {
      api.put("/me/devices/" + UUID.randomUUID()).token(manager(region)).json(new JsonObject()
          .put("token", "manager-device-" + region).put("platform", "android").put("locale", "zh-CN")
          .put("appVersion", "3.2.1")).expect(200);
    }
    JsonObject rating = fx.poorRating("citizen-region-notice-" + UUID.randomUUID());
    String id = fx.caseOf(rating);
    fx.step(fx.officer(), id, "appeal", new JsonObject().put("reason", "mistaken").put("explanation", "未到场"));
    for (String region : regions) {
      boolean told = api.get("/me/notifications").token(manager(region)).send().expect(200).items().stream()
          .map(JsonObject.class::cast)
          .anyMatch(n -> "appeal_filed".equals(n.getString("kind")) && n.encode().contains(id));
      assertEquals(SEES_MZJ.get(region), told, "manager of " + region);
    }
  }

  @Test
  void staffMovedByTheirTokensAreToldAsTheyAreNowWithoutRegisteringAgain() {
    String subject = "manager-moved-" + UUID.randomUUID();
    api.put("/me/devices/" + UUID.randomUUID()).token(server.tokens.manager(subject, "440300")).json(new JsonObject()
        .put("token", "manager-device-" + subject).put("platform", "android").put("locale", "zh-CN")
        .put("appVersion", "3.2.1")).expect(200);
    // the identity provider moves the manager to 广州市, the officer to another department; the
    // next request of each carries it
    api.get("/me").token(server.tokens.manager(subject, "440100")).send().expect(200);
    String officer = "officer-moved-" + UUID.randomUUID();
    api.put("/me/devices/" + UUID.randomUUID()).token(server.tokens.token(officer, "调动的工作人员",
        List.of("officer"), "GAJ", null)).json(new JsonObject().put("token", "officer-device-" + officer)
        .put("platform", "android").put("locale", "zh-CN").put("appVersion", "3.2.1")).expect(200);
    api.get("/me").token(server.tokens.token(officer, "调动的工作人员", List.of("officer"), "MZJ", null)).send()
        .expect(200);
    Poll.until("the directories follow the tokens", () -> "440100".equals(
            server.row("select region from manager_directory where subject = $1", subject).getString("region"))
        && "MZJ".equals(server.row("select department from officer_directory where subject = $1", officer)
            .getString("department")));
    // a department the catalog does not know cannot be written there: the request is unharmed, the row kept
    api.get("/me").token(server.tokens.token(officer, "调动的工作人员", List.of("officer"), "NO-SUCH-DEPT", null))
        .send().expect(200);
    JsonObject rating = fx.poorRating("citizen-region-manager-moved-" + UUID.randomUUID());
    String id = fx.caseOf(rating);
    fx.step(fx.officer(), id, "appeal", new JsonObject().put("reason", "mistaken").put("explanation", "未到场"));
    assertEquals(1, server.count("select count(*) from notification where user_subject = $1 and kind = 'appeal_filed'"
        + " and application_id = $2::uuid", subject, rating.getString("applicationId")),
        "MZJ is in 广州市, where the manager is now");
    // a token naming a region Zhangban does not know makes them no manager here: out of the directory
    api.get("/me").token(server.tokens.manager(subject, "990000")).send().expect(200);
    Poll.until("a manager no longer leaves the directory",
        () -> server.count("select count(*) from manager_directory where subject = $1", subject) == 0);
    assertEquals("MZJ", server.row("select department from officer_directory where subject = $1", officer)
        .getString("department"));
  }

  @Test
  void aDepartmentMovedToAnotherRegionIsItsManagersAtOnce() {
    String shenzhen = manager("440300");
    try {
      assertEquals(404, api.get("/applications/" + applicationId).token(shenzhen).send().status());
      server.update("update department set region = '440304' where code = 'MZJ'");
      assertEquals(200, api.get("/applications/" + applicationId).token(shenzhen).send().status());
      assertEquals(404, api.get("/applications/" + applicationId).token(manager("440100")).send().status());
    } finally {
      server.update("update department set region = '440106' where code = 'MZJ'");
    }
  }

  @Test
  void aCityThatHoldsEveryDepartmentIsStillNoProvince() {
    String city = server.tokens.manager("manager-city-holding-all", "440300");
    server.update("update department set region = '440304' where code = 'MZJ'"); // every department in 深圳市
    try {
      assertEquals(200, api.get("/applications/" + applicationId).token(city).send().status());
      assertEquals(403, api.get("/admin/platform-reports").token(city).send().status(), "the province's managers only");
      api.put("/me/devices/" + UUID.randomUUID()).token(city).json(new JsonObject()
          .put("token", "manager-device-city-holding-all").put("platform", "android").put("locale", "zh-CN")
          .put("appVersion", "3.2.1")).expect(200);
    } finally {
      server.update("update department set region = '440106' where code = 'MZJ'");
    }
    // registered while the city held every department, it is still told only of its own
    JsonObject rating = fx.poorRating("citizen-region-moved-" + UUID.randomUUID());
    String id = fx.caseOf(rating);
    fx.step(fx.officer(), id, "appeal", new JsonObject().put("reason", "mistaken").put("explanation", "未到场"));
    assertEquals(0, server.count("select count(*) from notification where user_subject = 'manager-city-holding-all'"
        + " and kind = 'appeal_filed'"), "MZJ is 天河区's now");
  }

  @Test
  void theDeploymentsProvinceSeesEveryDepartmentAndAnotherProvinceNone() {
    // another province of the tree, with no department of this deployment in it, sees nothing
    server.update("insert into region (code, parent, name, level) values ('450000', null, '广西壮族自治区', 'province')");
    try {
      assertEquals(404, api.get("/applications/" + applicationId).token(manager("450000")).send().status());
      assertEquals(0, api.get("/applications").token(manager("450000")).send().expect(200).items().size());
      assertEquals(403, api.get("/admin/platform-reports").token(manager("450000")).send().status());
    } finally {
      server.update("delete from region where code = '450000'");
    }
    // a department not yet given its region (one upgraded from free text) is the deployment's
    // province's, and no city's
    server.update("update department set region = null where code = 'JTJ'");
    try {
      assertEquals(200, api.get("/stats/ratings?" + RANGE + "&department=JTJ").token(manager("440000")).send().status());
      assertEquals(200, api.get("/admin/platform-reports").token(manager("440000")).send().status(), "still everything");
      assertEquals(403, api.get("/stats/ratings?" + RANGE + "&department=JTJ").token(manager("440300")).send().status());
    } finally {
      server.update("update department set region = '440300' where code = 'JTJ'");
    }
  }

  @Test
  void aManagerWithoutARegionOrWithAnUnknownOneIsNoManagerByDefault() {
    for (String t : List.of(server.tokens.manager("manager-no-region", null), manager("450000"),
        server.tokens.token("manager-bad-region", "经理", List.of("manager"), null, null, "44030X"))) {
      JsonObject me = api.get("/me").token(t).send().expect(200).json();
      assertEquals(new JsonArray(), me.getJsonArray("roles"));
      assertNull(me.getString("region"));
      assertEquals(403, api.get("/stats/ratings?" + RANGE).token(t).send().status());
      assertEquals(404, api.get("/applications/" + applicationId).token(t).send().status());
      assertEquals(403, api.get("/supervision/overdue").token(t).send().status());
    }
  }

  @Test
  void managersWithoutARegionSeeEverythingOnlyWhereConfiguredTo() {
    try (TestServer all = TestServer.start(Map.of("MANAGER_WITHOUT_REGION", "all"))) {
      String t = all.tokens.manager("manager-everything", null);
      JsonObject me = all.api.get("/me").token(t).send().expect(200).json();
      assertEquals(new JsonArray().add("manager"), me.getJsonArray("roles"));
      assertNull(me.getString("region"));
      all.api.get("/stats/ratings?" + RANGE + "&department=MZJ").token(t).send().expect(200);
      all.api.get("/admin/platform-reports").token(t).send().expect(200);
      // a region claim that is there but no code is not "no region": no manager role, even here
      for (Object bad : List.of(440300, "4403", " 440300", "44030X")) {
        String token = all.tokens.sign(all.tokens.claims("manager-bad-" + bad).claim("roles", List.of("manager"))
            .claim("region", bad).build());
        assertEquals(new JsonArray(), all.api.get("/me").token(token).send().expect(200).json().getJsonArray("roles"),
            "region " + bad);
        assertEquals(403, all.api.get("/stats/ratings?" + RANGE).token(token).send().status(), "region " + bad);
      }
    }
    // here, where the default denies them, a city's manager does not read the platform's backlog either
    assertEquals(403, api.get("/admin/platform-reports").token(manager("440100")).send().status());
    assertEquals(200, api.get("/admin/platform-reports").token(manager("440000")).send().status());
  }

  static List<String> ids(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }
}
