package zhangban.reporting;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import zhangban.db.Timestamps;
import zhangban.filing.Action;
import zhangban.filing.ApplicationEvents;

/**
 * 办件回传: each reportable step of an application becomes a {@code platform_report} row in the
 * transaction of the step, so the record is owed exactly when the step happened. The canonical
 * fields come from the application, its department and its item version as the step left them.
 * Review steps (start_review, approve) are not reported; a draft never submitted has nothing to
 * report when withdrawn. Transactions registered by the system that handled them are that
 * system's to report (办件回传); their ratings and cases are reported from here.
 */
public final class ApplicationReports implements ApplicationEvents {
  /** The record kind of each reported action; submit is received the first time, resubmitted after. */
  private static final Map<String, RecordKind> KINDS = Map.of(
      "resubmit", RecordKind.APPLICATION_RESUBMITTED,
      "accept", RecordKind.APPLICATION_ACCEPTED,
      "accept_with_missing", RecordKind.APPLICATION_ACCEPTED,
      "reject", RecordKind.APPLICATION_REFUSED,
      "request_supplement", RecordKind.SUPPLEMENT_REQUESTED,
      "complete", RecordKind.APPLICATION_COMPLETED,
      "deny", RecordKind.APPLICATION_DENIED,
      "withdraw", RecordKind.APPLICATION_WITHDRAWN);

  /**
   * The record of application $1's step of kind $2 at $3 by $4, with every canonical field the
   * application has now (nulls left out).
   */
  static final String RECORD = """
      insert into platform_report (application_number, kind, record, status, next_attempt_at, created_at, updated_at)
      select f.number, $2, jsonb_strip_nulls(f.fields || jsonb_build_object(
               'at', utc_instant_text($3), 'officer', $4::text,
               'promisedDays', v.promised_days, 'deadline', a.deadline, 'reason', a.decision_reason,
               'materials', (select jsonb_agg(s ->> 'materialCode') from jsonb_array_elements(a.supplement_items) s),
               'resultKind', a.result ->> 'kind',
               'licenceName', a.result -> 'licence' ->> 'name',
               'licenceNumber', coalesce(a.result -> 'licence' ->> 'number', a.result ->> 'licenceRef'),
               'licenceHolder', a.result -> 'licence' ->> 'holder',
               'licenceValidFrom', a.result -> 'licence' ->> 'validFrom',
               'licenceValidUntil', a.result -> 'licence' ->> 'validUntil',
               'licenceIssuer', a.result -> 'licence' ->> 'issuer')),
             platform_report_arrival_status(f.number), $3, $3, $3
      from application_report_fields f
      join application a on a.id = f.application_id
      join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
      where f.application_id = $1 and f.number is not null
      """;

  @Override
  public Future<Void> transitioned(SqlClient tx, Transition t) {
    Optional<RecordKind> kind = kind(t);
    // a transaction another system handled is reported by that system; only its ratings go from here
    if (kind.isEmpty() || t.handledElsewhere()) {
      return Future.succeededFuture();
    }
    boolean department = Action.fromWire(t.action()).party() == Action.Party.DEPARTMENT;
    return tx.preparedQuery(RECORD).execute(Tuple.of(t.applicationId(), kind.get().wire(), Timestamps.utc(t.at()),
        department ? t.actor() : null)).mapEmpty();
  }

  static Optional<RecordKind> kind(Transition t) {
    if ("submit".equals(t.action())) {
      return Optional.of(RecordKind.APPLICATION_RECEIVED);
    }
    return Optional.ofNullable(KINDS.get(t.action()));
  }
}
