package zhangban.filing;

/** States of an application (办件). Terminal: completed, denied, rejected, withdrawn. */
public enum ApplicationState {
  DRAFT, SUBMITTED, SUPPLEMENT_REQUESTED, ACCEPTED, IN_REVIEW, APPROVED, COMPLETED, DENIED, REJECTED, WITHDRAWN;

  public String wire() {
    return name().toLowerCase();
  }

  public static ApplicationState fromWire(String s) {
    return valueOf(s.toUpperCase());
  }

  /** States in which the promised-time clock runs and a warning applies. */
  public boolean clockRuns() {
    return this == ACCEPTED || this == IN_REVIEW || this == APPROVED;
  }
}
