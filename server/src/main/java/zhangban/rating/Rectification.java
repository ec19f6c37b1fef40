package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * What a rating needs of rectification (差评整改, the {@code rectification} package): a poor
 * rating's case is opened by the rating's own write, in the same statement, with the deadlines
 * planned here; its department is then told; the rater's follow-up (追评) closes it.
 */
public interface Rectification {
  /** What a case opened at {@code day} is given: the deadlines counted from it in working days. */
  record CaseOpening(UUID id, LocalDate day, LocalDate verifyBy, LocalDate verifyWarningFrom, LocalDate replyBy,
                     LocalDate replyWarningFrom) {
    /** The case's audit details, but for its department (the rating's write adds it). */
    public JsonObject details() {
      return new JsonObject().put("verifyDeadline", verifyBy.toString()).put("replyDeadline", replyBy.toString());
    }
  }

  /** The deadlines of case {@code caseId} of a poor rating made at {@code at}, on a calendar read through {@code client}. */
  Future<CaseOpening> plan(SqlClient client, UUID caseId, Instant at);

  /** Tells the department's officers of the case just opened, inside the rating's transaction. */
  Future<Void> announce(SqlClient tx, CaseOpening opening, UUID applicationId, String number, String department,
                        String itemName, Instant at);

  /**
   * Closes the replied case {@code caseId} of rating {@code ratingId} after its rater's follow-up,
   * with its audit naming {@code rater} (a subject, or the link they used) in {@code role}.
   */
  Future<Void> closeAfterFollowUp(SqlClient tx, UUID ratingId, UUID caseId, String rater, String role, Instant at);
}
