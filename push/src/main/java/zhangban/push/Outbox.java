package zhangban.push;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Queues push jobs inside the caller's transaction: they exist exactly when the change that caused
 * them commits. The NOTIFY is delivered at commit and wakes the workers; polling covers a missed one.
 */
public final class Outbox {
  public static final String CHANNEL = "zhangban_push";
  private static final String INSERT = """
      insert into push_job (device_id, token, kind, message, status, next_attempt_at, created_at, updated_at)
      values ($1, $2, $3, $4, 'pending', $5, $6, $6)
      """;
  private static final String NOTIFY = "select pg_notify('" + CHANNEL + "', '')";

  /** One push for one device, due at {@code notBefore} (later than now during quiet hours). */
  public record Job(UUID deviceId, PushMessage message, String kind, Instant notBefore) {}

  public Future<Integer> enqueue(SqlClient tx, List<Job> jobs, Instant now) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Tuple> batch = new ArrayList<>();
    for (Job j : jobs) {
      batch.add(Tuple.of(j.deviceId(), j.message().token(), j.kind(), j.message().toJson(),
          j.notBefore().atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC)));
    }
    return tx.preparedQuery(INSERT).executeBatch(batch)
        .compose(v -> tx.query(NOTIFY).execute())
        .map(jobs.size());
  }
}
