package zhangban.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;

/** The working-day calendar as data: read by anyone, kept by administrators, used for every deadline. */
class CalendarApiTest {
  static TestServer server;
  static Api api;
  static String admin;

  static final List<String> ADJUSTED_2026 =
      List.of("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10");

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    admin = server.token("admin-zhou");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String deadline(String start, int workingDays) {
    JsonObject r = api.get("/calendar/deadline?start=" + start + "&workingDays=" + workingDays).send().expect(200).json();
    assertEquals(start, r.getString("start"));
    assertEquals(workingDays, r.getInteger("workingDays"));
    return r.getString("deadline");
  }

  static JsonObject arrangement(List<String> holidays, List<String> adjusted) {
    return new JsonObject().put("source", "测试安排").put("holidays", new JsonArray(holidays))
        .put("adjustedWorkdays", new JsonArray(adjusted));
  }

  @Test
  void the2026ArrangementIsPublished() {
    JsonObject year = api.get("/calendar/2026").send().expect(200).json();
    assertEquals(2026, year.getInteger("year"));
    JsonArray holidays = year.getJsonArray("holidays");
    assertEquals(33, holidays.size());
    assertEquals("2026-01-01", holidays.getString(0));
    assertEquals("2026-10-07", holidays.getString(32));
    assertTrue(holidays.getList().containsAll(List.of("2026-02-15", "2026-02-23", "2026-04-06", "2026-05-05",
        "2026-06-19", "2026-09-25", "2026-10-01")), holidays.encode());
    assertEquals(ADJUSTED_2026, year.getJsonArray("adjustedWorkdays").getList());
    assertTrue(year.getString("source").contains("State Council"), year.getString("source"));
  }

  @Test
  void aYearNotYetLoadedIsNotFoundUntilAnAdministratorSetsIt() {
    api.get("/calendar/2027").send().expect(404);
    assertEquals("2027-01-01", deadline("2026-12-31", 1), "without an arrangement, 1 Jan 2027 is a Friday like any");

    Map<String, Long> before = server.snapshot();
    JsonObject stored = api.put("/calendar/2027").token(admin)
        .json(arrangement(List.of("2027-01-01"), List.of("2027-01-09"))).expect(200).json();
    assertEquals(2027, stored.getInteger("year"));
    assertEquals(List.of("2027-01-01"), stored.getJsonArray("holidays").getList());
    assertEquals(List.of("2027-01-09"), stored.getJsonArray("adjustedWorkdays").getList());
    assertEquals("测试安排", stored.getString("source"));
    Map<String, Long> after = server.snapshot();
    assertEquals(before.get("calendar_year") + 1, after.get("calendar_year"));
    assertEquals(before.get("calendar_day") + 2, after.get("calendar_day"));

    assertEquals(stored, api.get("/calendar/2027").send().expect(200).json());
    assertEquals("2027-01-04", deadline("2026-12-31", 1));
    assertEquals("2027-01-09", deadline("2027-01-08", 1), "the adjusted Saturday");
    // the year before is untouched
    assertEquals(33, api.get("/calendar/2026").send().expect(200).json().getJsonArray("holidays").size());
  }

  @Test
  void onlyAnAdministratorEditsTheCalendar() {
    Map<String, Long> before = server.snapshot();
    JsonObject in = arrangement(List.of("2028-01-03"), List.of());
    api.put("/calendar/2028").token(server.token("officer-minzheng")).json(in).expect(403);
    api.put("/calendar/2028").token(server.token("citizen-zhang")).json(in).expect(403);
    api.put("/calendar/2028").json(in).expect(401);
    assertEquals(before, server.snapshot());
    api.get("/calendar/2028").send().expect(404);
  }

  @Test
  void aDateOutsideTheYearIsUnprocessable() {
    Map<String, Long> before = server.snapshot();
    Api.Response r = api.put("/calendar/2029").token(admin)
        .json(arrangement(List.of("2029-01-01", "2030-01-01"), List.of("2028-12-30"))).expect(422);
    assertEquals(List.of("/holidays/1", "/adjustedWorkdays/0"), r.pointers());
    assertEquals(before, server.snapshot());
    api.get("/calendar/2029").send().expect(404);
  }

  @Test
  void anAdjustedWorkdayMustFallOnAWeekendAndNotBeAHoliday() {
    Map<String, Long> before = server.snapshot();
    // Wednesday 2 May 2029
    Api.Response r = api.put("/calendar/2029").token(admin)
        .json(arrangement(List.of(), List.of("2029-05-05", "2029-05-02"))).expect(422);
    assertEquals(List.of("/adjustedWorkdays/1"), r.pointers());
    // Saturday 5 May 2029 as both
    r = api.put("/calendar/2029").token(admin)
        .json(arrangement(List.of("2029-05-05"), List.of("2029-05-05"))).expect(422);
    assertEquals(List.of("/adjustedWorkdays/0"), r.pointers());
    // and editing an existing year the same way changes nothing either
    api.put("/calendar/2026").token(admin).json(arrangement(List.of("2026-10-01"), List.of("2026-10-09"))).expect(422);
    assertEquals(before, server.snapshot());
    assertEquals(33, api.get("/calendar/2026").send().expect(200).json().getJsonArray("holidays").size());
  }

