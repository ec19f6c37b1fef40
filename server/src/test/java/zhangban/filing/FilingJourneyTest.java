package zhangban.filing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;

class FilingJourneyTest {
  static TestServer server;
  static Api api;
  static String citizen;
  static String officer;

  static final Buffer PDF = Buffer.buffer("%PDF-1.4\n% test document\n");

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    citizen = server.token("citizen-zhang");
    officer = server.token("officer-minzheng");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject form() {
    return new JsonObject().put("partnerName", "李娜").put("appointmentDate", "2026-12-01").put("venue", "futian");
  }

  static String draft(String token) {
    return api.post("/applications").token(token).idempotencyKey("create-" + java.util.UUID.randomUUID())
        .json(new JsonObject().put("itemCode", "MZ-HY-001").put("form", form()))
        .expect(201).json().getString("id");
  }

  static void upload(String token, String id, String material) {
    api.put("/applications/" + id + "/materials/" + material).token(token)
        .multipart(MultipartForm.create().binaryFileUpload("file", "doc.pdf", PDF, "application/pdf"))
        .expect(200);
  }

  static String submitted(String token) {
    String id = draft(token);
    upload(token, id, "id_card");
    upload(token, id, "household_register");
    api.post("/applications/" + id + "/submit").token(token).idempotencyKey("submit-" + id).send().expect(200);
    return id;
  }

  @Test
  void fullJourneyFromDraftToCompletionLeavesAnOrderedTimeline() {
    String id = draft(citizen);
    upload(citizen, id, "id_card");
    upload(citizen, id, "household_register");
    JsonObject submitted = api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("s-" + id)
        .send().expect(200).json();
    assertEquals("submitted", submitted.getString("state"));
    assertTrue(submitted.getString("number").matches("ZB2026112500000\\d{3}"), submitted.getString("number"));

    JsonObject accepted = api.post("/applications/" + id + "/accept").token(officer).send().expect(200).json();
    assertEquals("accepted", accepted.getString("state"));
    // accepted Wednesday 2026-11-25 with 5 promised working days: Thu 26, Fri 27, Mon 30, Tue 1, Wed 2
    assertEquals("2026-12-02", accepted.getString("deadline"));
    assertEquals("green", accepted.getString("warning"));

    api.post("/applications/" + id + "/start-review").token(officer).send().expect(200);
    api.post("/applications/" + id + "/approve").token(officer).send().expect(200);
    JsonObject done = api.post("/applications/" + id + "/complete").token(officer)
        .json(new JsonObject().put("result", new JsonObject().put("kind", "electronic_licence")
            .put("licence", licence()))).expect(200).json();
    assertEquals("completed", done.getString("state"));
    assertEquals(licence(), done.getJsonObject("result").getJsonObject("licence"));
    assertEquals(0, server.count("select count(*) from platform_report"), "no reporting profile, nothing recorded");
    assertEquals(List.of(), done.getJsonArray("allowedActions").getList());

    JsonArray timeline = api.get("/applications/" + id + "/timeline").token(citizen).send().expect(200).items();
    List<String> actions = timeline.stream().map(e -> ((JsonObject) e).getString("action")).toList();
    assertEquals(List.of("create", "submit", "accept", "start_review", "approve", "complete"), actions);
    JsonObject accept = timeline.getJsonObject(2);
    assertEquals("submitted", accept.getString("fromState"));
    assertEquals("accepted", accept.getString("toState"));
    assertEquals("officer-minzheng", accept.getString("actor"));
    assertEquals("officer", accept.getString("actorRole"));

    // the same timeline a page at a time: the cursor carries on where the page ended
    List<String> paged = new java.util.ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 3; page++) {
      JsonObject p = api.get("/applications/" + id + "/timeline?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
          .token(citizen).send().expect(200).json();
      p.getJsonArray("items").forEach(e -> paged.add(((JsonObject) e).getString("action")));
      assertEquals(page < 2, p.getBoolean("hasMore"), "page " + page);
      cursor = p.getString("nextCursor");
    }
    assertEquals(actions, paged);
    assertEquals(null, cursor, "the last page has no next cursor");
    for (String forged : List.of("bm90LWEtbnVtYmVy", "LTE", "OTk5OTk5OTk5OTk5")) { // not-a-number, -1, 999999999999
      api.get("/applications/" + id + "/timeline?cursor=" + forged).token(citizen).send().expect(400);
    }
  }

