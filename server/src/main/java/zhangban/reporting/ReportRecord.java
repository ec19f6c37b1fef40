package zhangban.reporting;

import io.vertx.core.json.JsonObject;

/**
 * One record owed to the platform, in Zhangban's own terms: its kind, the application it belongs to
 * (records of one application go out in order) and its canonical fields, named as Zhangban names
 * them (camelCase; times as instants, dates as days, levels 1 = 非常不满意 … 5 = 非常满意, channels
 * as the contract's {@code Channel}). A {@link Profile} renders it in a platform's shape.
 *
 * <p>Canonical fields: every kind carries {@code applicationNumber}, {@code itemCode},
 * {@code itemImplementationCode}, {@code departmentCode}, {@code departmentUscc},
 * {@code departmentName}, {@code regionCode}, {@code applicantKind} and {@code at} (when it happened). Besides:
 * accepted and refused: {@code officer}, {@code promisedDays}, {@code deadline} / {@code reason};
 * completed: {@code officer}, {@code resultKind}, {@code licenceName}, {@code licenceNumber},
 * {@code licenceHolder}, {@code licenceValidFrom}, {@code licenceValidUntil}, {@code licenceIssuer};
 * supplement requested: {@code materials}; denied, withdrawn: {@code reason}; rating:
 * {@code ratingId}, {@code sequence} (1), {@code stage}, {@code channel}, {@code level},
 * {@code tags}, {@code comment}, {@code defaulted}; follow-up: {@code ratingId}, {@code sequence}
 * (2), {@code satisfaction}, {@code comment}; appeal upheld: {@code ratingId}, {@code note};
 * case steps: {@code caseId}, {@code ratingId}, {@code finding} / {@code outcome} / {@code reply} /
 * {@code closeReason}, {@code deadlineKept}.
 */
public record ReportRecord(RecordKind kind, String applicationNumber, JsonObject fields) {}
