package zhangban.filing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;

/**
 * Object-level authorization. Whoever may not see an application is told it does not exist, in
 * exactly the words used for an id nobody has; whoever may see it but not act is told 403; every
 * refusal leaves every table as it was.
 */
class AuthorizationTest {
  static TestServer server;
  static Api api;
  static String zhang;
  static String li;
  static String wang;
  static String zhao;
  static String chen;
  static String minzheng;
  static String scjg;
  static String zhujian;
  static String manager;
  static String admin;
  static String integration;

  static final Buffer PDF = Buffer.buffer("%PDF-1.4\n% test document\n");
  static final String USCC_WANG_ZHAO = "9144030035829164XE";

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    zhang = server.token("citizen-zhang");
    li = server.token("citizen-li");
    wang = server.token("enterprise-wang");
    zhao = server.token("enterprise-zhao");
    chen = server.token("enterprise-chen");
    minzheng = server.token("officer-minzheng");
    scjg = server.token("officer-scjg");
    zhujian = server.token("officer-zhujian");
    manager = server.token("manager-sun");
    admin = server.token("admin-zhou");
    integration = server.token("integration-zhujian");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- building applications ------------------------------------------------------------------

  static String key(String what) {
    return what + "-" + UUID.randomUUID();
  }

  /** A draft of 结婚登记预约 (MZJ) with a complete form. */
  static String marriageDraft(String token) {
    JsonObject form = new JsonObject().put("partnerName", "李娜").put("appointmentDate", "2026-12-01").put("venue", "futian");
    return api.post("/applications").token(token).idempotencyKey(key("create"))
        .json(new JsonObject().put("itemCode", "MZ-HY-001").put("form", form)).expect(201).json().getString("id");
  }

  /** A submitted 结婚登记预约 (MZJ): state submitted, with a number. */
  static String marriageSubmitted(String token) {
    String id = marriageDraft(token);
    upload(token, id, "id_card").expect(200);
    upload(token, id, "household_register").expect(200);
    submit(token, id).expect(200);
    return id;
  }

  /** A submitted 公租房申请 (ZJJ, a department that processes in its own system), every material uploaded. */
  static String housingSubmitted(String token) {
    JsonObject form = new JsonObject().put("familySize", 3).put("annualIncome", 42000.5).put("hasHousing", false);
    String id = api.post("/applications").token(token).idempotencyKey(key("create"))
        .json(new JsonObject().put("itemCode", "ZJ-0002").put("form", form)).expect(201).json().getString("id");
    for (String m : List.of("id_card", "household_register", "income_proof")) {
      upload(token, id, m).expect(200);
    }
    submit(token, id).expect(200);
    return id;
  }

  static Api.Response upload(String token, String id, String material) {
    return api.put("/applications/" + id + "/materials/" + material).token(token)
        .multipart(MultipartForm.create().binaryFileUpload("file", "doc.pdf", PDF, "application/pdf"));
  }

  static Api.Response submit(String token, String id) {
    return api.post("/applications/" + id + "/submit").token(token).idempotencyKey(key("submit")).send();
  }

  static String numberOf(String id) {
    return api.get("/applications/" + id).token(manager).send().expect(200).json().getString("number");
  }

  static List<String> ids(Api.Response list) {
    assertNull(list.json().getString("nextCursor"), "one page holds them all");
    List<String> out = new ArrayList<>();
    list.items().forEach(a -> out.add(((JsonObject) a).getString("id")));
    return out;
  }