  /** 结婚证 as GB/T 39046-2020 table 8 records a licence. */
  static JsonObject licence() {
    return new JsonObject().put("name", "结婚证").put("number", "DZZZ-2026-0001").put("holder", "张伟")
        .put("validFrom", "2026-11-25").putNull("validUntil").put("issuer", "市民政局")
        .put("issuerUscc", "11440300007569248N");
  }

  static String approved() {
    String id = submitted(citizen);
    api.post("/applications/" + id + "/accept").token(officer).send().expect(200);
    api.post("/applications/" + id + "/start-review").token(officer).send().expect(200);
    api.post("/applications/" + id + "/approve").token(officer).send().expect(200);
    return id;
  }

  @Test
  void anElectronicLicenceThatDoesNotHoldTogetherIsRefusedAndChangesNothing() {
    String id = approved();
    JsonObject result = new JsonObject().put("kind", "electronic_licence");
    assertEquals(List.of("/result/licence"), api.post("/applications/" + id + "/complete").token(officer)
        .json(new JsonObject().put("result", result.copy())).expect(422).pointers());
    assertEquals(List.of("/result/licence/validUntil", "/result/licence/issuerUscc"),
        api.post("/applications/" + id + "/complete").token(officer).json(new JsonObject().put("result", result.copy()
            .put("licence", licence().put("validUntil", "2026-11-24").put("issuerUscc", "11440300007569248M"))))
            .expect(422).pointers());
    api.post("/applications/" + id + "/complete").token(officer).json(new JsonObject().put("result", result.copy()
        .put("licence", licence().put("validFrom", "25/11/2026")))).expect(400);
    assertEquals("approved", api.get("/applications/" + id).token(citizen).send().expect(200).json().getString("state"));
  }

  @Test
  void aLicenceGivenByItsReferenceAloneIsStillAcceptedWhileDeprecated() {
    String id = approved();
    JsonObject done = api.post("/applications/" + id + "/complete").token(officer).json(new JsonObject()
        .put("result", new JsonObject().put("kind", "electronic_licence").put("licenceRef", "DZZZ-2026-0002")))
        .expect(200).json();
    assertEquals("DZZZ-2026-0002", done.getJsonObject("result").getString("licenceRef"));
  }

  @Test
  void submitRetriedWithTheSameKeyReturnsTheFirstResultAndCreatesNothing() {
    String id = draft(citizen);
    upload(citizen, id, "id_card");
    Map<String, Long> before = server.snapshot();
    JsonObject first = api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("retry-" + id)
        .send().expect(200).json();
    Map<String, Long> afterFirst = server.snapshot();
    JsonObject second = api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("retry-" + id)
        .send().expect(200).json();
    assertEquals(first, second);
    assertEquals(afterFirst, server.snapshot());
    assertEquals(before.get("timeline_event") + 1, afterFirst.get("timeline_event"));
  }

  @Test
  void createRetriedWithTheSameKeyMakesOneApplication() {
    long before = server.count("select count(*) from application");
    JsonObject body = new JsonObject().put("itemCode", "MZ-HY-001");
    String a = api.post("/applications").token(citizen).idempotencyKey("create-once-1").json(body).expect(201).json().getString("id");
    String b = api.post("/applications").token(citizen).idempotencyKey("create-once-1").json(body).expect(201).json().getString("id");
    assertEquals(a, b);
    assertEquals(before + 1, server.count("select count(*) from application"));
  }

