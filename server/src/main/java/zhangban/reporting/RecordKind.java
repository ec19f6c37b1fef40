package zhangban.reporting;

/**
 * What Zhangban owes the provincial platform: the steps of an application (办件回传), every rating
 * and its follow-up (好差评 数据归集), and the handling of every 差评 (差评整改). Each kind has the
 * canonical fields {@link ReportRecord} lists; a profile maps them to the platform's own.
 */
public enum RecordKind {
  APPLICATION_RECEIVED("application_received"),
  APPLICATION_ACCEPTED("application_accepted"),
  APPLICATION_REFUSED("application_refused"),
  SUPPLEMENT_REQUESTED("supplement_requested"),
  APPLICATION_RESUBMITTED("application_resubmitted"),
  APPLICATION_COMPLETED("application_completed"),
  APPLICATION_DENIED("application_denied"),
  APPLICATION_WITHDRAWN("application_withdrawn"),
  RATING("rating"),
  FOLLOW_UP("follow_up"),
  APPEAL_UPHELD("appeal_upheld"),
  CASE_VERIFIED("case_verified"),
  CASE_RECTIFIED("case_rectified"),
  CASE_REPLIED("case_replied"),
  CASE_CLOSED("case_closed");

  private final String wire;

  RecordKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static RecordKind fromWire(String wire) {
    for (RecordKind k : values()) {
      if (k.wire.equals(wire)) {
        return k;
      }
    }
    throw new IllegalArgumentException("No record kind " + wire);
  }
}
