package zhangban.push;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import zhangban.outbox.DeadLetters;

/** The operator's view of the outbox: counts, the oldest waiting job, dead letters and their requeue. */
public final class PushAdmin {
  private static final String COUNTS = "select status, count(*) as n from push_job group by status";
  private static final String OLDEST = """
      select min(created_at) as oldest from push_job where status in ('pending', 'temporary-failure', 'sending')
      """;
  private static final String DEAD = """
      select id, device_id, kind, attempts, last_error, created_at, updated_at
      from push_job where status = 'dead' and ($1::bigint is null or id < $1)
      order by id desc limit $2
      """;
  private static final String REQUEUE = """
      update push_job j set status = 'pending', attempts = 0, next_attempt_at = $2, last_error = null, updated_at = $2
      from push_device d
      where j.status = 'dead' and d.id = j.device_id and d.active and d.token = j.token
        and ($1::bigint[] is null or j.id = any($1))
      returning j.id
      """;

  private final Pool pool;
  private final Clock clock;
  private final String gateway;

  public PushAdmin(Pool pool, Clock clock, String gateway) {
    this.pool = pool;
    this.clock = clock;
    this.gateway = gateway;
  }

  /** The statuses of {@code push_job}, as the table spells them. */
  private static final String[] STATUSES = {"pending", "sending", "sent", "temporary-failure", "permanent-failure", "dead"};

  /** A status as a key of the API's byStatus: camelCase. */
  private static String key(String status) {
    return switch (status) {
      case "temporary-failure" -> "temporaryFailure";
      case "permanent-failure" -> "permanentFailure";
      default -> status;
    };
  }

  public Future<JsonObject> stats() {
    return pool.query(COUNTS).execute().compose(counts -> pool.query(OLDEST).execute().map(oldest -> {
      JsonObject byStatus = new JsonObject();
      for (String status : STATUSES) {
        byStatus.put(key(status), 0L);
      }
      for (Row r : counts) {
        byStatus.put(key(r.getString("status")), r.getLong("n"));
      }
      // the deprecated kebab-case keys, sent until 2027-06-30 (docs/api.md)
      byStatus.put("temporary-failure", byStatus.getLong("temporaryFailure"));
      byStatus.put("permanent-failure", byStatus.getLong("permanentFailure"));
      OffsetDateTime at = oldest.iterator().next().getOffsetDateTime("oldest");
      long age = at == null ? 0 : Math.max(0, Duration.between(at.toInstant(), clock.instant()).getSeconds());
      return new JsonObject().put("gateway", gateway).put("byStatus", byStatus).put("oldestPendingSeconds", age);
    }));
  }

  public Future<JsonObject> deadLetters(Long before, int limit) {
    return pool.preparedQuery(DEAD).execute(Tuple.of(before, limit + 1)).map(rows -> DeadLetters.page(rows, limit,
        r -> new JsonObject()
            .put("deviceId", r.getUUID("device_id").toString())
            .put("kind", r.getString("kind"))));
  }

  /** Requeues dead letters (all, or the given ids) whose device is still active; answers how many. */
  public Future<Integer> requeue(Long[] ids) {
    return pool.withTransaction(tx -> tx.preparedQuery(REQUEUE)
        .execute(Tuple.of(ids, clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rows -> tx.query("select pg_notify('" + Outbox.CHANNEL + "', '')").execute().map(rows.rowCount())));
  }
}