  /** Ids in the order the list answers them (newest first). */
  static List<String> idsWhere(String condition, Object... args) {
    List<String> out = new ArrayList<>();
    for (Row r : server.app.pool().preparedQuery("select id::text as sid from application where " + condition
        + " order by application.created_at desc, application.id desc").execute(Tuple.wrap(args)).await()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /**
   * The call on {@code id} is answered 404 in exactly the words used for an application nobody
   * has: no status, header or body difference tells that it exists.
   */
  static void hidden(String what, String id, Function<String, Api.Response> call) {
    String nobody = UUID.randomUUID().toString();
    Api.Response absent = call.apply(nobody).expect(404);
    Api.Response real = call.apply(id);
    assertEquals(404, real.status(), () -> what + " must answer 404; got " + real.status() + " " + real.body());
    assertEquals(absent.header("Content-Type"), real.header("Content-Type"), what);
    assertEquals(absent.json().encode().replace(nobody, "{id}"), real.json().encode().replace(id, "{id}"), what);
    assertEquals("No application " + id + ".", real.json().getString("detail"), what);
  }

  static void forbidden(String what, Api.Response r) {
    assertEquals(403, r.status(), () -> what + " must answer 403; got " + r.status() + " " + r.body());
    assertEquals("https://zhangban.gov.cn/problems/forbidden", r.json().getString("type"), what);
  }

  /** Every read and write of the applicant's, by {@code token}, on {@code id}: all 404. */
  static void everythingHidden(String token, String id) {
    hidden("get", id, x -> api.get("/applications/" + x).token(token).send());
    hidden("timeline", id, x -> api.get("/applications/" + x + "/timeline").token(token).send());
    hidden("materials", id, x -> api.get("/applications/" + x + "/materials").token(token).send());
    hidden("download", id, x -> api.get("/applications/" + x + "/materials/id_card/content").token(token).send());
    hidden("upload", id, x -> upload(token, x, "id_card"));
    hidden("remove material", id, x -> api.delete("/applications/" + x + "/materials/id_card").token(token).send());
    hidden("form", id, x -> api.put("/applications/" + x + "/form").token(token)
        .json(new JsonObject().put("form", new JsonObject().put("partnerName", "王五"))));
    hidden("submit", id, x -> submit(token, x));
    hidden("resubmit", id, x -> api.post("/applications/" + x + "/resubmit").token(token).send());
    hidden("withdraw", id, x -> api.post("/applications/" + x + "/withdraw").token(token).send());
  }

  // ---- another citizen ------------------------------------------------------------------------

  @Test
  void anotherCitizenIsToldADraftDoesNotExist() {
    String draft = marriageDraft(zhang);
    upload(zhang, draft, "id_card").expect(200);
    Map<String, Long> before = server.snapshot();
    everythingHidden(li, draft);
    assertEquals(before, server.snapshot());
    // the owner still has it, untouched
    JsonObject mine = api.get("/applications/" + draft).token(zhang).send().expect(200).json();
    assertEquals("draft", mine.getString("state"));
    assertEquals("李娜", mine.getJsonObject("form").getString("partnerName"));
    assertEquals(1, api.get("/applications/" + draft + "/materials").token(zhang).send().expect(200).items().size());
  }

  @Test
  void anotherCitizenIsToldASubmittedApplicationDoesNotExist() {
    String id = marriageSubmitted(zhang);
    Map<String, Long> before = server.snapshot();
    everythingHidden(li, id);
    assertEquals(before, server.snapshot());
    assertEquals("submitted", api.get("/applications/" + id).token(zhang).send().expect(200).json().getString("state"));
  }

  // ---- officers -------------------------------------------------------------------------------

  @Test
  void anOfficerOfAnotherDepartmentIsToldTheApplicationDoesNotExist() {
    String id = marriageSubmitted(zhang);
    Map<String, Long> before = server.snapshot();
    hidden("get", id, x -> api.get("/applications/" + x).token(scjg).send());
    hidden("timeline", id, x -> api.get("/applications/" + x + "/timeline").token(scjg).send());
    hidden("materials", id, x -> api.get("/applications/" + x + "/materials").token(scjg).send());
    hidden("download", id, x -> api.get("/applications/" + x + "/materials/id_card/content").token(scjg).send());
    for (String action : List.of("accept", "start-review", "approve")) {
      hidden(action, id, x -> api.post("/applications/" + x + "/" + action).token(scjg).send());
    }
    hidden("reject", id, x -> api.post("/applications/" + x + "/reject").token(scjg)
        .json(new JsonObject().put("reason", "不属于本部门")));
    hidden("deny", id, x -> api.post("/applications/" + x + "/deny").token(scjg)
        .json(new JsonObject().put("reason", "不符合条件")));
    hidden("request-supplement", id, x -> api.post("/applications/" + x + "/request-supplement").token(scjg)
        .json(new JsonObject().put("items", new JsonArray()
            .add(new JsonObject().put("materialCode", "id_card").put("reason", "不清晰")))));
    hidden("accept-with-missing", id, x -> api.post("/applications/" + x + "/accept-with-missing").token(scjg)
        .json(new JsonObject().put("missingMaterials", new JsonArray().add("photo")).put("supplementDeadline", "2026-11-30")));
    hidden("complete", id, x -> api.post("/applications/" + x + "/complete").token(scjg)
        .json(new JsonObject().put("result", new JsonObject().put("kind", "notice"))));
    assertEquals(before, server.snapshot());
    // the department it belongs to does see it
    api.get("/applications/" + id).token(minzheng).send().expect(200);
  }

  @Test
  void theHandlingOfficerSeesASubmittedApplicationButCannotActForTheApplicant() {
    String id = marriageSubmitted(zhang);
    JsonObject seen = api.get("/applications/" + id).token(minzheng).send().expect(200).json();
    assertEquals("submitted", seen.getString("state"));
    assertEquals(List.of("accept", "accept_with_missing", "request_supplement", "reject"),
        seen.getJsonArray("allowedActions").getList());
    assertEquals(List.of("create", "submit"), api.get("/applications/" + id + "/timeline").token(minzheng).send()
        .expect(200).items().stream().map(e -> ((JsonObject) e).getString("action")).toList());
    assertEquals(2, api.get("/applications/" + id + "/materials").token(minzheng).send().expect(200).items().size());
    assertEquals(PDF, api.get("/applications/" + id + "/materials/id_card/content").token(minzheng).send()
        .expect(200).body());

    Map<String, Long> before = server.snapshot();
    forbidden("submit", submit(minzheng, id));
    forbidden("resubmit", api.post("/applications/" + id + "/resubmit").token(minzheng).send());
    forbidden("withdraw", api.post("/applications/" + id + "/withdraw").token(minzheng).send());
    forbidden("upload", upload(minzheng, id, "photo"));
    forbidden("remove material", api.delete("/applications/" + id + "/materials/id_card").token(minzheng).send());
    forbidden("form", api.put("/applications/" + id + "/form").token(minzheng)
        .json(new JsonObject().put("form", new JsonObject().put("partnerName", "王五"))));
    assertEquals(before, server.snapshot());
    assertEquals("submitted", api.get("/applications/" + id).token(zhang).send().expect(200).json().getString("state"));
  }

  @Test
  void officersAndManagersNeverSeeDrafts() {
    String draft = marriageDraft(zhang);
    upload(zhang, draft, "id_card").expect(200);
    upload(zhang, draft, "household_register").expect(200);
    Map<String, Long> before = server.snapshot();
    for (String token : List.of(minzheng, manager)) {
      hidden("get", draft, x -> api.get("/applications/" + x).token(token).send());
      hidden("timeline", draft, x -> api.get("/applications/" + x + "/timeline").token(token).send());
      hidden("materials", draft, x -> api.get("/applications/" + x + "/materials").token(token).send());
      hidden("download", draft, x -> api.get("/applications/" + x + "/materials/id_card/content").token(token).send());
      hidden("accept", draft, x -> api.post("/applications/" + x + "/accept").token(token).send());
      hidden("reject", draft, x -> api.post("/applications/" + x + "/reject").token(token)
          .json(new JsonObject().put("reason", "材料不全")));
    }
    assertFalse(ids(api.get("/applications?limit=100").token(minzheng).send().expect(200)).contains(draft));
    assertFalse(ids(api.get("/applications?limit=100").token(manager).send().expect(200)).contains(draft));
    assertFalse(ids(api.get("/applications?limit=100&state=draft").token(minzheng).send().expect(200)).contains(draft));
    assertEquals(List.of(), ids(api.get("/applications?limit=100&state=draft").token(manager).send().expect(200)));
    assertEquals(before, server.snapshot());

    submit(zhang, draft).expect(200);
    assertEquals("submitted", api.get("/applications/" + draft).token(minzheng).send().expect(200).json().getString("state"));
    assertTrue(ids(api.get("/applications?limit=100").token(minzheng).send().expect(200)).contains(draft));
    assertTrue(ids(api.get("/applications?limit=100").token(manager).send().expect(200)).contains(draft));
  }

  @Test
  void aManagerSeesButCannotActOnAnApplication() {
    String id = marriageSubmitted(zhang);
    JsonObject seen = api.get("/applications/" + id).token(manager).send().expect(200).json();
    assertEquals(List.of(), seen.getJsonArray("allowedActions").getList());
    Map<String, Long> before = server.snapshot();
    forbidden("accept", api.post("/applications/" + id + "/accept").token(manager).send());
    forbidden("withdraw", api.post("/applications/" + id + "/withdraw").token(manager).send());
    assertEquals(before, server.snapshot());
  }

  // ---- applicants -----------------------------------------------------------------------------

  @Test
  void anApplicantCannotTakeTheDepartmentsActionsOnTheirOwnApplication() {
    String id = marriageSubmitted(zhang);
    JsonObject mine = api.get("/applications/" + id).token(zhang).send().expect(200).json();
    assertEquals(List.of("withdraw"), mine.getJsonArray("allowedActions").getList());
    Map<String, Long> before = server.snapshot();
    forbidden("accept", api.post("/applications/" + id + "/accept").token(zhang).send());
    forbidden("approve", api.post("/applications/" + id + "/approve").token(zhang).send());
    forbidden("start-review", api.post("/applications/" + id + "/start-review").token(zhang).send());
    forbidden("reject", api.post("/applications/" + id + "/reject").token(zhang)
        .json(new JsonObject().put("reason", "自己驳回")));
    forbidden("request-supplement", api.post("/applications/" + id + "/request-supplement").token(zhang)
        .json(new JsonObject().put("items", new JsonArray()
            .add(new JsonObject().put("materialCode", "photo").put("reason", "补照片")))));
    forbidden("accept-with-missing", api.post("/applications/" + id + "/accept-with-missing").token(zhang)
        .json(new JsonObject().put("missingMaterials", new JsonArray().add("household_register"))
            .put("supplementDeadline", "2026-11-30")));
    forbidden("complete", api.post("/applications/" + id + "/complete").token(zhang)
        .json(new JsonObject().put("result", new JsonObject().put("kind", "notice"))));
    assertEquals(before, server.snapshot());
    assertEquals("submitted", api.get("/applications/" + id).token(zhang).send().expect(200).json().getString("state"));
  }

  @Test
  void membersOfTheSameEnterpriseShareItsApplicationsAndOthersDoNot() {
    String id = marriageDraft(wang);
    JsonObject filed = api.get("/applications/" + id).token(wang).send().expect(200).json();
    assertEquals("enterprise", filed.getJsonObject("applicant").getString("kind"));
    assertEquals(USCC_WANG_ZHAO, filed.getJsonObject("applicant").getString("uscc"));

    Map<String, Long> before = server.snapshot();
    everythingHidden(chen, id);
    assertEquals(before, server.snapshot());

    // a colleague sees it, completes it and submits it
    assertEquals("draft", api.get("/applications/" + id).token(zhao).send().expect(200).json().getString("state"));
    upload(zhao, id, "id_card").expect(200);
    upload(zhao, id, "household_register").expect(200);
    JsonObject submitted = submit(zhao, id).expect(200).json();
    assertEquals("submitted", submitted.getString("state"));
    assertEquals("enterprise-wang", submitted.getJsonObject("applicant").getString("subject"));
    JsonArray timeline = api.get("/applications/" + id + "/timeline").token(wang).send().expect(200).items();
    assertEquals("enterprise-wang", timeline.getJsonObject(0).getString("actor"));
    assertEquals("enterprise-zhao", timeline.getJsonObject(1).getString("actor"));
    assertEquals("enterprise", timeline.getJsonObject(1).getString("actorRole"));

    before = server.snapshot();
    everythingHidden(chen, id);
    everythingHidden(li, id);
    assertEquals(before, server.snapshot());

    JsonObject withdrawn = api.post("/applications/" + id + "/withdraw").token(zhao).send().expect(200).json();
    assertEquals("withdrawn", withdrawn.getString("state"));
  }

  // ---- listing --------------------------------------------------------------------------------

  @Test
  void aCitizenListsOnlyTheirOwnApplicationsDraftsIncluded() {
    String zhangsDraft = marriageDraft(zhang);
    String zhangsSubmitted = marriageSubmitted(zhang);
    String lisDraft = marriageDraft(li);

    List<String> zhangs = ids(api.get("/applications?limit=100").token(zhang).send().expect(200));
    assertEquals(idsWhere("applicant_subject = $1", "citizen-zhang"), zhangs);
    assertTrue(zhangs.containsAll(List.of(zhangsDraft, zhangsSubmitted)));
    assertFalse(zhangs.contains(lisDraft));

    List<String> lis = ids(api.get("/applications?limit=100").token(li).send().expect(200));
    assertEquals(idsWhere("applicant_subject = $1", "citizen-li"), lis);
    assertTrue(lis.contains(lisDraft));
    assertFalse(lis.contains(zhangsDraft));
    assertFalse(lis.contains(zhangsSubmitted));
    // a department filter does not widen a citizen's view
    assertEquals(idsWhere("applicant_subject = $1 and department = 'MZJ'", "citizen-li"),
        ids(api.get("/applications?limit=100&department=MZJ").token(li).send().expect(200)));
  }

  @Test
  void anEnterpriseMemberListsTheEnterprisesApplications() {
    String wangs = marriageDraft(wang);
    String chens = marriageDraft(chen);

    List<String> zhaos = ids(api.get("/applications?limit=100").token(zhao).send().expect(200));
    assertEquals(idsWhere("applicant_uscc = $1 or applicant_subject = $2", USCC_WANG_ZHAO, "enterprise-zhao"), zhaos);
    assertTrue(zhaos.contains(wangs));
    assertFalse(zhaos.contains(chens));

    List<String> chensList = ids(api.get("/applications?limit=100").token(chen).send().expect(200));
    assertEquals(idsWhere("applicant_uscc = $1 or applicant_subject = $2", "91440300571930287K", "enterprise-chen"),
        chensList);
    assertTrue(chensList.contains(chens));
    assertFalse(chensList.contains(wangs));
  }

  @Test
  void anOfficerListsOnlyTheirOwnDepartmentsQueue() {
    String marriage = marriageSubmitted(zhang);
    String housing = housingSubmitted(li);
    marriageDraft(li);

    List<String> queue = ids(api.get("/applications?limit=100").token(minzheng).send().expect(200));
    assertEquals(idsWhere("department = 'MZJ' and state <> 'draft'"), queue);
    assertTrue(queue.contains(marriage));
    assertFalse(queue.contains(housing));
    assertEquals(queue, ids(api.get("/applications?limit=100&department=MZJ").token(minzheng).send().expect(200)));

    List<String> zj = ids(api.get("/applications?limit=100").token(zhujian).send().expect(200));
    assertEquals(idsWhere("department = 'ZJJ' and state <> 'draft'"), zj);
    assertTrue(zj.contains(housing));

    Api.Response other = api.get("/applications?department=ZJJ").token(minzheng).send();
    forbidden("another department's queue", other);
    assertEquals("Officers see the queue of their own department only.", other.json().getString("detail"));
    forbidden("another department's queue", api.get("/applications?department=SCJGJ&state=submitted").token(minzheng).send());
  }

  @Test
  void aManagerListsEveryNonDraftApplicationAcrossDepartments() {
    String marriage = marriageSubmitted(zhang);
    String housing = housingSubmitted(zhang);
    String draft = marriageDraft(li);

    List<String> all = ids(api.get("/applications?limit=100").token(manager).send().expect(200));
    assertEquals(idsWhere("state <> 'draft'"), all);
    assertTrue(all.containsAll(List.of(marriage, housing)));
    assertFalse(all.contains(draft));
    assertEquals(idsWhere("state <> 'draft' and department = 'ZJJ'"),
        ids(api.get("/applications?limit=100&department=ZJJ").token(manager).send().expect(200)));
  }

  @Test
  void adminsAndIntegrationClientsHaveNoApplicationsToList() {
    for (String token : List.of(admin, integration)) {
      Api.Response r = api.get("/applications").token(token).send();
      forbidden("list", r);
      assertEquals("This role has no applications to list.", r.json().getString("detail"));
    }
  }

  @Test
  void onlyApplicantsCreateApplications() {
    Map<String, Long> before = server.snapshot();
    for (String token : List.of(minzheng, manager, admin, integration)) {
      forbidden("create", api.post("/applications").token(token).idempotencyKey(key("create"))
          .json(new JsonObject().put("itemCode", "MZ-HY-001")));
    }
    assertEquals(before, server.snapshot());
  }

  // ---- catalog and calendar -------------------------------------------------------------------

  static JsonObject item(String code, String name) {
    return new JsonObject().put("code", code).put("name", name).put("department", "MZJ").put("kind", "public_service")
        .put("promisedDays", 3).put("legalDays", 10).put("visitsNeeded", 0).put("fullyOnline", true)
        .put("materials", new JsonArray().add(new JsonObject().put("code", "id_card").put("name", "居民身份证")
            .put("required", true).put("toleranceAllowed", false)
            .put("acceptedTypes", new JsonArray().add("application/pdf")).put("maxBytes", 1048576)));
  }

  @Test
  void catalogAndCalendarWritesAreForAdminsOnly() {
    JsonObject department = new JsonObject().put("code", "AUTHTEST").put("name", "测试局").put("region", "440300")
        .put("uscc", "114403000099991015");
    JsonObject calendar = new JsonObject().put("source", "test")
        .put("holidays", new JsonArray().add("2027-01-01")).put("adjustedWorkdays", new JsonArray());
    List<String> notAdmins = List.of(zhang, wang, minzheng, manager, integration);

    Map<String, Long> before = server.snapshot();
    for (String token : notAdmins) {
      forbidden("create item", api.post("/items").token(token).json(item("AUTH-1", "测试事项")));
      forbidden("update item", api.put("/items/MZ-HY-001").token(token).json(item("MZ-HY-001", "改名")));
      forbidden("retire item", api.post("/items/MZ-HY-001/retire").token(token).send());
      forbidden("create department", api.post("/departments").token(token).json(department));
      forbidden("put calendar", api.put("/calendar/2027").token(token).json(calendar));
    }
    assertEquals(before, server.snapshot());
    assertEquals("结婚登记预约", api.get("/items/MZ-HY-001").send().expect(200).json().getString("name"));
    assertEquals("active", api.get("/items/MZ-HY-001").send().expect(200).json().getString("status"));

    // the same requests from an administrator go through: the refusals were about the role
    api.post("/items").token(admin).json(item("AUTH-1", "测试事项")).expect(201);
    assertEquals(2, api.put("/items/AUTH-1").token(admin).json(item("AUTH-1", "改名")).expect(200).json().getInteger("version"));
    for (String token : notAdmins) {
      Map<String, Long> now = server.snapshot();
      forbidden("retire item", api.post("/items/AUTH-1/retire").token(token).send());
      assertEquals(now, server.snapshot());
    }
    assertEquals("retired", api.post("/items/AUTH-1/retire").token(admin).send().expect(200).json().getString("status"));
    api.post("/departments").token(admin).json(department).expect(201);
    api.put("/calendar/2027").token(admin).json(calendar).expect(200);
  }

  @Test
  void overdueSupervisionIsForManagers() {
    Map<String, Long> before = server.snapshot();
    for (String token : List.of(zhang, wang, minzheng, zhujian, admin, integration)) {
      forbidden("overdue", api.get("/supervision/overdue").token(token).send());
      forbidden("overdue", api.get("/supervision/overdue?department=MZJ").token(token).send());
    }
    assertEquals(before, server.snapshot());
    JsonObject report = api.get("/supervision/overdue").token(manager).send().expect(200).json();
    assertEquals("2026-11-25", report.getString("asOf"));
  }

  // ---- integration events ---------------------------------------------------------------------

  static Api.Response event(String token, String number, JsonObject body) {
    return api.post("/integration/applications/" + number + "/events").token(token).json(body);
  }

  static JsonObject accept(String eventId) {
    return new JsonObject().put("eventId", eventId).put("action", "accept");
  }

  @Test
  void anEventIdIsTheReportingSystemsOwn() {
    String other = server.tokens.token("integration-zhujian-2", "住建局二号系统", List.of("integration"), "ZJJ", null);
    String number = numberOf(housingSubmitted(zhang));
    String eventId = key("evt");
    JsonObject first = event(integration, number, accept(eventId)).expect(200).json();
    assertEquals("accepted", first.getString("state"));
    // another system's event of the same id is its own: accepting an accepted application is a conflict
    Api.Response theirs = event(other, number, accept(eventId)).expect(409);
    assertEquals("https://zhangban.gov.cn/problems/invalid-transition", theirs.json().getString("type"));
    // the first system's retry replays its own answer
    assertEquals(first, event(integration, number, accept(eventId)).expect(200).json());
  }

  @Test
  void onlyIntegrationClientsReportEvents() {
    String number = numberOf(housingSubmitted(zhang));
    Map<String, Long> before = server.snapshot();
    for (String token : List.of(zhujian, zhang, manager, admin)) {
      Api.Response r = event(token, number, accept(key("evt")));
      forbidden("event", r);
      assertEquals("Only integration clients report external events.", r.json().getString("detail"));
    }
    assertEquals(before, server.snapshot());
  }

  @Test
  void anIntegrationClientIsToldAnotherDepartmentsApplicationDoesNotExist() {
    String number = numberOf(marriageSubmitted(zhang));
    String nobody = "ZB2026112599999999";
    Map<String, Long> before = server.snapshot();
    Api.Response real = event(integration, number, accept("evt-other-dept")).expect(404);
    Api.Response absent = event(integration, nobody, accept("evt-other-dept")).expect(404);
    assertEquals(absent.json().encode().replace(nobody, "{n}"), real.json().encode().replace(number, "{n}"));
    assertEquals(before, server.snapshot());
  }

  @Test
  void aDepartmentWithoutAnExternalSystemTakesNoEvents() {
    String id = marriageSubmitted(zhang);
    String number = numberOf(id);
    String mzSystem = server.tokens.token("sys-mz", "民政系统", List.of("integration"), "MZJ", null);
    Map<String, Long> before = server.snapshot();
    Api.Response r = event(mzSystem, number, accept("evt-mz-1"));
    forbidden("event", r);
    assertEquals("Department MZJ does not process in an external system.", r.json().getString("detail"));
    assertEquals(before, server.snapshot());
    assertEquals("submitted", api.get("/applications/" + id).token(minzheng).send().expect(200).json().getString("state"));
  }

  @Test
  void theDepartmentsSystemDrivesItsApplicationsOncePerEvent() {
    String id = housingSubmitted(zhang);
    String number = numberOf(id);

    JsonObject first = event(integration, number, accept("zj-evt-1001").put("officer", "zj-officer-7")).expect(200).json();
    assertEquals("accepted", first.getString("state"));
    assertEquals(number, first.getString("number"));
    JsonArray timeline = api.get("/applications/" + id + "/timeline").token(zhang).send().expect(200).items();
    JsonObject accepted = timeline.getJsonObject(timeline.size() - 1);
    assertEquals("accept", accepted.getString("action"));
    assertEquals("zj-officer-7", accepted.getString("actor"));
    assertEquals("integration", accepted.getString("actorRole"));

    Map<String, Long> afterFirst = server.snapshot();
    JsonObject again = event(integration, number, accept("zj-evt-1001").put("officer", "zj-officer-7")).expect(200).json();
    assertEquals(first, again);
    assertEquals(afterFirst, server.snapshot());
    assertEquals(timeline.size(), api.get("/applications/" + id + "/timeline").token(zhang).send().expect(200).items().size());

    // the same event id with another body, or for another application, is a client error
    Api.Response reused = event(integration, number,
        new JsonObject().put("eventId", "zj-evt-1001").put("action", "start_review")).expect(422);
    assertEquals("https://zhangban.gov.cn/problems/idempotency-key-reused", reused.json().getString("type"));
    String otherNumber = numberOf(housingSubmitted(li));
    Map<String, Long> beforeReuse = server.snapshot();
    event(integration, otherNumber, accept("zj-evt-1001").put("officer", "zj-officer-7")).expect(422);
    assertEquals(beforeReuse, server.snapshot());
    assertEquals("accepted", api.get("/applications/" + id).token(zhang).send().expect(200).json().getString("state"));

    // a new event moves it on; the department's officer sees what the system did
    assertEquals("in_review", event(integration, number,
        new JsonObject().put("eventId", "zj-evt-1002").put("action", "start_review")).expect(200).json().getString("state"));
    assertEquals("in_review", api.get("/applications/" + id).token(zhujian).send().expect(200).json().getString("state"));
  }

  @Test
  void anEventTheStateDoesNotAllowIsAConflictAndLeavesNoRecord() {
    String number = numberOf(housingSubmitted(zhang));
    Map<String, Long> before = server.snapshot();
    event(integration, number, new JsonObject().put("eventId", "zj-evt-2001").put("action", "approve")).expect(409);
    assertEquals(before, server.snapshot());
    // the event id was not used up by the refused event
    assertEquals("accepted", event(integration, number, accept("zj-evt-2001")).expect(200).json().getString("state"));
  }
}
