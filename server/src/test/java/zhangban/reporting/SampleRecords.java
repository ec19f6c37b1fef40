package zhangban.reporting;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Records as the server writes them, with every canonical field, for tests and benchmarks that fill the outbox. */
public final class SampleRecords {
  /** When the sample records happened: 10:00 in Shanghai. */
  public static final String AT = "2026-11-25T02:00:00Z";

  private SampleRecords() {}

  /** A record of {@code kind} with every canonical field it may carry. */
  public static ReportRecord full(RecordKind kind, String number, String ratingId, String caseId) {
    JsonObject f = new JsonObject().put("applicationNumber", number).put("itemCode", "MZ-HY-001")
        .put("itemImplementationCode", "440300A1B2C3D4E5F6A7B8C9").put("departmentCode", "MZJ")
        .put("departmentUscc", "11440300007569248N").put("departmentName", "市民政局").put("regionCode", "440300")
        .put("applicantKind", "citizen").put("at", AT);
    switch (kind) {
      case APPLICATION_ACCEPTED -> f.put("officer", "officer-minzheng").put("promisedDays", 5).put("deadline", "2026-12-02");
      case APPLICATION_REFUSED -> f.put("officer", "officer-minzheng").put("reason", "不属于本部门职权");
      case SUPPLEMENT_REQUESTED -> f.put("materials", new JsonArray().add("id_card").add("photo"));
      case APPLICATION_COMPLETED -> f.put("officer", "officer-minzheng").put("resultKind", "electronic_licence")
          .put("licenceName", "结婚证").put("licenceNumber", "DZZZ-2026-0001").put("licenceHolder", "张伟")
          .put("licenceValidFrom", "2026-11-25").put("licenceValidUntil", "2036-11-24").put("licenceIssuer", "市民政局");
      case APPLICATION_DENIED, APPLICATION_WITHDRAWN -> f.put("reason", "不符合条件");
      case RATING -> f.put("ratingId", ratingId).put("sequence", 1).put("stage", "completed").put("channel", "hotline")
          .put("level", 5).put("tags", new JsonArray().add("efficiency")).put("comment", "很好").put("defaulted", false);
      case FOLLOW_UP -> f.put("ratingId", ratingId).put("sequence", 2).put("satisfaction", "basically_satisfied")
          .put("comment", "基本解决");
      case APPEAL_UPHELD -> f.put("ratingId", ratingId).put("note", "误评");
      case CASE_VERIFIED -> f.put("caseId", caseId).put("ratingId", ratingId).put("finding", "partly_true")
          .put("deadlineKept", true);
      case CASE_RECTIFIED -> f.put("caseId", caseId).put("ratingId", ratingId).put("outcome", "ledger").put("deadlineKept", true);
      case CASE_REPLIED -> f.put("caseId", caseId).put("ratingId", ratingId).put("reply", "已整改").put("deadlineKept", false);
      case CASE_CLOSED -> f.put("caseId", caseId).put("ratingId", ratingId).put("closeReason", "follow_up").put("deadlineKept", true);
      default -> { }
    }
    return new ReportRecord(kind, number, f);
  }
}
