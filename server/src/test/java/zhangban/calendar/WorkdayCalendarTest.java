package zhangban.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Working days of 2026 under the State Council arrangement, read from the migration that loads
 * it, so that the test and the database cannot disagree.
 */
class WorkdayCalendarTest {
  static final String MIGRATION = "/db/migration/V4__calendar_2026.sql";
  static final Set<LocalDate> HOLIDAYS = new HashSet<>();
  static final Set<LocalDate> WORKDAYS = new HashSet<>();
  static WorkdayCalendar cal;

  @BeforeAll
  static void load() throws IOException {
    String sql;
    try (InputStream in = WorkdayCalendarTest.class.getResourceAsStream(MIGRATION)) {
      assertNotNull(in, MIGRATION + " on the classpath");
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = Pattern.compile("\\('(\\d{4}-\\d{2}-\\d{2})',\\s*'(holiday|workday)'").matcher(sql);
    while (m.find()) {
      (m.group(2).equals("holiday") ? HOLIDAYS : WORKDAYS).add(LocalDate.parse(m.group(1)));
    }
    cal = new WorkdayCalendar(HOLIDAYS, WORKDAYS);
  }

  static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  @Test
  void theMigrationHoldsThe2026Arrangement() {
    assertEquals(33, HOLIDAYS.size());
    assertEquals(Set.of(d("2026-01-04"), d("2026-02-14"), d("2026-02-28"), d("2026-05-09"), d("2026-09-20"),
        d("2026-10-10")), WORKDAYS);
    WORKDAYS.forEach(w -> assertTrue(w.getDayOfWeek() == DayOfWeek.SATURDAY || w.getDayOfWeek() == DayOfWeek.SUNDAY,
        w + " is an adjusted weekend day"));
  }

  @Test
  void fiveWorkingDaysFromTheFridayBeforeSpringFestivalEndOnThe27th() {
    // Fri 13 -> Sat 14 (adjusted, 1), 15..23 holidays, Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5)
    assertEquals(DayOfWeek.FRIDAY, d("2026-02-13").getDayOfWeek());
    assertEquals(d("2026-02-27"), cal.addWorkingDays(d("2026-02-13"), 5));
    assertEquals(d("2026-02-14"), cal.addWorkingDays(d("2026-02-13"), 1));
    assertEquals(d("2026-02-24"), cal.addWorkingDays(d("2026-02-13"), 2));
    for (LocalDate day = d("2026-02-15"); !day.isAfter(d("2026-02-23")); day = day.plusDays(1)) {
      assertFalse(cal.isWorkingDay(day), day + " is in the Spring Festival holiday");
    }
    // the adjusted Saturday after it counts too: Fri 27 + 1 = Sat 28
    assertEquals(d("2026-02-28"), cal.addWorkingDays(d("2026-02-27"), 1));
  }

  @Test
  void theAdjustedSundayAfterNewYearIsAWorkingDay() {
    assertEquals(DayOfWeek.SUNDAY, d("2026-01-04").getDayOfWeek());
    assertTrue(cal.isWorkingDay(d("2026-01-04")));
    assertFalse(cal.isWorkingDay(d("2026-01-01")));
    assertFalse(cal.isWorkingDay(d("2026-01-03")));
    // Wed 31 Dec 2025 + 1: 1..3 Jan are holidays, Sun 4 Jan is worked
    assertEquals(d("2026-01-04"), cal.addWorkingDays(d("2025-12-31"), 1));
    assertEquals(d("2026-01-05"), cal.addWorkingDays(d("2025-12-31"), 2));
    // an ordinary Sunday is not
    assertFalse(cal.isWorkingDay(d("2026-01-11")));
  }

  @Test
  void nationalDayWeekWithItsAdjustedWeekendDays() {
    for (LocalDate day = d("2026-10-01"); !day.isAfter(d("2026-10-07")); day = day.plusDays(1)) {
      assertFalse(cal.isWorkingDay(day), day + " is in the National Day holiday");
    }
    assertEquals(DayOfWeek.SUNDAY, d("2026-09-20").getDayOfWeek());
    assertTrue(cal.isWorkingDay(d("2026-09-20")));
    assertEquals(DayOfWeek.SATURDAY, d("2026-10-10").getDayOfWeek());
    assertTrue(cal.isWorkingDay(d("2026-10-10")));
    // Sat 19 + 1 = the adjusted Sunday 20
    assertEquals(d("2026-09-20"), cal.addWorkingDays(d("2026-09-19"), 1));
    // Wed 30 Sep + 1 = Thu 8 Oct; + 3 = the adjusted Saturday 10 Oct; + 4 = Mon 12 Oct
    assertEquals(d("2026-10-08"), cal.addWorkingDays(d("2026-09-30"), 1));
    assertEquals(d("2026-10-10"), cal.addWorkingDays(d("2026-09-30"), 3));
    assertEquals(d("2026-10-12"), cal.addWorkingDays(d("2026-09-30"), 4));
    // Mid-Autumn (25..27 Sep) comes the week before: Thu 24 Sep + 5 counts 28, 29, 30 Sep, 8 and 9 Oct
    assertEquals(d("2026-10-09"), cal.addWorkingDays(d("2026-09-24"), 5));
  }

  @Test
  void workingDaysBetweenCountsTheWorkingDaysAfterTheStartUpToTheEnd() {
    assertEquals(5, cal.workingDaysBetween(d("2026-02-13"), d("2026-02-27")));
    assertEquals(1, cal.workingDaysBetween(d("2026-02-13"), d("2026-02-23")));
    assertEquals(3, cal.workingDaysBetween(d("2026-09-30"), d("2026-10-10")));
    assertEquals(0, cal.workingDaysBetween(d("2026-10-01"), d("2026-10-07")));
    assertEquals(0, cal.workingDaysBetween(d("2026-03-02"), d("2026-03-02")));
    assertEquals(0, cal.workingDaysBetween(d("2026-03-06"), d("2026-03-02")), "an end before the start");
    // an ordinary week: Mon 2 Mar to Mon 9 Mar is five working days
    assertEquals(5, cal.workingDaysBetween(d("2026-03-02"), d("2026-03-09")));
  }

  @Test
  void addingAndCountingAgreeAcrossTheYear() {
    LocalDate start = d("2025-12-31");
    for (int n = 0; n <= 260; n += 13) {
      LocalDate end = cal.addWorkingDays(start, n);
      assertEquals(n, cal.workingDaysBetween(start, end), "n = " + n);
      assertTrue(n == 0 || cal.isWorkingDay(end), end + " ends on a working day");
    }
    // 2026: 365 days less 104 weekend days, less the holidays on weekdays, plus the 6 adjusted days
    int weekendHolidays = (int) HOLIDAYS.stream()
        .filter(h -> h.getDayOfWeek() == DayOfWeek.SATURDAY || h.getDayOfWeek() == DayOfWeek.SUNDAY).count();
    assertEquals(365 - 104 - (33 - weekendHolidays) + 6, cal.workingDaysBetween(d("2025-12-31"), d("2026-12-31")));
  }

  @Test
  void zeroWorkingDaysIsTheStartDayEvenOnAHoliday() {
    assertEquals(d("2026-02-13"), cal.addWorkingDays(d("2026-02-13"), 0));
    assertEquals(d("2026-10-01"), cal.addWorkingDays(d("2026-10-01"), 0));
  }

  @Test
  void aNegativeNumberOfWorkingDaysIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> cal.addWorkingDays(d("2026-02-13"), -1));
  }

  @Test
  void withoutExceptionsOnlyWeekendsAreOff() {
    WorkdayCalendar plain = new WorkdayCalendar(Set.of(), Set.of());
    assertTrue(plain.isWorkingDay(d("2026-10-01")));
    assertFalse(plain.isWorkingDay(d("2026-10-10")));
    assertEquals(d("2026-02-20"), plain.addWorkingDays(d("2026-02-13"), 5));
  }
}
