package zhangban.filing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;

/**
 * Promised time (承诺时限) on working days, the green/yellow/red warning as the clock moves, the
 * late-supplement rule (一次性告知 after the notice period) and overdue supervision (电子监察).
 */
class DeadlineWarningTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final Buffer PDF = Buffer.buffer("%PDF-1.4\n% deadline test\n");

  static TestServer server;
  static Desk desk;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    desk = new Desk(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** 10:00 in Asia/Shanghai on {@code day}. */
  static Instant morning(String day) {
    return LocalDate.parse(day).atTime(LocalTime.of(10, 0)).atZone(SHANGHAI).toInstant();
  }

  /**
   * One server seen from the counter: sets its clock and mints tokens valid at that moment (tokens
   * are checked against the same clock, so a token minted on another day would be refused).
   */
  static final class Desk {
    final TestServer server;
    final Api api;
    String citizen;
    String officerMz;
    String officerScjg;
    String manager;

    Desk(TestServer server) {
      this.server = server;
      this.api = server.api;
      at(TestServer.DEFAULT_START);
    }

    Desk on(String day) {
      return at(morning(day));
    }

    Desk at(Instant instant) {
      server.clock.set(instant);
      citizen = server.token("citizen-zhang");
      officerMz = server.token("officer-minzheng");
      officerScjg = server.token("officer-scjg");
      manager = server.token("manager-sun");
      return this;
    }

    String submitted(String itemCode, JsonObject form, List<String> materials) {
      String id = api.post("/applications").token(citizen).idempotencyKey("create-" + UUID.randomUUID())
          .json(new JsonObject().put("itemCode", itemCode).put("form", form)).expect(201).json().getString("id");
      materials.forEach(m -> upload(id, m));
      JsonObject s = api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("submit-" + id)
          .send().expect(200).json();
      assertEquals("submitted", s.getString("state"));
      return id;
    }

    /** 结婚登记预约 (MZJ, 5 promised working days). */
    String marriage() {
      return submitted("MZ-HY-001", new JsonObject().put("partnerName", "李娜").put("appointmentDate", "2026-12-20")
          .put("venue", "futian"), List.of("id_card", "household_register"));
    }

    /** 个体工商户设立登记 (SCJGJ, 1 promised working day). */
    String soleTrader() {
      return submitted("SCJG-0001", new JsonObject().put("tradeName", "张记小吃").put("businessScope", "小吃服务")
              .put("capital", 5).put("organizationForm", "individual"),
          List.of("id_card", "premises_proof", "application_form"));
    }

    /** 营业执照遗失补领 (SCJGJ, 3 promised working days). */
    String lostLicence() {
      return submitted("SCJG-0003", new JsonObject().put("licenceType", "original").put("lossDate", "2026-11-01"),
          List.of("legal_rep_id", "loss_statement"));
    }

    void upload(String id, String material) {
      api.put("/applications/" + id + "/materials/" + material).token(citizen)
          .multipart(MultipartForm.create().binaryFileUpload("file", "doc.pdf", PDF, "application/pdf"))
          .expect(200);
    }

    JsonObject act(String officer, String id, String action) {
      return api.post("/applications/" + id + "/" + action).token(officer).send().expect(200).json();
    }

    JsonObject accept(String officer, String id) {
      JsonObject a = act(officer, id, "accept");
      assertEquals("accepted", a.getString("state"));
      return a;
    }

    JsonObject requestSupplement(String id, String material) {
      return api.post("/applications/" + id + "/request-supplement").token(officerMz)
          .json(new JsonObject().put("items", new JsonArray()
              .add(new JsonObject().put("materialCode", material).put("reason", "照片不清晰"))))
          .expect(200).json();
    }

    JsonObject resubmit(String id) {
      return api.post("/applications/" + id + "/resubmit").token(citizen).send().expect(200).json();
    }

    JsonObject get(String id) {
      return api.get("/applications/" + id).token(citizen).send().expect(200).json();
    }

    String warning(String id) {
      return get(id).getString("warning");
    }

    /** Every item of a list, following the cursor. */
    List<JsonObject> list(String token, String query) {
      List<JsonObject> out = new ArrayList<>();
      String cursor = null;
      do {
        String q = "/applications?limit=100" + (query.isEmpty() ? "" : "&" + query)
            + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
        JsonObject page = api.get(q).token(token).send().expect(200).json();
        page.getJsonArray("items").forEach(i -> out.add((JsonObject) i));
        cursor = page.getString("nextCursor");
      } while (cursor != null);
      return out;
    }

    Set<String> ids(String token, String query) {
      return list(token, query).stream().map(a -> a.getString("id")).collect(Collectors.toCollection(LinkedHashSet::new));
    }
  }

  static List<String> actions(JsonArray timeline) {
    return timeline.stream().map(e -> ((JsonObject) e).getString("action")).toList();
  }

  JsonArray timeline(String id) {
    return desk.api.get("/applications/" + id + "/timeline").token(desk.citizen).send().expect(200).items();
  }

  // ---- deadline and warning ------------------------------------------------------------------

  @Test
  void acceptanceOnAWednesdaySetsTheDeadlineFiveWorkingDaysLater() {
    desk.at(TestServer.DEFAULT_START);
    String id = desk.marriage();
    JsonObject submitted = desk.get(id);
    assertNull(submitted.getString("deadline"));
    assertNull(submitted.getString("warningFrom"));
    assertEquals("none", submitted.getString("warning"));

    JsonObject accepted = desk.accept(desk.officerMz, id);
    // Thu 26, Fri 27, (weekend), Mon 30, Tue 1, Wed 2
    assertEquals("2026-12-02", accepted.getString("deadline"));
    // ceil(0.8 × 5) = 4 working days after acceptance
    assertEquals("2026-12-01", accepted.getString("warningFrom"));
    assertEquals("green", accepted.getString("warning"));
    assertEquals(TestServer.DEFAULT_START.toString(), accepted.getString("acceptedAt"));
    JsonObject acceptEvent = timeline(id).getJsonObject(2);
    assertEquals("accept", acceptEvent.getString("action"));
    assertEquals("2026-12-02", acceptEvent.getJsonObject("details").getString("deadline"));
  }

  @Test
  void warningTurnsYellowThenRedAsTheClockMoves() {
    desk.at(TestServer.DEFAULT_START);
    String id = desk.marriage();
    desk.accept(desk.officerMz, id);

    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("2026-11-26", "green");
    expected.put("2026-11-28", "green"); // Saturday
    expected.put("2026-11-30", "green");
    expected.put("2026-12-01", "yellow");
    expected.put("2026-12-02", "yellow");
    expected.put("2026-12-03", "red");
    expected.put("2026-12-10", "red");
    expected.forEach((day, warning) -> {
      desk.on(day);
      JsonObject a = desk.get(id);
      assertEquals(warning, a.getString("warning"), "warning on " + day);
      assertEquals("2026-12-02", a.getString("deadline"), "the deadline does not move with the clock");
    });

    // the day changes at midnight in Shanghai, not in UTC
    desk.at(Instant.parse("2026-11-30T15:59:00Z")); // 23:59 on Mon 11-30 in Shanghai
    assertEquals("green", desk.warning(id));
    desk.at(Instant.parse("2026-11-30T16:01:00Z")); // 00:01 on Tue 12-01 in Shanghai, still 11-30 in UTC
    assertEquals("yellow", desk.warning(id));
    desk.at(Instant.parse("2026-12-02T15:59:00Z")); // 23:59 on the deadline
    assertEquals("yellow", desk.warning(id));
    desk.at(Instant.parse("2026-12-02T16:01:00Z")); // 00:01 the day after
    assertEquals("red", desk.warning(id));
  }

  @Test
  void warningFollowsTheStateIntoReviewAndApprovalAndStopsAtCompletion() {
    desk.at(TestServer.DEFAULT_START);
    String id = desk.marriage();
    desk.accept(desk.officerMz, id);
    desk.on("2026-12-03");
    assertEquals("red", desk.act(desk.officerMz, id, "start-review").getString("warning"));
    assertEquals("red", desk.act(desk.officerMz, id, "approve").getString("warning"));
    JsonObject done = desk.api.post("/applications/" + id + "/complete").token(desk.officerMz)
        .json(new JsonObject().put("result", new JsonObject().put("kind", "notice").put("summary", "准予登记")))
        .expect(200).json();
    assertEquals("completed", done.getString("state"));
    assertEquals("none", done.getString("warning"));
    assertEquals("2026-12-02", done.getString("deadline"));
  }

  @Test
  void acceptanceJustAfterMidnightInShanghaiCountsFromTheShanghaiDay() {
    desk.at(TestServer.DEFAULT_START);
    String id = desk.marriage();
    desk.at(Instant.parse("2026-11-25T16:30:00Z")); // Thu 11-26 00:30 in Shanghai
    JsonObject accepted = desk.accept(desk.officerMz, id);
    // Fri 27, Mon 30, Tue 1, Wed 2, Thu 3
    assertEquals("2026-12-03", accepted.getString("deadline"));
    assertEquals("2026-12-02", accepted.getString("warningFrom"));
  }

  @Test
  void officerQueueFiltersByWarningExactly() {
    desk.on("2026-11-25");
    String red = desk.marriage();
    desk.accept(desk.officerMz, red); // deadline 12-02
    desk.on("2026-11-26");
    String yellow = desk.marriage();
    desk.accept(desk.officerMz, yellow); // deadline 12-03, yellow from 12-02
    String otherDepartmentRed = desk.soleTrader();
    desk.accept(desk.officerScjg, otherDepartmentRed); // deadline 11-27
    desk.on("2026-11-27");
    String firstYellowDay = desk.marriage();
    desk.accept(desk.officerMz, firstYellowDay); // deadline 12-04, yellow from 12-03
    desk.on("2026-12-01");
    String green = desk.marriage();
    desk.accept(desk.officerMz, green); // deadline 12-08, yellow from 12-07
    String submitted = desk.marriage();

    desk.on("2026-12-03");
    List<JsonObject> all = desk.list(desk.officerMz, "");
    assertTrue(all.stream().allMatch(a -> a.getString("department").equals("MZJ")), "an officer sees only MZJ");
    Map<String, String> warnings = all.stream().collect(Collectors.toMap(a -> a.getString("id"), a -> a.getString("warning")));
    assertEquals("red", warnings.get(red));
    assertEquals("yellow", warnings.get(yellow));
    assertEquals("yellow", warnings.get(firstYellowDay));
    assertEquals("green", warnings.get(green));
    assertEquals("none", warnings.get(submitted));
    assertFalse(warnings.containsKey(otherDepartmentRed));

    for (String w : List.of("red", "yellow", "green", "none")) {
      List<JsonObject> filtered = desk.list(desk.officerMz, "warning=" + w);
      Set<String> expected = all.stream().filter(a -> a.getString("warning").equals(w)).map(a -> a.getString("id"))
          .collect(Collectors.toSet());
      assertEquals(expected, filtered.stream().map(a -> a.getString("id")).collect(Collectors.toSet()), "warning=" + w);
      assertTrue(filtered.stream().allMatch(a -> a.getString("warning").equals(w)), "warning=" + w);
    }
    assertTrue(desk.ids(desk.officerMz, "warning=red").contains(red));
    assertTrue(desk.ids(desk.officerMz, "warning=yellow").containsAll(List.of(yellow, firstYellowDay)));
    assertTrue(desk.ids(desk.officerMz, "warning=green").contains(green));
    assertTrue(desk.ids(desk.officerMz, "warning=none").contains(submitted));
    assertEquals(Set.of(otherDepartmentRed), desk.ids(desk.officerScjg, "warning=red"));
  }

  @Test
  void officerQueueFiltersByState() {
    desk.on("2026-11-25");
    String accepted = desk.marriage();
    desk.accept(desk.officerMz, accepted);
    String inReview = desk.marriage();
    desk.accept(desk.officerMz, inReview);
    desk.act(desk.officerMz, inReview, "start-review");
    String submitted = desk.marriage();
    String rejected = desk.marriage();
    desk.api.post("/applications/" + rejected + "/reject").token(desk.officerMz)
        .json(new JsonObject().put("reason", "不属于本部门职权范围")).expect(200);

    List<JsonObject> all = desk.list(desk.officerMz, "");
    for (String state : List.of("submitted", "accepted", "in_review", "rejected", "draft")) {
      Set<String> expected = all.stream().filter(a -> a.getString("state").equals(state)).map(a -> a.getString("id"))
          .collect(Collectors.toSet());
      Set<String> filtered = desk.ids(desk.officerMz, "state=" + state);
      assertEquals(expected, filtered, "state=" + state);
    }
    assertTrue(desk.ids(desk.officerMz, "state=accepted").contains(accepted));
    assertFalse(desk.ids(desk.officerMz, "state=accepted").contains(inReview));
    assertTrue(desk.ids(desk.officerMz, "state=in_review").contains(inReview));
    assertTrue(desk.ids(desk.officerMz, "state=submitted").contains(submitted));
    assertTrue(desk.ids(desk.officerMz, "state=rejected").contains(rejected));
    assertEquals(Set.of(), desk.ids(desk.officerMz, "state=draft"), "an officer never sees drafts");

    // both filters together
    desk.on("2026-12-03");
    Set<String> acceptedRed = desk.ids(desk.officerMz, "state=accepted&warning=red");
    assertTrue(acceptedRed.contains(accepted));
    assertFalse(acceptedRed.contains(inReview));
    assertTrue(desk.list(desk.officerMz, "state=accepted&warning=red").stream()
        .allMatch(a -> a.getString("state").equals("accepted") && a.getString("warning").equals("red")));
  }

  @Test
  void fiveWorkingDaysAcrossTheSpringFestivalSkipTheHolidayAndCountTheAdjustedSaturday() {
    desk.on("2026-02-13"); // Friday before the Spring Festival
    String id = desk.marriage();
    JsonObject accepted = desk.accept(desk.officerMz, id);
    // Sat 02-14 (adjusted working day), 02-15..02-23 holiday, Tue 24, Wed 25, Thu 26, Fri 27
    assertEquals("2026-02-27", accepted.getString("deadline"));
    assertEquals("2026-02-26", accepted.getString("warningFrom"));
    assertTrue(accepted.getString("number").startsWith("ZB20260213"), accepted.getString("number"));

    desk.on("2026-02-20");
    assertEquals("green", desk.warning(id));
    desk.on("2026-02-25");
    assertEquals("green", desk.warning(id));
    desk.on("2026-02-26");
    assertEquals("yellow", desk.warning(id));
    desk.on("2026-02-27");
    assertEquals("yellow", desk.warning(id));
    desk.on("2026-02-28");
    assertEquals("red", desk.warning(id));
  }

  // ---- supplements (补正) and the notice period ------------------------------------------------

  @Test
  void aLateSupplementRequestCountsTheApplicationAcceptedOnReceiptAndPausesTheClock() {
    desk.on("2026-11-02"); // Monday
    String id = desk.marriage();

    desk.on("2026-11-16"); // 10 working days after receipt: the 5-day notice period has passed
    JsonObject asked = desk.requestSupplement(id, "id_card");
    assertEquals("supplement_requested", asked.getString("state"));
    // counted from Mon 11-02: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9
    assertEquals("2026-11-09", asked.getString("deadline"));
    assertEquals("2026-11-06", asked.getString("warningFrom"));
    assertEquals("none", asked.getString("warning"), "no warning while the clock is paused");
    JsonObject askEvent = timeline(id).getJsonObject(2);
    assertEquals("request_supplement", askEvent.getString("action"));
    assertEquals("2026-11-02", askEvent.getJsonObject("details").getString("deemedAcceptedOn"));

    desk.on("2026-11-18");
    assertEquals("2026-11-09", desk.get(id).getString("deadline"), "the deadline stands still while paused");

    desk.on("2026-11-19"); // Thu: 3 working days after the request (17, 18, 19)
    desk.upload(id, "id_card");
    JsonObject resubmitted = desk.resubmit(id);
    assertEquals("submitted", resubmitted.getString("state"));
    assertEquals("2026-11-12", resubmitted.getString("deadline"));
    assertEquals("2026-11-11", resubmitted.getString("warningFrom"));
    JsonObject resubmitEvent = timeline(id).getJsonObject(3);
    assertEquals("resubmit", resubmitEvent.getString("action"));
    assertEquals("2026-11-12", resubmitEvent.getJsonObject("details").getString("deadline"));

    // acceptance keeps the deadline that has been running since receipt
    JsonObject accepted = desk.accept(desk.officerMz, id);
    assertEquals("2026-11-12", accepted.getString("deadline"));
    assertEquals("2026-11-11", accepted.getString("warningFrom"));
    assertEquals("red", accepted.getString("warning"));
    assertEquals(List.of("create", "submit", "request_supplement", "resubmit", "accept"), actions(timeline(id)));
  }

  @Test
  void aSupplementRequestWithinTheNoticePeriodStartsNoClockUntilAcceptance() {
    desk.on("2026-11-02"); // Monday
    String id = desk.marriage();

    desk.on("2026-11-09"); // the 5th working day after receipt: still within the notice period
    JsonObject asked = desk.requestSupplement(id, "household_register");
    assertEquals("supplement_requested", asked.getString("state"));
    assertNull(asked.getString("deadline"));
    assertNull(asked.getString("warningFrom"));
    assertEquals("none", asked.getString("warning"));
    assertFalse(timeline(id).getJsonObject(2).getJsonObject("details").containsKey("deemedAcceptedOn"));

    desk.on("2026-11-11");
    desk.upload(id, "household_register");
    JsonObject resubmitted = desk.resubmit(id);
    assertNull(resubmitted.getString("deadline"));
    assertNull(resubmitted.getString("warningFrom"));

    desk.on("2026-11-12"); // Thu
    JsonObject accepted = desk.accept(desk.officerMz, id);
    // Fri 13, Mon 16, Tue 17, Wed 18, Thu 19
    assertEquals("2026-11-19", accepted.getString("deadline"));
    assertEquals("2026-11-18", accepted.getString("warningFrom"));
    assertEquals("green", accepted.getString("warning"));
  }

  @Test
  void anAcceptanceAfterTheNoticePeriodCountsFromReceipt() {
    desk.on("2026-11-02"); // Monday
    String id = desk.marriage();
    desk.on("2026-11-10"); // 6th working day after receipt
    JsonObject accepted = desk.accept(desk.officerMz, id);
    assertEquals("2026-11-09", accepted.getString("deadline"));
    assertEquals("2026-11-06", accepted.getString("warningFrom"));
    assertEquals("red", accepted.getString("warning"));
  }

  // ---- configuration -------------------------------------------------------------------------

  @Test
  void aWarningRatioOfOneHalfMakesTheWarningEarlier() {
    try (TestServer half = TestServer.start(Map.of("WARNING_RATIO", "0.5"))) {
      Desk d = new Desk(half);
      String id = d.marriage();
      JsonObject accepted = d.accept(d.officerMz, id);
      assertEquals("2026-12-02", accepted.getString("deadline"));
      // ceil(0.5 × 5) = 3 working days after Wed 11-25: Thu 26, Fri 27, Mon 30
      assertEquals("2026-11-30", accepted.getString("warningFrom"));
      d.on("2026-11-27");
      assertEquals("green", d.warning(id));
      d.on("2026-11-30");
      assertEquals("yellow", d.warning(id));
      assertEquals(Set.of(id), d.ids(d.officerMz, "warning=yellow"));
    }
  }

  // ---- overdue supervision (电子监察) ----------------------------------------------------------

  @Test
  void overdueSupervisionCountsPerDepartmentAndListsExactlyTheRedApplications() {
    try (TestServer own = TestServer.start()) {
      Desk d = new Desk(own);
      d.on("2026-11-25");
      String mzApproved = d.marriage(); // deadline 12-02 → red on 12-03
      d.accept(d.officerMz, mzApproved);
      d.act(d.officerMz, mzApproved, "start-review");
      d.act(d.officerMz, mzApproved, "approve");
      String mzInReview = d.marriage(); // deadline 12-02 → red
      d.accept(d.officerMz, mzInReview);
      d.act(d.officerMz, mzInReview, "start-review");
      String mzCompleted = d.marriage(); // overdue but done: not counted
      d.accept(d.officerMz, mzCompleted);
      d.act(d.officerMz, mzCompleted, "start-review");
      d.act(d.officerMz, mzCompleted, "approve");
      d.api.post("/applications/" + mzCompleted + "/complete").token(d.officerMz)
          .json(new JsonObject().put("result", new JsonObject().put("kind", "notice").put("summary", "准予登记")))
          .expect(200);
      String mzRejected = d.marriage();
      d.api.post("/applications/" + mzRejected + "/reject").token(d.officerMz)
          .json(new JsonObject().put("reason", "材料不符")).expect(200);
      d.marriage(); // submitted only: no clock
      String scRed = d.soleTrader(); // 1 working day: deadline 11-26 → red
      d.accept(d.officerScjg, scRed);

      d.on("2026-11-26");
      String mzYellow = d.marriage(); // deadline 12-03, yellow from 12-02
      d.accept(d.officerMz, mzYellow);

      d.on("2026-11-30");
      String mzGreen = d.marriage(); // deadline 12-07, yellow from 12-04
      d.accept(d.officerMz, mzGreen);
      String scYellow = d.lostLicence(); // 3 working days: deadline 12-03, yellow from ceil(2.4) = 3 → 12-03
      d.accept(d.officerScjg, scYellow);
      String scWithdrawn = d.lostLicence();
      d.accept(d.officerScjg, scWithdrawn);
      d.api.post("/applications/" + scWithdrawn + "/withdraw").token(d.citizen).send().expect(200);

      d.on("2026-12-03");
      String scGreen = d.soleTrader(); // deadline 12-04, yellow from 12-04
      d.accept(d.officerScjg, scGreen);

      JsonObject report = d.api.get("/supervision/overdue").token(d.manager).send().expect(200).json();
      assertEquals("2026-12-03", report.getString("asOf"));
      JsonArray departments = report.getJsonArray("departments");
      List<String> rows = departments.stream().map(o -> (JsonObject) o)
          .map(r -> r.getString("department") + " " + r.getLong("open") + "/" + r.getLong("yellow") + "/" + r.getLong("red"))
          .toList();
      assertEquals(List.of(
          "MZJ 4/1/2",
          "SCJGJ 3/1/1",
          "GAJ 0/0/0", "JTJ 0/0/0", "RSJ 0/0/0", "WJW 0/0/0", "YBJ 0/0/0", "ZJJ 0/0/0"), rows);
      assertEquals("市民政局", departments.getJsonObject(0).getString("departmentName"));

      List<JsonObject> red = report.getJsonArray("red").stream().map(o -> (JsonObject) o).toList();
      assertEquals(3, red.size());
      assertEquals(scRed, red.get(0).getString("id"), "the most overdue first");
      assertEquals(Set.of(scRed, mzApproved, mzInReview), red.stream().map(a -> a.getString("id")).collect(Collectors.toSet()));
      assertTrue(red.stream().allMatch(a -> a.getString("warning").equals("red")));
      assertEquals(List.of("2026-11-26", "2026-12-02", "2026-12-02"), red.stream().map(a -> a.getString("deadline")).toList());

      // the counts agree with what the manager's list says about each application
      Map<String, String> warnings = d.list(d.manager, "").stream()
          .collect(Collectors.toMap(a -> a.getString("id"), a -> a.getString("warning")));
      assertEquals("yellow", warnings.get(mzYellow));
      assertEquals("green", warnings.get(mzGreen));
      assertEquals("yellow", warnings.get(scYellow));
      assertEquals("green", warnings.get(scGreen));
      assertEquals("none", warnings.get(mzCompleted));
      assertEquals("none", warnings.get(scWithdrawn));

      JsonObject scjg = d.api.get("/supervision/overdue?department=SCJGJ").token(d.manager).send().expect(200).json();
      assertEquals(1, scjg.getJsonArray("departments").size());
      JsonObject row = scjg.getJsonArray("departments").getJsonObject(0);
      assertEquals("SCJGJ", row.getString("department"));
      assertEquals(3L, row.getLong("open"));
      assertEquals(1L, row.getLong("yellow"));
      assertEquals(1L, row.getLong("red"));
      assertEquals(List.of(scRed), scjg.getJsonArray("red").stream().map(o -> ((JsonObject) o).getString("id")).toList());

      JsonObject gaj = d.api.get("/supervision/overdue?department=GAJ").token(d.manager).send().expect(200).json();
      assertEquals(1, gaj.getJsonArray("departments").size());
      assertEquals(0L, gaj.getJsonArray("departments").getJsonObject(0).getLong("open"));
      assertEquals(0, gaj.getJsonArray("red").size());

      // a day later the yellow ones are red
      d.on("2026-12-04");
      JsonObject later = d.api.get("/supervision/overdue").token(d.manager).send().expect(200).json();
      assertEquals(Set.of(scRed, mzApproved, mzInReview, mzYellow, scYellow), later.getJsonArray("red").stream()
          .map(o -> ((JsonObject) o).getString("id")).collect(Collectors.toSet()));

      // supervision is for managers
      d.api.get("/supervision/overdue").token(d.officerMz).send().expect(403);
      d.api.get("/supervision/overdue").token(d.citizen).send().expect(403);
    }
  }
}
