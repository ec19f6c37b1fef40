package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * Every operation that addresses an object by its id, called by every kind of caller on an object
 * that belongs to someone else (a citizen's application, rating, case, notification and device,
 * handled by the 民政局): the status each gets is the table below, every cell asserted, each on a
 * fresh object, and every refusal leaves every table as it was. The owner's column is the control:
 * the same request is allowed to the one it belongs to.
 */
class AuthorizationMatrixTest {
  /** Columns: who calls. */
  static final List<String> CALLERS = List.of("anonymous", "owner", "citizen", "enterprise", "officer-other",
      "officer", "manager", "manager-elsewhere", "manager-none", "admin", "integration");

  /**
   * Rows: operation, then the status for each caller in {@link #CALLERS} order. 404 where the
   * caller may not know the object exists, 403 where they may see it but not do this. Besides:
   * a draft is its applicant's alone (officers and managers see applications once submitted);
   * staff are refused rating whatever the application (403 staff-cannot-rate, which says nothing
   * of the object); a rectification case is the department's and the managers' work, the rater
   * follows it through the rating. Where the control is a 422 the caller passed authorization and
   * met the domain's rules: the owner's submit finds the draft without its materials, the
   * officer's 容缺 acceptance finds the marriage item allows none.
   */
  static final String EXPECTED = """
      operation                    anonymous owner citizen enterprise officer-other officer manager manager-elsewhere manager-none admin integration
      getApplication               401       200   404     404        404           200     200     404               404          404   404
      getApplicationTimeline       401       200   404     404        404           200     200     404               404          404   404
      listApplicationMaterials     401       200   404     404        404           200     200     404               404          404   404
      updateApplicationForm        401       200   404     404        404           404     404     404               404          404   404
      submitApplication            401       422   404     404        404           404     404     404               404          404   404
      withdrawApplication          401       200   404     404        404           403     403     404               404          404   404
      acceptApplication            401       403   404     404        404           200     403     404               404          404   404
      rejectApplication            401       403   404     404        404           200     403     404               404          404   404
      requestSupplement            401       403   404     404        404           200     403     404               404          404   404
      acceptApplicationWithMissing 401       403   404     404        404           422     403     404               404          404   404
      resubmitApplication          401       200   404     404        404           403     403     404               404          404   404
      startReview                  401       403   404     404        404           200     403     404               404          404   404
      approveApplication           401       403   404     404        404           200     403     404               404          404   404
      denyApplication              401       403   404     404        404           200     403     404               404          404   404
      completeApplication          401       403   404     404        404           200     403     404               404          404   404
      uploadMaterial               401       200   404     404        404           404     404     404               404          404   404
      downloadMaterial             401       200   404     404        404           200     200     404               404          404   404
      removeMaterial               401       409   404     404        404           403     403     404               404          404   404
      recordIntegrationEvent       401       403   403     403        403           403     403     403               403          403   404
      listApplicationRatings       401       200   404     404        404           200     200     404               404          404   404
      rateApplication              401       201   404     404        403           403     403     403               403          403   403
      getRating                    401       200   404     404        404           200     200     404               404          404   404
      followUpRating               401       409   404     404        404           404     404     404               404          404   404
      getRectificationCase         401       404   404     404        404           200     200     404               404          404   404
      claimRectificationCase       401       404   404     404        404           200     403     404               404          404   404
      appealRectificationCase      401       404   404     404        404           200     403     404               404          404   404
      verifyRectificationCase      401       404   404     404        404           200     403     404               404          404   404
      rectifyRectificationCase     401       404   404     404        404           200     403     404               404          404   404
      replyRectificationCase       401       404   404     404        404           200     403     404               404          404   404
      followUpAfterReply           401       200   404     404        404           404     404     404               404          404   404
      decideRectificationAppeal    401       404   404     404        404           403     200     404               404          404   404
      markNotificationRead         401       200   404     404        404           404     404     404               404          404   404
      unregisterDevice             401       204   404     404        404           404     404     404               404          404   404
      registerDevice               401       200   404     404        404           404     404     404               404          404   404
      """;

  static TestServer server;
  static Api api;
  static PushFixtures filing;
  static RatingFixtures fx;
  static Map<String, Supplier<String>> tokens = new LinkedHashMap<>();
  static final String OWNER = "citizen-matrix-owner";

