package zhangban.reporting;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import zhangban.config.Config;
import zhangban.db.Timestamps;
import zhangban.http.ApiException;
import zhangban.outbox.DeadLetters;

/**
 * The operator's view of the reports owed to the platform: where they go, the backlog and its
 * oldest record, dead letters with the platform's reasons and their requeue, the reconciliation.
 * The same numbers tell readiness whether reporting is degraded.
 */
public final class ReportAdmin {
  private static final String COUNTS = "select status, count(*) as n from platform_report group by status";
  /** Records that wait behind a dead letter of their application: they go once it is requeued and sent. */
  private static final String HELD_BACK = """
      select count(*) as n from platform_report r
      where r.status = 'held'
        and exists (
          select from platform_report d
          where d.application_number = r.application_number and d.id < r.id and d.status = 'dead')
      """;
  private static final String DEAD = """
      select id, application_number, kind, attempts, last_error, created_at, updated_at
      from platform_report where status = 'dead' and ($1::bigint is null or id < $1)
      order by id desc limit $2
      """;
  private static final String REQUEUE = """
      with requeued as (
        update platform_report set status = 'pending', attempts = 0, next_attempt_at = $2, last_error = null,
          lease_until = null, updated_at = $2
        where status = 'dead' and ($1::bigint[] is null or id = any($1))
        returning id)
      select count(*) as n, pg_notify('zhangban_report', '') from requeued
      """;

  private final Pool pool;
  private final Optional<Profile> profile;
  private final Config.Reporting config;
  private final Clock clock;
  private final ZoneId zone;

  public ReportAdmin(Pool pool, Optional<Profile> profile, Config.Reporting config, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.profile = profile;
    this.config = config;
    this.clock = clock;
    this.zone = zone;
  }

  /** {@code off}, {@code recording} (kept, not sent: no endpoint), {@code sending} or {@code degraded}. */
  private String state(long oldestSeconds) {
    if (profile.isEmpty()) {
      return "off";
    }
    if (!config.sends()) {
      return "recording";
    }
    return oldestSeconds > config.backlogDegradedSeconds() ? "degraded" : "sending";
  }

  /** What readiness says of reporting: the state, the profile and the endpoint, the backlog's age. */
  public Future<JsonObject> health() {
    if (profile.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("state", "off"));
    }
    return pool.query(ReportQueue.BACKLOG).execute().map(rows -> {
      Row r = rows.iterator().next();
      long age = ageSeconds(r.getOffsetDateTime("oldest"));
      return new JsonObject()
          .put("state", state(age))
          .put("profile", profile.get().name())
          .put("endpoint", config.endpoint().map(Object::toString).orElse(null))
          .put("backlog", r.getLong("n"))
          .put("oldestUnsentSeconds", age)
          .put("degradedAfterSeconds", config.backlogDegradedSeconds());
    });
  }

  public Future<JsonObject> status() {
    return health().compose(h -> pool.query(COUNTS).execute().compose(counts -> pool.query(HELD_BACK).execute()
        .map(held -> {
          JsonObject byStatus = new JsonObject().put("held", 0L).put("pending", 0L).put("sending", 0L).put("sent", 0L)
              .put("temporaryFailure", 0L).put("dead", 0L);
          for (Row r : counts) {
            byStatus.put(r.getString("status").equals("temporary-failure") ? "temporaryFailure" : r.getString("status"),
                r.getLong("n"));
          }
          return h.put("backlog", h.getLong("backlog", 0L))
              .put("oldestUnsentSeconds", h.getLong("oldestUnsentSeconds", 0L))
              .put("byStatus", byStatus)
              .put("heldBack", held.iterator().next().getLong("n"));
        })));
  }

  public Future<JsonObject> deadLetters(Long before, int limit) {
    return pool.preparedQuery(DEAD).execute(Tuple.of(before, limit + 1)).map(rows -> DeadLetters.page(rows, limit,
        r -> new JsonObject()
            .put("applicationNumber", r.getString("application_number"))
            .put("kind", r.getString("kind"))));
  }

  /** Sends dead letters again (all, or the given ids), with their attempts counted afresh; answers how many. */
  public Future<Integer> requeue(Long[] ids) {
    return pool.preparedQuery(REQUEUE).execute(Tuple.of(ids, Timestamps.utc(clock.instant())))
        .map(rows -> rows.iterator().next().getLong("n").intValue());
  }

  /** The longest reconciliation range one request reads. */
  static final int MAX_RECONCILIATION_DAYS = 366;

  /** The reconciliation between two days (by default the last week up to today). */
  public Future<JsonObject> reconciliation(Optional<LocalDate> from, Optional<LocalDate> to) {
    LocalDate last = to.orElse(LocalDate.ofInstant(clock.instant(), zone));
    LocalDate first = from.orElse(last.minusDays(Reconciliation.DAYS - 1));
    if (first.isAfter(last)) {
      throw ApiException.unprocessable("The range ends before it begins.",
          new JsonArray().add(ApiException.fieldError("/from", "After the last day.")));
    }
    if (ChronoUnit.DAYS.between(first, last) >= MAX_RECONCILIATION_DAYS) {
      throw ApiException.unprocessable("At most " + MAX_RECONCILIATION_DAYS + " days a request.",
          new JsonArray().add(ApiException.fieldError("/from", "More than " + MAX_RECONCILIATION_DAYS
              + " days before the last day.")));
    }
    return Reconciliation.read(pool, first, last);
  }

  /** Checks the last week now (after a requeue, say) and answers it. */
  public Future<JsonObject> reconcileNow() {
    return new Reconciliation(zone).run(pool, clock.instant())
        .compose(v -> reconciliation(Optional.empty(), Optional.empty()));
  }

  private long ageSeconds(OffsetDateTime oldest) {
    return oldest == null ? 0 : Math.max(0, Duration.between(oldest.toInstant(), clock.instant()).getSeconds());
  }
}
