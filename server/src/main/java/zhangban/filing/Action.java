package zhangban.filing;

import static zhangban.filing.ApplicationState.*;

import java.util.EnumSet;
import java.util.Set;

/**
 * The state machine as a table: who may take each action, from which states, to which state.
 * Everything else about an action (deadlines, checks) lives in {@link FilingService} and {@link Deadlines}.
 */
public enum Action {
  SUBMIT(Party.APPLICANT, EnumSet.of(DRAFT), SUBMITTED),
  RESUBMIT(Party.APPLICANT, EnumSet.of(SUPPLEMENT_REQUESTED), SUBMITTED),
  WITHDRAW(Party.APPLICANT, EnumSet.of(DRAFT, SUBMITTED, SUPPLEMENT_REQUESTED, ACCEPTED, IN_REVIEW), WITHDRAWN),
  ACCEPT(Party.DEPARTMENT, EnumSet.of(SUBMITTED), ACCEPTED),
  ACCEPT_WITH_MISSING(Party.DEPARTMENT, EnumSet.of(SUBMITTED), ACCEPTED),
  REQUEST_SUPPLEMENT(Party.DEPARTMENT, EnumSet.of(SUBMITTED), SUPPLEMENT_REQUESTED),
  REJECT(Party.DEPARTMENT, EnumSet.of(SUBMITTED), REJECTED),
  START_REVIEW(Party.DEPARTMENT, EnumSet.of(ACCEPTED), IN_REVIEW),
  APPROVE(Party.DEPARTMENT, EnumSet.of(IN_REVIEW), APPROVED),
  DENY(Party.DEPARTMENT, EnumSet.of(IN_REVIEW), DENIED),
  COMPLETE(Party.DEPARTMENT, EnumSet.of(APPROVED), COMPLETED);

  /** Who acts: the applicant, or the department handling the application (officer or its system). */
  public enum Party { APPLICANT, DEPARTMENT }

  private final Party party;
  private final Set<ApplicationState> from;
  private final ApplicationState to;

  Action(Party party, Set<ApplicationState> from, ApplicationState to) {
    this.party = party;
    this.from = from;
    this.to = to;
  }

  public Party party() { return party; }
  public ApplicationState to() { return to; }

  public boolean allowedFrom(ApplicationState state) {
    return from.contains(state);
  }

  public String wire() {
    return name().toLowerCase();
  }

  public static Action fromWire(String s) {
    return valueOf(s.toUpperCase());
  }
}