  @Test
  void concurrentCreatesWithOneKeyMakeOneDraftAnsweredAsStored() throws Exception {
    String enterprise = server.token("enterprise-zhao");
    // several rounds: the requests meet in the write only in some of them
    for (String token : List.of(citizen, enterprise, citizen, enterprise, citizen, enterprise)) {
      String key = "create-race-" + java.util.UUID.randomUUID();
      JsonObject body = new JsonObject().put("itemCode", "MZ-HY-001").put("form", form());
      // threads of their own, started together (the common pool may have one thread on two cores)
      var threads = java.util.concurrent.Executors.newFixedThreadPool(8);
      var start = new java.util.concurrent.CyclicBarrier(8);
      List<java.util.concurrent.Future<JsonObject>> calls = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(threads.submit(() -> {
          start.await();
          return api.post("/applications").token(token).idempotencyKey(key).json(body).expect(201).json();
        }));
      }
      threads.shutdown();
      JsonObject first = calls.get(0).get();
      for (var c : calls) {
        assertEquals(first, c.get());
      }
      String id = first.getString("id");
      assertEquals(1, server.count("select count(*) from application where id = $1::uuid", id));
      assertEquals(1, server.count("select count(*) from idempotency_record where key = $1", key));
      // the reply, built before the write, is the draft as stored and read back
      assertEquals(first, api.get("/applications/" + id).token(token).send().expect(200).json());
      JsonArray timeline = api.get("/applications/" + id + "/timeline").token(token).send().expect(200).items();
      assertEquals(1, timeline.size(), timeline.encode());
      assertEquals("create", timeline.getJsonObject(0).getString("action"));
      assertEquals(1, timeline.getJsonObject(0).getInteger("seq"));
    }
  }

  @Test
  void aKeyReusedForADifferentRequestIsRefused() {
    api.post("/applications").token(citizen).idempotencyKey("reuse-key-1")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201);
    Map<String, Long> before = server.snapshot();
    api.post("/applications").token(citizen).idempotencyKey("reuse-key-1")
        .json(new JsonObject().put("itemCode", "SCJG-0001")).expect(422);
    assertEquals(before, server.snapshot());
  }

  @Test
  void supplementRequestListsEverythingAndResubmissionNeedsEachMaterialAgain() {
    String id = submitted(citizen);
    JsonObject asked = api.post("/applications/" + id + "/request-supplement").token(officer)
        .json(new JsonObject().put("items", new JsonArray()
            .add(new JsonObject().put("materialCode", "id_card").put("reason", "照片不清晰"))
            .add(new JsonObject().put("materialCode", "household_register").put("reason", "缺少本人页"))))
        .expect(200).json();
    assertEquals("supplement_requested", asked.getString("state"));
    assertEquals(2, asked.getJsonArray("supplementItems").size());

    Map<String, Long> before = server.snapshot();
    api.post("/applications/" + id + "/resubmit").token(citizen).send().expect(422);
    assertEquals(before, server.snapshot());

    upload(citizen, id, "id_card");
    List<String> pointers = api.post("/applications/" + id + "/resubmit").token(citizen).send().expect(422).pointers();
    assertEquals(List.of("/materials/household_register"), pointers);
    upload(citizen, id, "household_register");
    JsonObject resubmitted = api.post("/applications/" + id + "/resubmit").token(citizen).send().expect(200).json();
    assertEquals("submitted", resubmitted.getString("state"));
    assertEquals(0, resubmitted.getJsonArray("supplementItems").size());
  }

  @Test
  void acceptWithMissingMaterialNeedsItBeforeCompletion() {
    String id = draft(citizen);
    upload(citizen, id, "id_card");
    api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("s-" + id).send().expect(200);
    api.post("/applications/" + id + "/accept").token(officer).send().expect(422);
    JsonObject accepted = api.post("/applications/" + id + "/accept-with-missing").token(officer)
        .json(new JsonObject().put("missingMaterials", new JsonArray().add("household_register"))
            .put("supplementDeadline", "2026-11-30")).expect(200).json();
    assertEquals(List.of("household_register"), accepted.getJsonArray("missingMaterials").getList());
    api.post("/applications/" + id + "/start-review").token(officer).send().expect(200);
    api.post("/applications/" + id + "/approve").token(officer).send().expect(200);
    JsonObject result = new JsonObject().put("result", new JsonObject().put("kind", "notice").put("summary", "准予登记"));
    api.post("/applications/" + id + "/complete").token(officer).json(result).expect(422);
    upload(citizen, id, "household_register");
    assertEquals(0, api.get("/applications/" + id).token(officer).send().expect(200).json()
        .getJsonArray("missingMaterials").size());
    api.post("/applications/" + id + "/complete").token(officer).json(result).expect(200);
  }

  @Test
  void aMaterialThatMayNotBeMissingCannotBeAcceptedAsMissing() {
    String id = submitted(citizen);
    Map<String, Long> before = server.snapshot();
    var r = api.post("/applications/" + id + "/accept-with-missing").token(officer)
        .json(new JsonObject().put("missingMaterials", new JsonArray().add("id_card"))
            .put("supplementDeadline", "2026-11-30")).expect(422);
    assertEquals(List.of("/missingMaterials/0"), r.pointers());
    assertEquals(before, server.snapshot());
  }

  @Test
  void invalidActionAnswers409WithTheAllowedActions() {
    String id = submitted(citizen);
    Map<String, Long> before = server.snapshot();
    JsonObject problem = api.post("/applications/" + id + "/approve").token(officer).send().expect(409).json();
    assertEquals("submitted", problem.getString("currentState"));
    assertEquals(List.of("accept", "accept_with_missing", "request_supplement", "reject"),
        problem.getJsonArray("allowedActions").getList());
    api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("again-" + id).send().expect(409);
    api.post("/applications/" + id + "/resubmit").token(citizen).send().expect(409);
    assertEquals(before, server.snapshot());
  }

  @Test
  void everyTerminalStateRefusesEveryAction() {
    String rejected = submitted(citizen);
    api.post("/applications/" + rejected + "/reject").token(officer)
        .json(new JsonObject().put("reason", "不属于本部门职权范围")).expect(200);
    String withdrawn = submitted(citizen);
    api.post("/applications/" + withdrawn + "/withdraw").token(citizen).send().expect(200);
    String denied = submitted(citizen);
    api.post("/applications/" + denied + "/accept").token(officer).send().expect(200);
    api.post("/applications/" + denied + "/start-review").token(officer).send().expect(200);
    api.post("/applications/" + denied + "/deny").token(officer).json(new JsonObject().put("reason", "不符合条件")).expect(200);

    for (String id : List.of(rejected, withdrawn, denied)) {
      Map<String, Long> before = server.snapshot();
      for (String action : List.of("accept", "start-review", "approve")) {
        api.post("/applications/" + id + "/" + action).token(officer).send().expect(409);
      }
      api.post("/applications/" + id + "/reject").token(officer).json(new JsonObject().put("reason", "x")).expect(409);
      api.post("/applications/" + id + "/withdraw").token(citizen).send().expect(409);
      assertEquals(before, server.snapshot());
    }
  }

  @Test
  void concurrentActionsOnOneApplicationCannotBothSucceed() throws Exception {
    for (int round = 0; round < 5; round++) {
      String id = submitted(citizen);
      var accept = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> api.post("/applications/" + id + "/accept").token(officer).send().status());
      var reject = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> api.post("/applications/" + id + "/reject").token(officer)
              .json(new JsonObject().put("reason", "重复申请")).status());
      List<Integer> statuses = List.of(accept.get(), reject.get());
      assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
      assertEquals(1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
      assertEquals(3, server.count("select count(*) from timeline_event where application_id = $1::uuid", id));
    }
  }

  @Test
  void concurrentSubmitsWithOneKeyMakeOneTransition() throws Exception {
    String id = draft(citizen);
    upload(citizen, id, "id_card");
    List<java.util.concurrent.CompletableFuture<JsonObject>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(java.util.concurrent.CompletableFuture.supplyAsync(() ->
          api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("same-" + id).send().expect(200).json()));
    }
    JsonObject first = calls.get(0).get();
    for (var c : calls) {
      assertEquals(first, c.get());
    }
    assertEquals(1, server.count("select count(*) from timeline_event where application_id = $1::uuid and action = 'submit'", id));
  }

  @Test
  void draftCannotBeSubmittedIncompleteAndNothingChanges() {
    String id = api.post("/applications").token(citizen).idempotencyKey("incomplete-1")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
    Map<String, Long> before = server.snapshot();
    List<String> pointers = api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("inc-" + id)
        .send().expect(422).pointers();
    assertTrue(pointers.containsAll(List.of("/form/partnerName", "/form/appointmentDate", "/form/venue", "/materials/id_card")),
        pointers.toString());
    assertEquals(before, server.snapshot());
    assertNotNull(server.row("select state from application where id = $1::uuid", id));
  }

  @Test
  void formValuesAreCheckedAgainstTheItemDefinition() {
    JsonObject bad = new JsonObject().put("itemCode", "MZ-HY-001").put("form", new JsonObject()
        .put("partnerName", 42).put("appointmentDate", "2026-13-45").put("venue", "mars").put("guests", 1.5)
        .put("unknownField", "x"));
    Map<String, Long> before = server.snapshot();
    List<String> pointers = api.post("/applications").token(citizen).idempotencyKey("bad-form-1").json(bad)
        .expect(422).pointers();
    assertEquals(List.of("/form/partnerName", "/form/appointmentDate", "/form/venue", "/form/guests", "/form/unknownField"),
        pointers);
    assertEquals(before, server.snapshot());
  }

  @Test
  void uploadedMaterialKeepsItsHashAndBytes() {
    String id = draft(citizen);
    upload(citizen, id, "id_card");
    JsonObject file = api.get("/applications/" + id + "/materials").token(citizen).send().expect(200).items().getJsonObject(0);
    assertEquals("application/pdf", file.getString("contentType"));
    assertEquals(Materials.sha256(PDF), file.getString("sha256"));
    var download = api.get("/applications/" + id + "/materials/id_card/content").token(citizen).send().expect(200);
    assertEquals(PDF, download.body());
  }
}