  @BeforeAll
  static void start() {
    // the owner rates a fresh application in many cells: the per-user rating rate is not under test
    server = TestServer.start(Map.of("RATING_CALLS_PER_MINUTE", "100000"));
    api = server.api;
    filing = new PushFixtures(server, null);
    fx = new RatingFixtures(server, filing);
    tokens.put("anonymous", () -> null);
    tokens.put("owner", () -> fx.citizen(OWNER));
    tokens.put("citizen", () -> fx.citizen("citizen-matrix-other"));
    tokens.put("enterprise", () -> fx.enterprise("enterprise-matrix"));
    tokens.put("officer-other", () -> fx.officer("officer-matrix-gaj", "GAJ"));
    tokens.put("officer", () -> fx.officer("officer-matrix-mzj", "MZJ"));
    tokens.put("manager", fx::manager);
    // a manager of 广州市 (MZJ is 深圳市's), and a manager without a region, whom the default denies
    tokens.put("manager-elsewhere", () -> server.tokens.manager("manager-matrix-gz", "440100"));
    tokens.put("manager-none", () -> server.tokens.manager("manager-matrix-none", null));
    tokens.put("admin", fx::admin);
    tokens.put("integration", () -> fx.integration("integration-matrix-zjj", "ZJJ"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Each operation: a fresh object of the owner's, then the request as {@code token} sends it. */
  static final Map<String, BiFunction<String, Fresh, Api.Response>> OPERATIONS = new LinkedHashMap<>();

  /** The owner's objects, made afresh for each cell. */
  record Fresh(Supplier<String> draft, Supplier<String> submitted, Supplier<String> supplied, Supplier<String> accepted,
               Supplier<String> inReview, Supplier<String> approved, Supplier<String> completed,
               Supplier<JsonObject> poorRating, Supplier<String> claimedCase, Supplier<String> verifiedCase,
               Supplier<String> rectifiedCase, Supplier<String> repliedCase, Supplier<String> appealedCase) {}

  /** The handling department's officer of the table's "officer" column. */
  static String departmentOfficer() {
    return fx.officer("officer-matrix-mzj", "MZJ");
  }

  static {
    OPERATIONS.put("getApplication", (t, f) -> api.get("/applications/" + f.submitted().get()).token(t).send());
    OPERATIONS.put("getApplicationTimeline", (t, f) ->
        api.get("/applications/" + f.submitted().get() + "/timeline").token(t).send());
    OPERATIONS.put("listApplicationMaterials", (t, f) ->
        api.get("/applications/" + f.submitted().get() + "/materials").token(t).send());
    OPERATIONS.put("updateApplicationForm", (t, f) -> api.put("/applications/" + f.draft().get() + "/form").token(t)
        .json(new JsonObject().put("form", new JsonObject().put("partnerName", "李娜"))));
    OPERATIONS.put("submitApplication", (t, f) -> api.post("/applications/" + f.draft().get() + "/submit").token(t)
        .idempotencyKey("matrix-" + UUID.randomUUID()).send());
    OPERATIONS.put("withdrawApplication", (t, f) ->
        api.post("/applications/" + f.submitted().get() + "/withdraw").token(t).send());
    OPERATIONS.put("acceptApplication", (t, f) ->
        api.post("/applications/" + f.submitted().get() + "/accept").token(t).send());
    OPERATIONS.put("rejectApplication", (t, f) -> api.post("/applications/" + f.submitted().get() + "/reject")
        .token(t).json(new JsonObject().put("reason", "材料不齐")));
    OPERATIONS.put("requestSupplement", (t, f) -> api.post("/applications/" + f.submitted().get()
        + "/request-supplement").token(t).json(supplementRequest()));
    OPERATIONS.put("acceptApplicationWithMissing", (t, f) -> api.post("/applications/" + f.submitted().get()
        + "/accept-with-missing").token(t).json(new JsonObject()
            .put("missingMaterials", new io.vertx.core.json.JsonArray().add("photo")).put("supplementDeadline", "2026-12-10")));
    OPERATIONS.put("resubmitApplication", (t, f) ->
        api.post("/applications/" + f.supplied().get() + "/resubmit").token(t).send());
    OPERATIONS.put("startReview", (t, f) ->
        api.post("/applications/" + f.accepted().get() + "/start-review").token(t).send());
    OPERATIONS.put("approveApplication", (t, f) ->
        api.post("/applications/" + f.inReview().get() + "/approve").token(t).send());
    OPERATIONS.put("denyApplication", (t, f) -> api.post("/applications/" + f.inReview().get() + "/deny").token(t)
        .json(new JsonObject().put("reason", "不符合条件")));
    OPERATIONS.put("completeApplication", (t, f) -> api.post("/applications/" + f.approved().get() + "/complete")
        .token(t).json(new JsonObject().put("result", new JsonObject().put("kind", "notice"))));
    OPERATIONS.put("uploadMaterial", (t, f) -> api.put("/applications/" + f.draft().get() + "/materials/id_card")
        .token(t).multipart(io.vertx.ext.web.multipart.MultipartForm.create()
            .binaryFileUpload("file", "card.pdf", io.vertx.core.buffer.Buffer.buffer("%PDF-1.4 matrix"), "application/pdf")));
    OPERATIONS.put("downloadMaterial", (t, f) ->
        api.get("/applications/" + f.submitted().get() + "/materials/id_card/content").token(t).send());
    OPERATIONS.put("removeMaterial", (t, f) ->
        api.delete("/applications/" + f.submitted().get() + "/materials/id_card").token(t).send());
    // an approval system of another department reports on this application
    OPERATIONS.put("recordIntegrationEvent", (t, f) -> api.post("/integration/applications/"
        + fx.number(f.submitted().get()) + "/events").token(t)
        .json(new JsonObject().put("eventId", "matrix-" + UUID.randomUUID()).put("action", "accept")));
    OPERATIONS.put("listApplicationRatings", (t, f) ->
        api.get("/applications/" + f.completed().get() + "/ratings").token(t).send());
    OPERATIONS.put("rateApplication", (t, f) -> fx.rate(t, f.completed().get(),
        fx.withVersion(RatingFixtures.rating(5))));
    OPERATIONS.put("getRating", (t, f) ->
        api.get("/ratings/" + f.poorRating().get().getString("id")).token(t).send());
    // the case is still open: the owner's follow-up comes after the reply (409), nobody else's at all
    OPERATIONS.put("followUpRating", (t, f) -> api.post("/ratings/" + f.poorRating().get().getString("id")
        + "/follow-up").token(t).json(new JsonObject().put("satisfaction", "satisfied")));
    OPERATIONS.put("getRectificationCase", (t, f) ->
        api.get("/rectification-cases/" + fx.caseOf(f.poorRating().get())).token(t).send());
    OPERATIONS.put("claimRectificationCase", (t, f) ->
        api.post("/rectification-cases/" + fx.caseOf(f.poorRating().get()) + "/claim").token(t).send());
    OPERATIONS.put("appealRectificationCase", (t, f) ->
        api.post("/rectification-cases/" + fx.caseOf(f.poorRating().get()) + "/appeal").token(t)
            .json(new JsonObject().put("reason", "mistaken").put("explanation", "该申请人当天并未来办理")));
    OPERATIONS.put("verifyRectificationCase", (t, f) -> api.post("/rectification-cases/" + f.claimedCase().get()
        + "/verify").token(t).json(RatingFixtures.verification(server.clock.instant())));
    OPERATIONS.put("rectifyRectificationCase", (t, f) -> api.post("/rectification-cases/" + f.verifiedCase().get()
        + "/rectify").token(t).json(RatingFixtures.rectification()));
    OPERATIONS.put("replyRectificationCase", (t, f) -> api.post("/rectification-cases/" + f.rectifiedCase().get()
        + "/reply").token(t).json(RatingFixtures.reply()));
    OPERATIONS.put("followUpAfterReply", (t, f) -> {
      f.repliedCase().get();
      return api.post("/ratings/" + f.poorRating().get().getString("id") + "/follow-up").token(t)
          .json(new JsonObject().put("satisfaction", "satisfied"));
    });
    OPERATIONS.put("decideRectificationAppeal", (t, f) -> api.post("/rectification-cases/" + f.appealedCase().get()
        + "/appeal/decision").token(t).json(new JsonObject().put("decision", "upheld").put("note", "核实为误评")));
    OPERATIONS.put("markNotificationRead", (t, f) -> {
      f.submitted().get(); // the owner is told of the submission
      String id = api.get("/me/notifications?limit=1").token(fx.citizen(OWNER)).send().expect(200).items()
          .getJsonObject(0).getString("id");
      return api.post("/me/notifications/" + id + "/read").token(t).send();
    });
    OPERATIONS.put("unregisterDevice", (t, f) -> {
      UUID device = UUID.randomUUID();
      filing.register(OWNER, device, "matrix-token-" + device, "android", "zh-CN");
      return api.delete("/me/devices/" + device).token(t).send();
    });
    OPERATIONS.put("registerDevice", (t, f) -> {
      UUID device = UUID.randomUUID();
      filing.register(OWNER, device, "matrix-token-" + device, "android", "zh-CN");
      return api.put("/me/devices/" + device).token(t).json(new JsonObject().put("token", "other-" + UUID.randomUUID())
          .put("platform", "ios").put("locale", "zh-CN").put("appVersion", "1.0.0"));
    });
  }

  @Test
  void everyCallerGetsTheStatusInTheTableOnSomeoneElsesObjects() {
    Map<String, List<Integer>> expected = table(EXPECTED);
    assertEquals(OPERATIONS.keySet(), expected.keySet(), "every operation has a row, every row an operation");

    List<String> wrong = new ArrayList<>();
    StringBuilder observed = new StringBuilder();
    for (var op : OPERATIONS.entrySet()) {
      observed.append(String.format("%-26s", op.getKey()));
      for (int c = 0; c < CALLERS.size(); c++) {
        String caller = CALLERS.get(c);
        Fresh fresh = fresh();
        Api.Response r;
        Map<String, Long> before;
        // the object is made before the snapshot: only the request itself is measured
        Fresh made = materialise(op.getKey(), fresh);
        before = server.snapshot();
        r = op.getValue().apply(tokens.get(caller).get(), made);
        int want = expected.get(op.getKey()).get(c);
        observed.append(String.format(" %-" + Math.max(3, caller.length()) + "d", r.status()));
        if (r.status() != want) {
          wrong.add(op.getKey() + " as " + caller + ": " + r.status() + " (expected " + want + ") " + r.body());
        } else if (r.status() >= 400 && !before.equals(server.snapshot())) {
          wrong.add(op.getKey() + " as " + caller + ": refused with " + r.status() + " but the database changed");
        }
      }
      observed.append('\n');
    }
    if (!wrong.isEmpty()) {
      fail(wrong.size() + " cells differ:\n  " + String.join("\n  ", wrong) + "\nobserved:\n" + observed);
    }
  }

  /**
   * Reads of a department's work, asked for 民政局 (MZJ) by every caller: the status, and for
   * whoever is not of that department nor a manager, that nothing of MZJ is in the answer. An
   * officer of another department asking for MZJ is refused; the ranking, which takes no
   * department, ranks the officer's own; citizens and enterprises list their own applications
   * (the owner's are MZJ's, and theirs to see).
   */
  static final String EXPECTED_DEPARTMENT_READS = """
      operation                    anonymous owner citizen enterprise officer-other officer manager manager-elsewhere manager-none admin integration
      getRatingStats               401       403   403     403        403           200     200     403               403          403   403
      exportRatingStats            401       403   403     403        403           200     200     403               403          403   403
      getRatingRanking             401       403   403     403        200           200     200     200               403          403   403
      getPoorRatingTags            401       403   403     403        403           200     200     403               403          403   403
      getRectificationStats        401       403   403     403        403           200     200     403               403          403   403
      exportRatings                401       403   403     403        403           403     200     403               403          403   403
      overdueReport                401       403   403     403        403           403     200     403               403          403   403
      listApplications             401       200   200     200        403           200     200     403               403          403   403
      listRectificationCases       401       403   403     403        403           200     200     403               403          403   403
      """;

  static final Map<String, java.util.function.Function<String, Api.Response>> DEPARTMENT_READS = new LinkedHashMap<>();

  static {
    String range = "from=2026-11-01&to=2026-11-30";
    DEPARTMENT_READS.put("getRatingStats", t -> api.get("/stats/ratings?" + range + "&department=MZJ&groupBy=department")
        .token(t).send());
    DEPARTMENT_READS.put("exportRatingStats", t -> api.get("/stats/ratings.csv?" + range
        + "&department=MZJ&groupBy=department").token(t).send());
    DEPARTMENT_READS.put("getRatingRanking", t -> api.get("/stats/ratings/ranking?" + range
        + "&by=department&minSample=1").token(t).send());
    DEPARTMENT_READS.put("getPoorRatingTags", t -> api.get("/stats/ratings/tags?" + range + "&department=MZJ")
        .token(t).send());
    DEPARTMENT_READS.put("getRectificationStats", t -> api.get("/stats/rectification?department=MZJ").token(t).send());
    DEPARTMENT_READS.put("exportRatings", t -> api.get("/exports/ratings.csv?" + range + "&department=MZJ")
        .token(t).send());
    DEPARTMENT_READS.put("overdueReport", t -> api.get("/supervision/overdue?department=MZJ").token(t).send());
    DEPARTMENT_READS.put("listApplications", t -> api.get("/applications?department=MZJ").token(t).send());
    DEPARTMENT_READS.put("listRectificationCases", t -> api.get("/rectification-cases?department=MZJ").token(t)
        .send());
  }

  @Test
  void aDepartmentsWorkIsReadOnlyByItAndTheManagers() {
    JsonObject poor = fx.poorRating(OWNER); // MZJ has a rating, a poor one, and its case
    String marker = poor.getString("id");
    Map<String, List<Integer>> expected = table(EXPECTED_DEPARTMENT_READS);
    assertEquals(DEPARTMENT_READS.keySet(), expected.keySet());
    List<String> wrong = new ArrayList<>();
    StringBuilder observed = new StringBuilder();
    for (var op : DEPARTMENT_READS.entrySet()) {
      observed.append(String.format("%-26s", op.getKey()));
      for (int c = 0; c < CALLERS.size(); c++) {
        String caller = CALLERS.get(c);
        Api.Response r = op.getValue().apply(tokens.get(caller).get());
        observed.append(String.format(" %-" + Math.max(3, caller.length()) + "d", r.status()));
        int want = expected.get(op.getKey()).get(c);
        String body = r.body() == null ? "" : r.body().toString();
        boolean seesMzj = caller.equals("officer") || caller.equals("manager")
            || (caller.equals("owner") && op.getKey().equals("listApplications"));
        if (r.status() != want) {
          wrong.add(op.getKey() + " as " + caller + ": " + r.status() + " (expected " + want + ") " + body);
        } else if (!seesMzj && r.status() == 200 && (body.contains("MZJ") || body.contains("民政") || body.contains(marker))) {
          wrong.add(op.getKey() + " as " + caller + ": the answer shows MZJ's work: " + body);
        }
      }
      observed.append('\n');
    }
    if (!wrong.isEmpty()) {
      fail(wrong.size() + " cells differ:\n  " + String.join("\n  ", wrong) + "\nobserved:\n" + observed);
    }
  }

  static Map<String, List<Integer>> table(String text) {
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    String[] lines = text.strip().split("\n");
    assertEquals(CALLERS, List.of(lines[0].trim().split("\\s+")).subList(1, CALLERS.size() + 1));
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].trim().split("\\s+");
      List<Integer> statuses = new ArrayList<>();
      for (int c = 1; c < cells.length; c++) {
        statuses.add(Integer.parseInt(cells[c]));
      }
      assertEquals(CALLERS.size(), statuses.size(), cells[0]);
      out.put(cells[0], statuses);
    }
    return out;
  }

  /** Administration: the admin's alone, whoever else asks. */
  static final String EXPECTED_ADMINISTRATION = """
      operation                    anonymous owner citizen enterprise officer-other officer manager manager-elsewhere manager-none admin integration
      createDepartment             401       403   403     403        403           403     403     403               403          201   403
      createServiceItem            401       403   403     403        403           403     403     403               403          201   403
      publishServiceItemVersion    401       403   403     403        403           403     403     403               403          200   403
      retireServiceItem            401       403   403     403        403           403     403     403               403          200   403
      putCalendarYear              401       403   403     403        403           403     403     403               403          200   403
      publishRatingTags            401       403   403     403        403           403     403     403               403          201   403
      pushStats                    401       403   403     403        403           403     403     403               403          200   403
      listDeadLetters              401       403   403     403        403           403     403     403               403          200   403
      requeueDeadLetters           401       403   403     403        403           403     403     403               403          200   403
      smsStats                     401       403   403     403        403           403     403     403               403          200   403
      listSmsDeadLetters           401       403   403     403        403           403     403     403               403          200   403
      requeueSmsDeadLetters        401       403   403     403        403           403     403     403               403          200   403
      """;

  static final java.util.concurrent.atomic.AtomicInteger SEQUENCE = new java.util.concurrent.atomic.AtomicInteger();
  static final Map<String, java.util.function.Function<String, Api.Response>> ADMINISTRATION = new LinkedHashMap<>();

  static {
    ADMINISTRATION.put("createDepartment", t -> api.post("/departments").token(t)
        .json(new JsonObject().put("code", "ADM" + SEQUENCE.incrementAndGet()).put("name", "测试局")
            .put("region", "440300").put("uscc", "11440300009999201T")));
    ADMINISTRATION.put("createServiceItem", t -> api.post("/items").token(t)
        .json(zhangban.support.CatalogInputs.item("ADM-" + SEQUENCE.incrementAndGet(), "测试事项")));
    ADMINISTRATION.put("publishServiceItemVersion", t -> {
      String code = adminItem();
      return api.put("/items/" + code).token(t).json(zhangban.support.CatalogInputs.item(code, "改名的事项"));
    });
    ADMINISTRATION.put("retireServiceItem", t -> api.post("/items/" + adminItem() + "/retire").token(t).send());
    ADMINISTRATION.put("putCalendarYear", t -> api.put("/calendar/2031").token(t).json(new JsonObject()
        .put("source", "测试安排").put("holidays", new io.vertx.core.json.JsonArray().add("2031-01-01"))
        .put("adjustedWorkdays", new io.vertx.core.json.JsonArray())));
    ADMINISTRATION.put("publishRatingTags", t -> {
      JsonObject current = api.get("/rating-tags").token(fx.admin()).send().expect(200).json();
      return api.put("/admin/rating-tags").token(t)
          .json(new JsonObject().put("note", "原样再发布").put("tags", current.getJsonArray("tags")));
    });
    ADMINISTRATION.put("pushStats", t -> api.get("/admin/push/stats").token(t).send());
    ADMINISTRATION.put("listDeadLetters", t -> api.get("/admin/push/dead-letters").token(t).send());
    ADMINISTRATION.put("requeueDeadLetters", t -> api.post("/admin/push/dead-letters/requeue").token(t)
        .json(new JsonObject().put("ids", new io.vertx.core.json.JsonArray().add(Long.MAX_VALUE))));
    ADMINISTRATION.put("smsStats", t -> api.get("/admin/sms").token(t).send());
    ADMINISTRATION.put("listSmsDeadLetters", t -> api.get("/admin/sms/dead-letters").token(t).send());
    ADMINISTRATION.put("requeueSmsDeadLetters", t -> api.post("/admin/sms/dead-letters/requeue").token(t)
        .json(new JsonObject().put("ids", new io.vertx.core.json.JsonArray().add(Long.MAX_VALUE))));
  }

  /** A fresh item of the admin's, for the cell. */
  static String adminItem() {
    String code = "ADM-" + SEQUENCE.incrementAndGet();
    api.post("/items").token(fx.admin()).json(zhangban.support.CatalogInputs.item(code, "测试事项")).expect(201);
    return code;
  }

  @Test
  void administrationIsTheAdminsAlone() {
    Map<String, List<Integer>> expected = table(EXPECTED_ADMINISTRATION);
    assertEquals(ADMINISTRATION.keySet(), expected.keySet());
    List<String> wrong = new ArrayList<>();
    StringBuilder observed = new StringBuilder();
    for (var op : ADMINISTRATION.entrySet()) {
      observed.append(String.format("%-26s", op.getKey()));
      for (int c = 0; c < CALLERS.size(); c++) {
        String caller = CALLERS.get(c);
        Api.Response r = op.getValue().apply(tokens.get(caller).get());
        observed.append(String.format(" %-" + Math.max(3, caller.length()) + "d", r.status()));
        int want = expected.get(op.getKey()).get(c);
        if (r.status() != want) {
          wrong.add(op.getKey() + " as " + caller + ": " + r.status() + " (expected " + want + ") " + r.body());
        }
      }
      observed.append('\n');
    }
    if (!wrong.isEmpty()) {
      fail(wrong.size() + " cells differ:\n  " + String.join("\n  ", wrong) + "\nobserved:\n" + observed);
    }
  }

  /** Objects made on first use and kept for the cell. */
  static Fresh fresh() {
    Supplier<String> submitted = memo(() -> filing.submitted(OWNER));
    Supplier<String> accepted = memo(() -> act(submitted.get(), "accept", null));
    Supplier<String> inReview = memo(() -> act(accepted.get(), "start-review", null));
    Supplier<String> approved = memo(() -> act(inReview.get(), "approve", null));
    Supplier<JsonObject> poor = memo(() -> fx.poorRating(OWNER));
    Supplier<String> claimed = memo(() -> caseStep(fx.caseOf(poor.get()), "claim", null));
    Supplier<String> verified = memo(() -> caseStep(claimed.get(), "verify",
        RatingFixtures.verification(server.clock.instant())));
    Supplier<String> rectified = memo(() -> caseStep(verified.get(), "rectify", RatingFixtures.rectification()));
    Supplier<String> replied = memo(() -> caseStep(rectified.get(), "reply", RatingFixtures.reply()));
    Supplier<String> appealed = memo(() -> caseStep(fx.caseOf(poor.get()), "appeal",
        new JsonObject().put("reason", "mistaken").put("explanation", "该申请人当天并未来办理")));
    // supplements asked for the ID card, and the owner has uploaded it again
    Supplier<String> supplied = memo(() -> {
      String id = act(submitted.get(), "request-supplement", supplementRequest());
      filing.upload(OWNER, id, "id_card");
      return id;
    });
    return new Fresh(memo(() -> filing.draft(OWNER)), submitted, supplied, accepted, inReview, approved,
        memo(() -> fx.completed(OWNER)), poor, claimed, verified, rectified, replied, appealed);
  }

  private static JsonObject supplementRequest() {
    return new JsonObject().put("items", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("materialCode", "id_card").put("reason", "照片不清晰")));
  }

