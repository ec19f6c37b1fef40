package zhangban.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;

/** Citizens browse the catalog without signing in; administrators publish, version and retire items. */
class CatalogTest {
  static TestServer server;
  static Api api;
  static String admin;
  static String citizen;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    admin = server.token("admin-zhou");
    citizen = server.token("citizen-zhang");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  static List<String> codes(JsonArray items) {
    return items.stream().map(i -> ((JsonObject) i).getString("code")).toList();
  }

  static List<String> codes(Api.Response r) {
    return codes(r.items());
  }

  static JsonObject material(String code, boolean required, boolean tolerance) {
    return zhangban.support.CatalogInputs.material(code, required, tolerance);
  }

  /** A valid guide for a new item of 民政局. */
  static JsonObject item(String code, String name) {
    return zhangban.support.CatalogInputs.item(code, name);
  }

  static JsonObject created(JsonObject item) {
    return api.post("/items").token(admin).json(item).expect(201).json();
  }

  static Api.Response apply(String itemCode) {
    return api.post("/applications").token(citizen).idempotencyKey("apply-" + UUID.randomUUID())
        .json(new JsonObject().put("itemCode", itemCode));
  }

  // ---- browsing ------------------------------------------------------------------------------

  @Test
  void walkingThePagesVisitsEveryActiveItemOnceInCodeOrder() {
    List<String> all = codes(api.get("/items?limit=100").send().expect(200));
    assertTrue(all.size() >= 15, "the demo catalog has at least 15 items, got " + all.size());
    List<String> sorted = new ArrayList<>(all);
    sorted.sort(null);
    assertEquals(sorted, all, "ordered by code");

    List<String> walked = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = api.get("/items?limit=5" + (cursor == null ? "" : "&cursor=" + cursor)).send()
          .expect(200).json();
      JsonArray items = page.getJsonArray("items");
      cursor = page.getString("nextCursor");
      assertTrue(items.size() == 5 || cursor == null && items.size() <= 5, "page " + pages + " has " + items.size());
      walked.addAll(codes(items));
      pages++;
      assertTrue(pages <= 100, "the pages never end");
    } while (cursor != null);

