package zhangban.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Set;

/**
 * Working days: Monday to Friday, less holidays, plus adjusted weekend working days (调休).
 * Holds only the exceptions; anything not listed follows the weekday rule.
 */
public final class WorkdayCalendar {
  private final Set<LocalDate> holidays;
  private final Set<LocalDate> adjustedWorkdays;

  public WorkdayCalendar(Set<LocalDate> holidays, Set<LocalDate> adjustedWorkdays) {
    this.holidays = Set.copyOf(holidays);
    this.adjustedWorkdays = Set.copyOf(adjustedWorkdays);
  }

  public boolean isWorkingDay(LocalDate day) {
    if (adjustedWorkdays.contains(day)) {
      return true;
    }
    if (holidays.contains(day)) {
      return false;
    }
    DayOfWeek dow = day.getDayOfWeek();
    return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY;
  }

  /**
   * The {@code n}th working day after {@code start} (the start day itself does not count, as in
   * "within n working days of acceptance"). With {@code n == 0}, the start day.
   */
  public LocalDate addWorkingDays(LocalDate start, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative");
    }
    LocalDate day = start;
    int left = n;
    while (left > 0) {
      day = day.plusDays(1);
      if (isWorkingDay(day)) {
        left--;
      }
    }
    return day;
  }

  /** Working days in {@code (from, to]}; zero when {@code to} is not after {@code from}. */
  public int workingDaysBetween(LocalDate from, LocalDate to) {
    int count = 0;
    for (LocalDate d = from.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
      if (isWorkingDay(d)) {
        count++;
      }
    }
    return count;
  }
}
