package zhangban.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * With a reporting profile configured, each reportable step of an application is recorded for the
 * platform in the transaction of the step, in order, with the codes the platform needs, and renders
 * through the profile into a body the platform's schema accepts. Without one, nothing is recorded.
 */
class ApplicationReportsTest {
  static TestServer server;
  static Api api;
  static String citizen;
  static String officer;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("REPORTING_PROFILE", "zhejiang"));
    api = server.api;
    citizen = server.token("citizen-zhang");
    officer = server.token("officer-minzheng");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String submitted() {
    return new PushFixtures(server, null).submitted("citizen-zhang");
  }

  static void upload(String id, String material) {
    new PushFixtures(server, null).upload("citizen-zhang", id, material);
  }

  static String number(String id) {
    return server.row("select number from application where id = $1", UUID.fromString(id)).getString("number");
  }

  static List<JsonObject> records(String number) {
    return server.rows("select kind, record from platform_report where application_number = $1 order by id", number);
  }

  @Test
  void everyReportableStepIsRecordedInOrderAndRendersForThePlatform() throws Exception {
    String id = submitted();
    api.post("/applications/" + id + "/request-supplement").token(officer).json(new JsonObject().put("items",
        List.of(new JsonObject().put("materialCode", "id_card").put("reason", "照片不清晰")))).expect(200);
    upload(id, "id_card");
    api.post("/applications/" + id + "/resubmit").token(citizen).send().expect(200);
    api.post("/applications/" + id + "/accept").token(officer).send().expect(200);
    api.post("/applications/" + id + "/start-review").token(officer).send().expect(200);
    api.post("/applications/" + id + "/approve").token(officer).send().expect(200);
    api.post("/applications/" + id + "/complete").token(officer).json(new JsonObject().put("result", new JsonObject()
        .put("kind", "electronic_licence").put("licence", new JsonObject().put("name", "结婚证")
            .put("number", "DZZZ-2026-0200").put("holder", "张伟").put("validFrom", "2026-11-25")
            .put("issuer", "市民政局")))).expect(200);

    JsonObject tags = api.get("/rating-tags?group=online&level=2").token(citizen).send().expect(200).json();
    JsonObject poor = api.post("/applications/" + id + "/ratings").token(citizen).idempotencyKey("rate-" + id)
        .json(new JsonObject().put("stage", "completed").put("level", 2).put("comment", "等了很久")
            .put("tags", List.of(tags.getJsonArray("tags").getJsonObject(0).getString("code")))
            .put("dictionaryVersion", tags.getInteger("version"))).expect(201).json();
    String caseId = poor.getJsonObject("case").getString("id");
    api.post("/rectification-cases/" + caseId + "/claim").token(officer).send().expect(200);
    api.post("/rectification-cases/" + caseId + "/verify").token(officer).json(new JsonObject().put("finding", "true")
        .put("contact", new JsonObject().put("method", "phone").put("note", "电话回访")
            .put("contactedAt", server.clock.instant().toString()))).expect(200);
    api.post("/rectification-cases/" + caseId + "/rectify").token(officer)
        .json(new JsonObject().put("outcome", "immediate").put("measures", "调整窗口排班")).expect(200);
    api.post("/rectification-cases/" + caseId + "/reply").token(officer).json(new JsonObject().put("reply", "已整改"))
        .expect(200);
    api.post("/ratings/" + poor.getString("id") + "/follow-up").token(citizen)
        .json(new JsonObject().put("satisfaction", "satisfied")).expect(200);

    List<JsonObject> records = records(number(id));
    assertEquals(List.of("application_received", "supplement_requested", "application_resubmitted",
        "application_accepted", "application_completed", "rating", "case_verified", "case_rectified", "case_replied",
        "follow_up", "case_closed"),
        records.stream().map(r -> r.getString("kind")).toList(), "review steps and claiming are not reported");
    assertEquals(true, records.get(6).getJsonObject("record").getBoolean("deadlineKept"));
    assertEquals("true", records.get(6).getJsonObject("record").getString("finding"));
    assertEquals("satisfied", records.get(9).getJsonObject("record").getString("satisfaction"));
    assertEquals(2, records.get(9).getJsonObject("record").getInteger("sequence"));
    assertEquals("follow_up", records.get(10).getJsonObject("record").getString("closeReason"));
    JsonObject rating = records.get(5).getJsonObject("record");
    assertEquals(2, rating.getInteger("level"));
    assertEquals(1, rating.getInteger("sequence"));
    assertEquals("app", rating.getString("channel"));
    assertEquals("等了很久", rating.getString("comment"));
    assertEquals(false, rating.getBoolean("defaulted"));
    JsonObject accepted = records.get(3).getJsonObject("record");
    assertEquals("11440300007569248N", accepted.getString("departmentUscc"));
    assertEquals("440300", accepted.getString("regionCode"));
    assertEquals(24, accepted.getString("itemImplementationCode").length());
    assertEquals("officer-minzheng", accepted.getString("officer"));
    assertEquals("2026-12-02", accepted.getString("deadline"));
    assertEquals(List.of("id_card"), records.get(1).getJsonObject("record").getJsonArray("materials").getList());
    assertEquals("DZZZ-2026-0200", records.get(4).getJsonObject("record").getString("licenceNumber"));

    Profile profile = Profile.load("zhejiang");
    SchemaRepository schemas = ProfileTest.schemas(profile);
    for (JsonObject r : records) {
      RecordKind kind = RecordKind.fromWire(r.getString("kind"));
      Profile.Rendered rendered = profile.render(new ReportRecord(kind, number(id), r.getJsonObject("record")));
      OutputUnit out = ProfileTest.validate(schemas, profile, kind, rendered.body());
      assertEquals(true, out.getValid(), kind.wire() + ": " + out.getErrors() + " in " + rendered.body().encode());
    }
    JsonObject assess = profile.render(new ReportRecord(RecordKind.RATING, number(id), rating)).body();
    assertEquals("2", assess.getString("satisfaction"));
    assertEquals("2", assess.getString("pf"), "the app");
    JsonObject accept = profile.render(new ReportRecord(RecordKind.APPLICATION_ACCEPTED, number(id), accepted)).body();
    assertEquals("2026-11-25 10:00:00", accept.getString("AcceptTime"));
    assertEquals("0", accept.getString("DOACTION"));
  }

  @Test
  void aRefusalAndAWithdrawalAreRecordedAndADraftsWithdrawalIsNot() {
    String refused = submitted();
    api.post("/applications/" + refused + "/reject").token(officer).json(new JsonObject().put("reason", "不属于本部门"))
        .expect(200);
    api.post("/applications/" + refused + "/ratings").token(citizen).idempotencyKey("rate-" + refused)
        .json(new JsonObject().put("stage", "completed").put("level", 5)).expect(201);
    assertEquals(List.of("application_received", "application_refused", "rating"),
        records(number(refused)).stream().map(r -> r.getString("kind")).toList(), "a good rating too");
    assertEquals("不属于本部门", records(number(refused)).get(1).getJsonObject("record").getString("reason"));
    assertEquals(5, records(number(refused)).get(2).getJsonObject("record").getInteger("level"));

    String withdrawn = submitted();
    api.post("/applications/" + withdrawn + "/withdraw").token(citizen).send().expect(200);
    assertEquals(List.of("application_received", "application_withdrawn"),
        records(number(withdrawn)).stream().map(r -> r.getString("kind")).toList());

    long before = server.count("select count(*) from platform_report");
    String draft = api.post("/applications").token(citizen).idempotencyKey("create-" + UUID.randomUUID())
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
    api.post("/applications/" + draft + "/withdraw").token(citizen).send().expect(200);
    assertEquals(before, server.count("select count(*) from platform_report"), "a draft has no number to report");
  }

  @Test
  void anUpheldAppealIsRecordedWithTheClosingOfItsCase() throws Exception {
    String id = submitted();
    api.post("/applications/" + id + "/reject").token(officer).json(new JsonObject().put("reason", "材料不全"))
        .expect(200);
    JsonObject tags = api.get("/rating-tags?group=online&level=1").token(citizen).send().expect(200).json();
    JsonObject poor = api.post("/applications/" + id + "/ratings").token(citizen).idempotencyKey("rate-" + id)
        .json(new JsonObject().put("stage", "completed").put("level", 1)
            .put("tags", List.of(tags.getJsonArray("tags").getJsonObject(0).getString("code")))
            .put("dictionaryVersion", tags.getInteger("version"))).expect(201).json();
    String caseId = poor.getJsonObject("case").getString("id");
    api.post("/rectification-cases/" + caseId + "/appeal").token(officer).json(new JsonObject()
        .put("reason", "mistaken").put("explanation", "申请人误评：办件已按规定不予受理")).expect(200);
    api.post("/rectification-cases/" + caseId + "/appeal/decision").token(server.token("manager-sun"))
        .json(new JsonObject().put("decision", "upheld").put("note", "误评成立")).expect(200);

    List<JsonObject> records = records(number(id));
    assertEquals(List.of("application_received", "application_refused", "rating", "appeal_upheld", "case_closed"),
        records.stream().map(r -> r.getString("kind")).toList());
    assertEquals("误评成立", records.get(3).getJsonObject("record").getString("note"));
    assertEquals("appeal_upheld", records.get(4).getJsonObject("record").getString("closeReason"));
    Profile profile = Profile.load("zhejiang");
    SchemaRepository schemas = ProfileTest.schemas(profile);
    for (JsonObject r : records) {
      RecordKind kind = RecordKind.fromWire(r.getString("kind"));
      OutputUnit out = ProfileTest.validate(schemas, profile, kind,
          profile.render(new ReportRecord(kind, number(id), r.getJsonObject("record"))).body());
      assertEquals(true, out.getValid(), kind.wire() + ": " + out.getErrors());
    }
  }

  @Test
  void readinessSaysWhatIsReported() {
    JsonObject reporting = api.get("/health/ready").send().expect(200).json().getJsonObject("checks")
        .getJsonObject("reporting");
    assertEquals("recording", reporting.getString("state"), "kept, not sent: no endpoint");
    assertEquals("zhejiang", reporting.getString("profile"));
    assertEquals(null, reporting.getString("endpoint"));
  }

  @Test
  void aRefusedStepRecordsNothingAndARetriedOneRecordsOnce() {
    String id = submitted();
    String key = "accept-" + id;
    Map<String, Long> before = server.snapshot();
    api.post("/applications/" + id + "/accept").token(officer).idempotencyKey(key).header("If-Match", "\"99\"")
        .send().expect(412);
    api.post("/applications/" + id + "/approve").token(officer).send().expect(409);
    api.post("/applications/" + id + "/complete").token(officer).json(new JsonObject().put("result",
        new JsonObject().put("kind", "electronic_licence"))).expect(409);
    assertEquals(before, server.snapshot(), "nothing changed, nothing recorded");
    JsonObject first = api.post("/applications/" + id + "/accept").token(officer).idempotencyKey(key).send()
        .expect(200).json();
    assertEquals(first, api.post("/applications/" + id + "/accept").token(officer).idempotencyKey(key).send()
        .expect(200).json());
    assertEquals(List.of("application_received", "application_accepted"),
        records(number(id)).stream().map(r -> r.getString("kind")).toList(), "the retry recorded nothing more");
  }

  @Test
  void aStepWhoseRecordCannotBeWrittenDoesNotHappen() {
    String id = submitted();
    server.update("""
        create function refuse_accepted_record() returns trigger language plpgsql as $$
        begin
          if new.kind = 'application_accepted' then raise exception 'injected: the record cannot be written'; end if;
          return new;
        end $$""");
    server.update("""
        create trigger refuse_accepted_record after insert on platform_report
        for each row execute function refuse_accepted_record()""");
    try {
      api.post("/applications/" + id + "/accept").token(officer).send().expect(500);
    } finally {
      server.update("drop trigger refuse_accepted_record on platform_report");
      server.update("drop function refuse_accepted_record()");
    }
    assertEquals("submitted", api.get("/applications/" + id).token(officer).send().expect(200).json().getString("state"),
        "the step and its record commit together or not at all");
    assertEquals(List.of("application_received"), records(number(id)).stream().map(r -> r.getString("kind")).toList());
    api.post("/applications/" + id + "/accept").token(officer).send().expect(200);
    assertEquals(List.of("application_received", "application_accepted"),
        records(number(id)).stream().map(r -> r.getString("kind")).toList());
  }

  @Test
  void aWrongProfileStopsTheServerAtStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestServer.start(Map.of("REPORTING_PROFILE", "no-such-province")));
    assertTrue(e.getMessage().contains("No shipped reporting profile no-such-province"), e.getMessage());
  }
}