    assertEquals(new HashSet<>(walked).size(), walked.size(), "no item twice: " + walked);
    assertEquals(all, walked);
    assertEquals((all.size() + 4) / 5, pages);
    // every listed item is active
    assertTrue(api.get("/items?limit=100").send().items().stream()
        .allMatch(i -> "active".equals(((JsonObject) i).getString("status"))));
  }

  @Test
  void theDefaultPageHasTwentyItemsAndACursor() {
    JsonObject page = api.get("/items").send().expect(200).json();
    assertEquals(20, page.getJsonArray("items").size());
    assertNotNull(page.getString("nextCursor"));
  }

  @Test
  void aKeywordFindsTheItemsThatMentionIt() {
    List<String> found = codes(api.get("/items?q=" + q("结婚")).send().expect(200));
    assertEquals(List.of("MZ-HY-001"), found);
    // the code and the name are searched too, whatever the case
    assertEquals(List.of("MZ-HY-001"), codes(api.get("/items?q=mz-hy").send().expect(200)));
    assertEquals(List.of("MZ-HY-001"), codes(api.get("/items?q=" + q("结婚登记预约")).send().expect(200)));
    assertEquals(List.of(), codes(api.get("/items?q=" + q("离婚")).send().expect(200)));
  }

  @Test
  void percentAndUnderscoreInAKeywordAreLiteral() {
    created(item("QA-PCT-1", "满意度100%_测评"));
    // as LIKE wildcards these would match 结婚登记预约
    assertEquals(List.of(), codes(api.get("/items?q=" + q("结%")).send().expect(200)));
    assertEquals(List.of(), codes(api.get("/items?q=" + q("结_")).send().expect(200)));
    assertEquals(List.of(), codes(api.get("/items?q=" + q("\\")).send().expect(200)));
    // as characters they match the one item that has them
    assertEquals(List.of("QA-PCT-1"), codes(api.get("/items?q=" + q("%")).send().expect(200)));
    assertEquals(List.of("QA-PCT-1"), codes(api.get("/items?q=" + q("_")).send().expect(200)));
    assertEquals(List.of("QA-PCT-1"), codes(api.get("/items?q=" + q("100%_")).send().expect(200)));
    // and the keyword is decoded once: "%2541" is that text, not "%41" or "A"
    assertEquals(List.of(), codes(api.get("/items?q=" + q("%41")).send().expect(200)));
    created(item("QA-PLUS-1", "加号+事项"));
    assertEquals(List.of("QA-PLUS-1"), codes(api.get("/items?q=" + q("号+事")).send().expect(200)));
    // a keyword is text even where it reads as JSON
    created(item("QA-JSON-1", "编号-1.5\\\"引号\""));
    for (String text : List.of("-1.5", "1.5", "\\", "\"引号\"", "号-1")) {
      assertEquals(List.of("QA-JSON-1"), codes(api.get("/items?q=" + q(text)).send().expect(200)), text);
    }
    assertEquals(List.of(), codes(api.get("/items?q=" + q("\"编号\"")).send().expect(200)));
  }

  @Test
  void theDepartmentFilterKeepsThatDepartmentsItems() {
    JsonArray all = api.get("/items?limit=100").send().expect(200).items();
    List<String> expected = all.stream().map(i -> (JsonObject) i)
        .filter(i -> "MZJ".equals(i.getString("department"))).map(i -> i.getString("code")).toList();
    JsonArray mzj = api.get("/items?department=MZJ&limit=100").send().expect(200).items();
    assertEquals(expected, codes(mzj));
    assertTrue(codes(mzj).containsAll(List.of("MZ-0002", "MZ-0003", "MZ-HY-001")), codes(mzj).toString());
    mzj.forEach(i -> assertEquals("市民政局", ((JsonObject) i).getString("departmentName")));
    assertEquals(List.of("MZ-HY-001"),
        codes(api.get("/items?department=MZJ&q=" + q("预约")).send().expect(200)));
    assertEquals(List.of(), codes(api.get("/items?department=NOPE").send().expect(200)));
  }

  @Test
  void anItemShowsItsGuideWithMaterialsAndFormFields() {
    JsonObject item = api.get("/items/MZ-HY-001").send().expect(200).json();
    assertEquals("结婚登记预约", item.getString("name"));
    assertEquals(1, item.getInteger("version"));
    assertEquals("active", item.getString("status"));
    assertEquals("MZJ", item.getString("department"));
    assertEquals("市民政局", item.getString("departmentName"));
    assertEquals(5, item.getInteger("promisedDays"));
    assertEquals(20, item.getInteger("legalDays"));

    JsonArray materials = item.getJsonArray("materials");
    assertEquals(List.of("id_card", "household_register", "photo"), codes(materials));
    JsonObject idCard = materials.getJsonObject(0);
    assertEquals(List.of("application/pdf", "image/jpeg", "image/png"), idCard.getJsonArray("acceptedTypes").getList());
    assertEquals(5242880L, idCard.getLong("maxBytes"));
    JsonObject register = materials.getJsonObject(1);
    assertTrue(register.getBoolean("required"));
    assertTrue(register.getBoolean("toleranceAllowed"), "户口簿 may be missing at acceptance (容缺)");
    assertEquals(List.of("application/pdf", "image/jpeg"), register.getJsonArray("acceptedTypes").getList());
    JsonObject photo = materials.getJsonObject(2);
    assertFalse(photo.getBoolean("required"));
    assertEquals(2097152L, photo.getLong("maxBytes"));

    JsonArray attributes = item.getJsonArray("attributes");
    assertEquals(List.of("partnerName", "appointmentDate", "venue", "guests"), codes(attributes));
    assertEquals(List.of("string", "date", "singlevaluelist", "integer"),
        attributes.stream().map(a -> ((JsonObject) a).getString("datatype")).toList());
    assertEquals(List.of("futian", "nanshan"), attributes.getJsonObject(2).getJsonArray("values").stream()
        .map(v -> ((JsonObject) v).getString("key")).toList());
  }

  @Test
  void anUnknownItemIsNotFound() {
    api.get("/items/NO-SUCH-ITEM").send().expect(404);
    api.get("/items/MZ-HY-001/versions/2").send().expect(404);
    api.get("/items/NO-SUCH-ITEM/versions/1").send().expect(404);
  }

  @Test
  void departmentsAreListedByCodeWithoutAToken() {
    JsonArray items = api.get("/departments").send().expect(200).items();
    List<String> codes = codes(items);
    assertTrue(codes.size() >= 8, codes.toString());
    List<String> sorted = new ArrayList<>(codes);
    sorted.sort(null);
    assertEquals(sorted, codes);
    JsonObject mzj = items.getJsonObject(codes.indexOf("MZJ"));
    assertEquals("市民政局", mzj.getString("name"));
    assertEquals("440300", mzj.getString("region"));
    assertEquals("11440300007569248N", mzj.getString("uscc"));
    assertFalse(mzj.getBoolean("usesExternalSystem"));
    assertTrue(items.getJsonObject(codes.indexOf("ZJJ")).getBoolean("usesExternalSystem"));
  }

  // ---- administration ------------------------------------------------------------------------

  @Test
  void anAdministratorCreatesAnItemAtVersionOne() {
    Map<String, Long> before = server.snapshot();
    JsonObject item = created(item("QA-0001", "测试事项一"));
    assertEquals("QA-0001", item.getString("code"));
    assertEquals(1, item.getInteger("version"));
    assertEquals("active", item.getString("status"));
    assertEquals("市民政局", item.getString("departmentName"));
    assertEquals(List.of("id_card"), codes(item.getJsonArray("materials")));
    Map<String, Long> after = server.snapshot();
    assertEquals(before.get("service_item") + 1, after.get("service_item"));
    assertEquals(before.get("service_item_version") + 1, after.get("service_item_version"));

    assertEquals(item, api.get("/items/QA-0001").send().expect(200).json());
    assertEquals(item, api.get("/items/QA-0001/versions/1").send().expect(200).json());
    assertTrue(codes(api.get("/items?limit=100").send().expect(200)).contains("QA-0001"));
    assertEquals(List.of("QA-0001"), codes(api.get("/items?q=" + q("测试事项一")).send().expect(200)));
  }

  @Test
  void onlyAnAdministratorManagesTheCatalog() {
    Map<String, Long> before = server.snapshot();
    api.post("/items").token(citizen).json(item("QA-NOPE-1", "不许")).expect(403);
    api.post("/items").token(server.token("officer-minzheng")).json(item("QA-NOPE-1", "不许")).expect(403);
    api.post("/items").json(item("QA-NOPE-1", "不许")).expect(401);
    api.put("/items/MZ-HY-001").token(citizen).json(item("MZ-HY-001", "改名")).expect(403);
    api.post("/items/MZ-HY-001/retire").token(server.token("manager-sun")).send().expect(403);
    api.post("/departments").token(citizen).json(new JsonObject().put("code", "NOPEJ").put("name", "不许")
        .put("region", "440300").put("uscc", "11440300009999001F")).expect(403);
    assertEquals(before, server.snapshot());
    assertEquals("active", api.get("/items/MZ-HY-001").send().expect(200).json().getString("status"));
  }

  @Test
  void anIncompleteOrMistypedGuideNamesEveryFieldAtFault() {
    Map<String, Long> before = server.snapshot();
    JsonObject in = item("QA-BAD-1", "缺项").copy();
    in.remove("kind");
    in.remove("legalDays");
    in.put("visitsNeeded", 2);
    in.getJsonArray("materials").getJsonObject(0).put("maxBytes", "big");
    Api.Response r = api.post("/items").token(admin).json(in).expect(400);
    assertEquals(Set.of("/kind", "/legalDays", "/visitsNeeded", "/materials/0/maxBytes"), Set.copyOf(r.pointers()),
        r.body().toString());
    assertEquals(4, r.pointers().size(), "one entry per field: " + r.body());
    assertEquals(before, server.snapshot());
  }

  @Test
  void aDuplicateCodeConflicts() {
    created(item("QA-DUP-1", "原有事项"));
    Map<String, Long> before = server.snapshot();
    JsonObject problem = api.post("/items").token(admin).json(item("QA-DUP-1", "重复事项")).expect(409).json();
    assertEquals("https://zhangban.gov.cn/problems/item-exists", problem.getString("type"));
    api.post("/items").token(admin).json(item("MZ-HY-001", "重复事项")).expect(409);
    assertEquals(before, server.snapshot());
    assertEquals("原有事项", api.get("/items/QA-DUP-1").send().expect(200).json().getString("name"));
  }

  @Test
  void anUnknownDepartmentIsUnprocessable() {
    Map<String, Long> before = server.snapshot();
    Api.Response r = api.post("/items").token(admin).json(item("QA-DEPT-1", "无部门").put("department", "NOPEJ"))
        .expect(422);
    assertEquals(List.of("/department"), r.pointers());
    assertEquals(before, server.snapshot());
    api.get("/items/QA-DEPT-1").send().expect(404);
  }

  @Test
  void aPromisedTimeBeyondTheLegalTimeIsUnprocessable() {
    Map<String, Long> before = server.snapshot();
    Api.Response r = api.post("/items").token(admin)
        .json(item("QA-DAYS-1", "超时").put("promisedDays", 11).put("legalDays", 10)).expect(422);
    assertEquals(List.of("/promisedDays"), r.pointers());
    assertEquals(before, server.snapshot());
    // equal is allowed
    assertEquals(10, created(item("QA-DAYS-2", "等时").put("promisedDays", 10).put("legalDays", 10))
        .getInteger("promisedDays"));
  }

  @Test
  void duplicateMaterialCodesAreUnprocessable() {
    Map<String, Long> before = server.snapshot();
    JsonObject in = item("QA-MAT-1", "重复材料").put("materials", new JsonArray()
        .add(material("id_card", true, false)).add(material("photo", false, false)).add(material("id_card", true, true)));
    Api.Response r = api.post("/items").token(admin).json(in).expect(422);
    assertEquals(List.of("/materials/2/code"), r.pointers());
    assertEquals(before, server.snapshot());
  }

  @Test
  void anUpdatePublishesANewVersionAndApplicationsKeepTheirs() {
    created(item("QA-0002", "旧版事项"));
    String early = apply("QA-0002").expect(201).json().getString("id");
    JsonObject v2in = item("QA-0002", "新版事项").put("promisedDays", 2)
        .put("materials", new JsonArray().add(material("id_card", true, false)).add(material("photo", false, false)));
    Map<String, Long> before = server.snapshot();
    JsonObject v2 = api.put("/items/QA-0002").token(admin).json(v2in).expect(200).json();
    assertEquals(2, v2.getInteger("version"));
    assertEquals("新版事项", v2.getString("name"));
    assertEquals(before.get("service_item_version") + 1, server.snapshot().get("service_item_version"));
    assertEquals(before.get("service_item"), server.snapshot().get("service_item"));

    assertEquals(v2, api.get("/items/QA-0002").send().expect(200).json());
    JsonObject v1 = api.get("/items/QA-0002/versions/1").send().expect(200).json();
    assertEquals(1, v1.getInteger("version"));
    assertEquals("旧版事项", v1.getString("name"));
    assertEquals(3, v1.getInteger("promisedDays"));
    assertEquals(List.of("id_card"), codes(v1.getJsonArray("materials")));
    assertEquals(List.of("id_card", "photo"),
        codes(api.get("/items/QA-0002/versions/2").send().expect(200).json().getJsonArray("materials")));
    api.get("/items/QA-0002/versions/3").send().expect(404);

    JsonObject kept = api.get("/applications/" + early).token(citizen).send().expect(200).json();
    assertEquals(1, kept.getInteger("itemVersion"));
    assertEquals("旧版事项", kept.getString("itemName"));
    JsonObject late = apply("QA-0002").expect(201).json();
    assertEquals(2, late.getInteger("itemVersion"));
    assertEquals("新版事项", late.getString("itemName"));
    // the search follows the current version
    assertEquals(List.of("QA-0002"), codes(api.get("/items?q=" + q("新版事项")).send().expect(200)));
    assertEquals(List.of(), codes(api.get("/items?q=" + q("旧版事项")).send().expect(200)));
  }

  @Test
  void aMaterialKeepsItsEnglishNameThroughCreationAndUpdate() {
    JsonObject v1in = item("QA-EN-1", "英文名称事项");
    v1in.getJsonArray("materials").getJsonObject(0).put("nameEn", "Identity card");
    JsonObject v1 = created(v1in);
    assertEquals("Identity card", v1.getJsonArray("materials").getJsonObject(0).getString("nameEn"));
    assertEquals(v1, api.get("/items/QA-EN-1").send().expect(200).json());

    JsonObject v2in = item("QA-EN-1", "英文名称事项").put("materials", new JsonArray()
        .add(material("id_card", true, false).put("nameEn", "Resident identity card"))
        .add(material("photo", false, false)));
    JsonArray v2 = api.put("/items/QA-EN-1").token(admin).json(v2in).expect(200).json().getJsonArray("materials");
    assertEquals("Resident identity card", v2.getJsonObject(0).getString("nameEn"));
    assertFalse(v2.getJsonObject(1).containsKey("nameEn"), "the English name is optional");
    assertEquals("Identity card", api.get("/items/QA-EN-1/versions/1").send().expect(200).json()
        .getJsonArray("materials").getJsonObject(0).getString("nameEn"));

    JsonObject blank = item("QA-EN-2", "空英文名称");
    blank.getJsonArray("materials").getJsonObject(0).put("nameEn", "");
    assertEquals(List.of("/materials/0/nameEn"), api.post("/items").token(admin).json(blank).expect(400).pointers());
    api.get("/items/QA-EN-2").send().expect(404);
  }

  @Test
  void anUpdateWhoseBodyNamesAnotherCodeIsUnprocessable() {
    Map<String, Long> before = server.snapshot();
    Api.Response r = api.put("/items/MZ-HY-001").token(admin).json(item("MZ-0002", "张冠李戴")).expect(422);
    assertEquals(List.of("/code"), r.pointers());
    api.put("/items/QA-NONE-1").token(admin).json(item("QA-NONE-1", "没有的事项")).expect(404);
    assertEquals(before, server.snapshot());
    assertEquals(1, api.get("/items/MZ-HY-001").send().expect(200).json().getInteger("version"));
  }

  @Test
  void aRetiredItemLeavesTheListAndTakesNoApplications() {
    created(item("QA-0003", "将停事项"));
    String draft = apply("QA-0003").expect(201).json().getString("id");
    JsonObject retired = api.post("/items/QA-0003/retire").token(admin).send().expect(200).json();
    assertEquals("retired", retired.getString("status"));
    assertEquals(1, retired.getInteger("version"));

    assertFalse(codes(api.get("/items?limit=100").send().expect(200)).contains("QA-0003"));
    assertEquals(List.of(), codes(api.get("/items?q=qa-0003").send().expect(200)));
    assertEquals("retired", api.get("/items/QA-0003").send().expect(200).json().getString("status"));

    Map<String, Long> before = server.snapshot();
    JsonObject refused = apply("QA-0003").expect(409).json();
    assertEquals("https://zhangban.gov.cn/problems/item-retired", refused.getString("type"));
    api.post("/items/QA-0003/retire").token(admin).send().expect(409);
    api.put("/items/QA-0003").token(admin).json(item("QA-0003", "复活")).expect(409);
    api.post("/items/QA-NONE-2/retire").token(admin).send().expect(404);
    assertEquals(before, server.snapshot());
    // a draft filed before the retirement is still there
    assertEquals("draft", api.get("/applications/" + draft).token(citizen).send().expect(200).json().getString("state"));
  }

  @Test
  void aDepartmentsCodesAreCheckedAndABadOneChangesNothing() {
    Map<String, Long> before = server.snapshot();
    List<String> wrongCheck = api.post("/departments").token(admin).json(new JsonObject().put("code", "BADJ")
        .put("name", "市错码局").put("region", "440300").put("uscc", "11440300009999001G")).expect(422).pointers();
    assertEquals(List.of("/uscc"), wrongCheck);
    for (JsonObject bad : List.of(
        new JsonObject().put("region", "深圳市").put("uscc", "11440300009999001F"),
        new JsonObject().put("region", "4403").put("uscc", "11440300009999001F"),
        new JsonObject().put("region", "440300").put("uscc", "11440300009999001"),
        new JsonObject().put("region", "440300").put("uscc", "1144030000999900IF"),
        new JsonObject().put("region", "440300"))) {
      api.post("/departments").token(admin).json(bad.put("code", "BADJ").put("name", "市错码局")).expect(400);
    }
    assertEquals(before, server.snapshot());
  }

  @Test
  void anItemCarriesItsImplementationCode() {
    assertEquals(24, api.get("/items/MZ-HY-001").send().expect(200).json().getString("implementationCode").length());
    JsonObject item = created(item("QA-IMPL-1", "带实施编码的事项").put("implementationCode", "11440300007569248N4442"));
    assertEquals("11440300007569248N4442", item.getString("implementationCode"));
    JsonObject next = api.put("/items/QA-IMPL-1").token(admin).json(item("QA-IMPL-1", "带实施编码的事项")
        .put("implementationCode", "11440300007569248N4443")).expect(200).json();
    assertEquals("11440300007569248N4443", next.getString("implementationCode"));
    assertEquals("11440300007569248N4442", api.get("/items/QA-IMPL-1/versions/1").send().expect(200).json()
        .getString("implementationCode"), "a version keeps the code it was published with");
    api.post("/items").token(admin).json(item("QA-IMPL-2", "坏编码").put("implementationCode", "4403-00")).expect(400);
    api.post("/items").token(admin).json(item("QA-IMPL-2", "坏编码").put("implementationCode", "1".repeat(25)))
        .expect(400);
  }

  @Test
  void anAdministratorCreatesADepartmentOnce() {
    JsonObject dept = api.post("/departments").token(admin).json(new JsonObject()
        .put("code", "QAJ").put("name", "市测试局").put("region", "440300").put("uscc", "11440300009999001F"))
        .expect(201).json();
    assertEquals("QAJ", dept.getString("code"));
    assertEquals("440300", dept.getString("region"));
    assertEquals("11440300009999001F", dept.getString("uscc"));
    assertEquals("市测试局", dept.getString("name"));
    assertFalse(dept.getBoolean("usesExternalSystem"));
    assertTrue(codes(api.get("/departments").send().expect(200)).contains("QAJ"));

    Map<String, Long> before = server.snapshot();
    JsonObject problem = api.post("/departments").token(admin)
        .json(new JsonObject().put("code", "QAJ").put("name", "又一个测试局").put("region", "440300")
            .put("uscc", "114403000099991015")).expect(409).json();
    assertEquals("https://zhangban.gov.cn/problems/department-exists", problem.getString("type"));
    assertEquals(before, server.snapshot());
    JsonArray all = api.get("/departments").send().expect(200).items();
    assertEquals("市测试局", all.getJsonObject(codes(all).indexOf("QAJ")).getString("name"));

    // and items can be filed under it
    JsonObject item = created(item("QA-QAJ-1", "测试局事项").put("department", "QAJ"));
    assertEquals("市测试局", item.getString("departmentName"));
    assertEquals(List.of("QA-QAJ-1"), codes(api.get("/items?department=QAJ").send().expect(200)));
  }
}
