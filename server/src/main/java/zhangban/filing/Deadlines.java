package zhangban.filing;

import java.time.LocalDate;
import zhangban.calendar.WorkdayCalendar;

/**
 * Promised-time arithmetic (承诺时限) on working days: the last day, the first yellow day, the
 * acceptance rule of 一次性告知 and the pause while supplements are awaited.
 */
final class Deadlines {
  private final double warningRatio;
  private final int supplementNoticeDays;

  Deadlines(double warningRatio, int supplementNoticeDays) {
    this.warningRatio = warningRatio;
    this.supplementNoticeDays = supplementNoticeDays;
  }

  /** Starts the clock on {@code start}: the deadline and the first day of the yellow warning. */
  void start(ApplicationRow a, WorkdayCalendar cal, LocalDate start) {
    a.clockStart = start;
    a.deadline = cal.addWorkingDays(start, a.promisedDays);
    int yellowAfter = (int) Math.ceil(warningRatio * a.promisedDays - 1e-9);
    a.warningFrom = cal.addWorkingDays(start, yellowAfter);
  }

  /**
   * The day the application counts as accepted: the acceptance day, or the day of receipt when the
   * office let the supplement notice period pass without asking for anything.
   */
  LocalDate acceptedOn(WorkdayCalendar cal, LocalDate received, LocalDate today) {
    return noticePeriodMissed(cal, received, today) ? received : today;
  }

  boolean noticePeriodMissed(WorkdayCalendar cal, LocalDate received, LocalDate today) {
    return today.isAfter(cal.addWorkingDays(received, supplementNoticeDays));
  }

  /** Moves the deadline and warning day on by the working days spent waiting for supplements. */
  void resume(ApplicationRow a, WorkdayCalendar cal, LocalDate pausedOn, LocalDate today) {
    int paused = cal.workingDaysBetween(pausedOn, today);
    if (a.deadline != null && paused > 0) {
      a.deadline = cal.addWorkingDays(a.deadline, paused);
      a.warningFrom = cal.addWorkingDays(a.warningFrom, paused);
    }
  }
}