  private static String act(String id, String action, JsonObject body) {
    var call = api.post("/applications/" + id + "/" + action).token(departmentOfficer());
    (body == null ? call.send() : call.json(body)).expect(200);
    return id;
  }

  private static String caseStep(String caseId, String step, JsonObject body) {
    fx.step(departmentOfficer(), caseId, step, body);
    return caseId;
  }

  /** Makes the object the operation needs now, so that making it is not counted as the request's change. */
  static Fresh materialise(String operation, Fresh f) {
    switch (operation) {
      case "updateApplicationForm", "submitApplication", "uploadMaterial" -> f.draft().get();
      case "listApplicationRatings", "rateApplication" -> f.completed().get();
      case "getRating", "followUpRating", "getRectificationCase", "claimRectificationCase",
           "appealRectificationCase" -> f.poorRating().get();
      case "resubmitApplication" -> f.supplied().get();
      case "startReview" -> f.accepted().get();
      case "approveApplication", "denyApplication" -> f.inReview().get();
      case "completeApplication" -> f.approved().get();
      case "verifyRectificationCase" -> f.claimedCase().get();
      case "rectifyRectificationCase" -> f.verifiedCase().get();
      case "replyRectificationCase" -> f.rectifiedCase().get();
      case "followUpAfterReply" -> f.repliedCase().get();
      case "decideRectificationAppeal" -> f.appealedCase().get();
      case "unregisterDevice", "registerDevice" -> { }
      default -> f.submitted().get();
    }
    return f;
  }

  static <T> Supplier<T> memo(Supplier<T> make) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = make.get();
        }
        return value;
      }
    };
  }
}
