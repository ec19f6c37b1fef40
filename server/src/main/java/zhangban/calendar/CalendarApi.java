package zhangban.calendar;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import zhangban.identity.Principal;
import zhangban.http.ApiException;
import zhangban.http.Http;
import zhangban.identity.Role;

/** Handlers of the calendar operations; admins maintain years as data. */
public final class CalendarApi {
  private final CalendarStore store;

  public CalendarApi(CalendarStore store) {
    this.store = store;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("getCalendarYear").addHandler(Http.publicJson(rc -> {
      int year = Http.pathInt(rc, "year");
      return store.year(year).map(found -> found.orElseThrow(
          () -> ApiException.notFound("No working-day arrangement for " + year + " has been loaded.")));
    }));
    b.getRoute("putCalendarYear").addHandler(Http.json(200, rc -> {
      if (!Principal.of(rc).has(Role.ADMIN)) {
        throw ApiException.forbidden("Only administrators edit the calendar.");
      }
      int year = Http.pathInt(rc, "year");
      JsonObject in = Http.body(rc);
      List<LocalDate> holidays = dates(in.getJsonArray("holidays"));
      List<LocalDate> workdays = dates(in.getJsonArray("adjustedWorkdays"));
      JsonArray errors = new JsonArray();
      check(holidays, year, "/holidays", errors);
      check(workdays, year, "/adjustedWorkdays", errors);
      for (int i = 0; i < workdays.size(); i++) {
        DayOfWeek d = workdays.get(i).getDayOfWeek();
        if (d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY) {
          errors.add(ApiException.fieldError("/adjustedWorkdays/" + i, "An adjusted working day falls on a weekend."));
        }
        if (holidays.contains(workdays.get(i))) {
          errors.add(ApiException.fieldError("/adjustedWorkdays/" + i, "The day is also listed as a holiday."));
        }
      }
      if (!errors.isEmpty()) {
        throw ApiException.unprocessable("The arrangement is inconsistent.", errors);
      }
      return store.replaceYear(year, in.getString("source"), holidays, workdays)
          .compose(v -> store.year(year)).map(found -> found.orElseThrow());
    }));
    b.getRoute("computeDeadline").addHandler(Http.publicJson(rc -> {
      LocalDate start = LocalDate.parse(Http.query(rc, "start").orElseThrow());
      int days = Http.queryInt(rc, "workingDays").orElseThrow();
      return store.around(start).map(cal -> new JsonObject()
          .put("start", start.toString())
          .put("workingDays", days)
          .put("deadline", cal.addWorkingDays(start, days).toString()));
    }));
  }

  private static List<LocalDate> dates(JsonArray arr) {
    return arr.stream().map(v -> {
      try {
        return LocalDate.parse(String.valueOf(v));
      } catch (java.time.format.DateTimeParseException e) {
        throw ApiException.badRequest("Not a date: " + v);
      }
    }).toList();
  }

  private static void check(List<LocalDate> days, int year, String pointer, JsonArray errors) {
    for (int i = 0; i < days.size(); i++) {
      if (days.get(i).getYear() != year) {
        errors.add(ApiException.fieldError(pointer + "/" + i, "Not in " + year + "."));
      }
    }
  }
}
