package zhangban.reporting;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;
import zhangban.db.Timestamps;
import zhangban.rating.Audit;

/**
 * 好差评 数据归集 and 差评整改 beyond the rating itself (which its own statement records): a
 * defaulted rating, the follow-up (评价次数 2), an upheld appeal and each step of a case become a
 * {@code platform_report} row in the step's transaction, as the audit trail records the step.
 */
public final class StepReports implements Audit.Listener {
  /** The record kind of each reported audit action; the other actions are not reported. */
  private static final Map<String, RecordKind> KINDS = Map.of(
      "defaulted", RecordKind.RATING,
      "follow_up", RecordKind.FOLLOW_UP,
      "excluded", RecordKind.APPEAL_UPHELD,
      "verified", RecordKind.CASE_VERIFIED,
      "rectified", RecordKind.CASE_RECTIFIED,
      "replied", RecordKind.CASE_REPLIED,
      "closed", RecordKind.CASE_CLOSED);

  /**
   * The record of kind $3 for rating $1 (and case $2) at $4 ($5 the time zone its day is counted
   * in), with the rating's, the case's and the application's fields as the step left them; whether
   * the step kept its deadline is judged on that day.
   */
  static final String RECORD = """
      insert into platform_report (application_number, kind, record, status, next_attempt_at, created_at, updated_at)
      select f.number, $3::text, jsonb_strip_nulls(f.fields || jsonb_build_object(
               'at', utc_instant_text($4), 'ratingId', r.id,
               'sequence', case $3::text when 'rating' then 1 when 'follow_up' then 2 end,
               'stage', case when $3::text = 'rating' then r.stage end,
               'channel', case when $3::text = 'rating' then r.channel end,
               'level', case when $3::text = 'rating' then r.level end,
               'defaulted', case when $3::text = 'rating' then r.defaulted end,
               'tags', case when $3::text = 'rating' then to_jsonb(r.tags) end,
               'comment', case $3::text when 'rating' then r.comment when 'follow_up' then r.follow_up_comment end,
               'satisfaction', case when $3::text = 'follow_up' then r.follow_up end,
               'note', case when $3::text = 'appeal_upheld' then r.excluded_reason end,
               'caseId', c.id, 'finding', c.finding, 'outcome', c.outcome, 'reply', c.reply,
               'closeReason', c.close_reason,
               'deadlineKept', case $3::text
                 when 'case_verified' then ($4::timestamptz at time zone $5::text)::date <= c.verify_deadline
                 when 'case_rectified' then ($4::timestamptz at time zone $5::text)::date <= c.reply_deadline
                 when 'case_replied' then ($4::timestamptz at time zone $5::text)::date <= c.reply_deadline end)),
             platform_report_arrival_status(f.number), $4, $4, $4
      from rating r
      join application_report_fields f on f.application_id = r.application_id
      left join rectification_case c on c.id = $2
      where r.id = $1
      """;

  private final ZoneId zone;

  public StepReports(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public Future<Void> recorded(SqlClient tx, UUID ratingId, UUID caseId, String action, Instant at) {
    RecordKind kind = KINDS.get(action);
    if (kind == null) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(RECORD).execute(Tuple.of(ratingId, caseId, kind.wire(), Timestamps.utc(at), zone.getId()))
        .mapEmpty();
  }
}