  @Test
  void aMalformedArrangementIsABadRequest() {
    Map<String, Long> before = server.snapshot();
    Api.Response r = api.put("/calendar/2029").token(admin)
        .json(arrangement(List.of("2029-02-30"), List.of())).expect(400);
    assertEquals(List.of("/holidays/0"), r.pointers(), r.body().toString());
    r = api.put("/calendar/2029").token(admin)
        .json(arrangement(List.of("2029-01-01", "2029-01-01"), List.of())).expect(400);
    assertEquals(List.of("/holidays"), r.pointers());
    r = api.put("/calendar/2029").token(admin).json(new JsonObject().put("holidays", new JsonArray())).expect(400);
    assertEquals(List.of("/adjustedWorkdays"), r.pointers());
    assertEquals(before, server.snapshot());
  }

  @Test
  void theDeadlineCountsWorkingDaysOfTheArrangement() {
    assertEquals("2026-02-27", deadline("2026-02-13", 5));
    assertEquals("2026-02-13", deadline("2026-02-13", 0));
    assertEquals("2026-10-08", deadline("2026-09-30", 1));
    assertEquals("2026-10-10", deadline("2026-09-30", 3));
    assertEquals("2026-01-04", deadline("2025-12-31", 1));
    assertEquals(List.of("/query/workingDays"),
        api.get("/calendar/deadline?start=2026-02-13&workingDays=-1").send().expect(400).pointers());
    assertEquals(List.of("/query/workingDays"),
        api.get("/calendar/deadline?start=2026-02-13&workingDays=366").send().expect(400).pointers());
    assertEquals(List.of("/query/start"),
        api.get("/calendar/deadline?start=2026-13-01&workingDays=5").send().expect(400).pointers());
    assertEquals(List.of("/query/start"),
        api.get("/calendar/deadline?workingDays=5").send().expect(400).pointers());
  }

  @Test
  void anEditedArrangementMovesTheDeadlinesOfApplicationsAcceptedAfterIt() {
    JsonObject original = api.get("/calendar/2026").send().expect(200).json();
    // Wed 25 Nov + 5 working days: 26, 27, 30 Nov, 1, 2 Dec
    assertEquals("2026-12-02", deadline("2026-11-25", 5));

    JsonArray holidays = original.getJsonArray("holidays").copy().add("2026-11-26");
    JsonObject edited = api.put("/calendar/2026").token(admin).json(new JsonObject()
        .put("source", original.getString("source") + "; 2026-11-26 added")
        .put("holidays", holidays).put("adjustedWorkdays", original.getJsonArray("adjustedWorkdays"))).expect(200).json();
    try {
      assertEquals(34, edited.getJsonArray("holidays").size());
      assertTrue(edited.getJsonArray("holidays").contains("2026-11-26"));
      assertEquals(ADJUSTED_2026, edited.getJsonArray("adjustedWorkdays").getList());
      assertEquals(edited, api.get("/calendar/2026").send().expect(200).json());

      // with 26 Nov off: 27, 30 Nov, 1, 2, 3 Dec
      assertEquals("2026-12-03", deadline("2026-11-25", 5));

      // an application submitted and accepted today (Wed 25 Nov) gets the new deadline
      String citizen = server.token("citizen-zhang");
      String officer = server.token("officer-minzheng");
      String id = api.post("/applications").token(citizen).idempotencyKey("cal-" + UUID.randomUUID())
          .json(new JsonObject().put("itemCode", "MZ-HY-001").put("form", new JsonObject()
              .put("partnerName", "李娜").put("appointmentDate", "2026-12-10").put("venue", "nanshan")))
          .expect(201).json().getString("id");
      for (String material : List.of("id_card", "household_register")) {
        api.put("/applications/" + id + "/materials/" + material).token(citizen)
            .multipart(MultipartForm.create().binaryFileUpload("file", material + ".pdf",
                Buffer.buffer("%PDF-1.4\n% " + material + "\n"), "application/pdf"))
            .expect(200);
      }
      api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("cal-submit-" + id).send().expect(200);
      JsonObject accepted = api.post("/applications/" + id + "/accept").token(officer).send().expect(200).json();
      assertEquals("accepted", accepted.getString("state"));
      assertEquals("2026-12-03", accepted.getString("deadline"));
    } finally {
      // put 2026 back as the migration has it, for the other tests of this class
      api.put("/calendar/2026").token(admin).json(new JsonObject().put("source", original.getString("source"))
          .put("holidays", original.getJsonArray("holidays"))
          .put("adjustedWorkdays", original.getJsonArray("adjustedWorkdays"))).expect(200);
    }
    assertEquals("2026-12-02", deadline("2026-11-25", 5));
  }
}
