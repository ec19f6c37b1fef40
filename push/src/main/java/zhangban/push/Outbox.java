package zhangban.push;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Queues push jobs inside the caller's transaction: they exist exactly when the change that caused
 * them commits. The NOTIFY is delivered at commit and wakes the workers; polling covers a missed one.
 */
public final class Outbox {
  public static final String CHANNEL = "zhangban_push";
  /**
   * All of a change's jobs in one statement, however many devices, and the NOTIFY with them: the
   * arrays hold one element per job, in order.
   */
  private static final String INSERT = """
      with job as (
        insert into push_job (device_id, token, kind, message, status, next_attempt_at, created_at, updated_at,
          application_id)
        select device, token, kind, message::jsonb, 'pending', due, $6, $6, application
        from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $7::uuid[]) as j (device, token,
          kind, message, due, application)
        returning id)
      select pg_notify('%s', '') from (select count(*) from job) queued
      """.formatted(CHANNEL);

  /**
   * One push for one device, due at {@code notBefore} (later than now during quiet hours), about
   * application {@code applicationId} (null when about none).
   */
  public record Job(UUID deviceId, PushMessage message, String kind, Instant notBefore, UUID applicationId) {}

  public Future<Integer> enqueue(SqlClient tx, List<Job> jobs, Instant now) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture(0);
    }
    int n = jobs.size();
    UUID[] devices = new UUID[n];
    String[] tokens = new String[n];
    String[] kinds = new String[n];
    String[] messages = new String[n];
    OffsetDateTime[] due = new OffsetDateTime[n];
    UUID[] applications = new UUID[n];
    for (int i = 0; i < n; i++) {
      Job j = jobs.get(i);
      devices[i] = j.deviceId();
      tokens[i] = j.message().token();
      kinds[i] = j.kind();
      messages[i] = j.message().toJson().encode();
      due[i] = j.notBefore().atOffset(ZoneOffset.UTC);
      applications[i] = j.applicationId();
    }
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(devices, tokens, kinds, messages, due, now.atOffset(ZoneOffset.UTC)).addArrayOfUUID(applications))
        .map(jobs.size());
  }
}
