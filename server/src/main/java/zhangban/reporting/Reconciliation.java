package zhangban.reporting;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.db.Timestamps;

/**
 * 对账: once a day, for each of the last {@value #DAYS} days (in the configured zone) and each
 * record kind, how many records were written and how many of them the platform acknowledged,
 * how many are dead letters and how many still wait. A day is balanced when every record written
 * was acknowledged. Checked again each day, since late acknowledgements (an outage, a requeue)
 * change earlier days; the rows keep when they were last checked.
 */
final class Reconciliation {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciliation.class);
  static final int DAYS = 7;

  private static final String LAST_CHECK = "select max(checked_at) as at from platform_report_reconciliation";
  private static final String RECONCILE = """
      insert into platform_report_reconciliation (day, kind, written, acknowledged, dead, waiting, checked_at)
      select (created_at at time zone $3)::date, kind, count(*),
        count(*) filter (where status = 'sent'),
        count(*) filter (where status = 'dead'),
        count(*) filter (where status in ('held', 'pending', 'sending', 'temporary-failure')),
        $4
      from platform_report
      where created_at >= $1 and created_at < $2
      group by 1, 2
      on conflict (day, kind) do update set written = excluded.written, acknowledged = excluded.acknowledged,
        dead = excluded.dead, waiting = excluded.waiting, checked_at = excluded.checked_at
      returning day, kind, written, acknowledged
      """;
  static final String READ = """
      select day, kind, written, acknowledged, dead, waiting, checked_at
      from platform_report_reconciliation
      where day between $1 and $2
      order by day desc, kind
      """;

  private final ZoneId zone;

  Reconciliation(ZoneId zone) {
    this.zone = zone;
  }

  /** Runs when no check has run since today began; harmless when two processes both do. */
  Future<Void> runIfDue(Pool pool, Instant now) {
    Instant today = LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
    return pool.query(LAST_CHECK).execute().compose(rows -> {
      OffsetDateTime last = rows.iterator().next().getOffsetDateTime("at");
      return last != null && !last.toInstant().isBefore(today) ? Future.<Void>succeededFuture() : run(pool, now);
    }).onFailure(err -> LOG.warn("Reconciling platform reports failed: {}", err.toString()));
  }

  /** Checks the last {@value #DAYS} days up to today (the day so far included). */
  Future<Void> run(Pool pool, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    Instant from = today.minusDays(DAYS - 1).atStartOfDay(zone).toInstant();
    Instant to = today.plusDays(1).atStartOfDay(zone).toInstant();
    return pool.preparedQuery(RECONCILE)
        .execute(Tuple.of(Timestamps.utc(from), Timestamps.utc(to), zone.getId(), Timestamps.utc(now)))
        .map(rows -> {
          for (Row r : rows) {
            long written = r.getLong("written");
            long acknowledged = r.getLong("acknowledged");
            if (written != acknowledged && r.getLocalDate("day").isBefore(today)) {
              LOG.warn("Platform reports of {} ({}): {} written, {} acknowledged", r.getLocalDate("day"),
                  r.getString("kind"), written, acknowledged);
            }
          }
          return (Void) null;
        });
  }

  /** The checked days between two dates, newest first. */
  static Future<JsonObject> read(Pool pool, LocalDate from, LocalDate to) {
    return pool.preparedQuery(READ).execute(Tuple.of(from, to)).map(rows -> {
      JsonArray days = new JsonArray();
      for (Row r : rows) {
        long written = r.getLong("written");
        long acknowledged = r.getLong("acknowledged");
        days.add(new JsonObject()
            .put("day", r.getLocalDate("day").toString())
            .put("kind", r.getString("kind"))
            .put("written", written)
            .put("acknowledged", acknowledged)
            .put("dead", r.getLong("dead"))
            .put("waiting", r.getLong("waiting"))
            .put("balanced", written == acknowledged)
            .put("checkedAt", r.getOffsetDateTime("checked_at").toInstant().toString()));
      }
      return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("days", days);
    });
  }

}
