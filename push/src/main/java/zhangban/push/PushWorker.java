package zhangban.push;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.outbox.OutboxJob;
import zhangban.outbox.OutboxSettings;
import zhangban.outbox.OutboxWorker;
import zhangban.outbox.Outcome;
import zhangban.outbox.Sender;
import zhangban.outbox.TableQueue;

/**
 * Drains {@code push_job} to FCM with the shared {@link OutboxWorker}: this class holds the push
 * queue's statements, turns FCM's answers into outcomes (a dead token retires its device in the
 * transaction that records the failure), and retires devices not refreshed for a long time.
 */
public final class PushWorker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PushWorker.class);

  static final String CLAIM = """
      with due as (
        select id from push_job
        where (status in ('pending', 'temporary-failure') and next_attempt_at <= $1)
           or (status = 'sending' and lease_until < $1 and not (leased_by = $4 and id = any($5::bigint[])))
        order by next_attempt_at, id
        limit $2
        for update skip locked
      )
      update push_job j
      set status = 'sending', lease_until = $3, leased_by = $4, attempts = j.attempts + 1, updated_at = $1
      from due where j.id = due.id
      returning j.id, j.device_id, j.token, j.message, j.attempts
      """;
  /** One statement (one commit) for the jobs FCM accepted since the last such statement. */
  private static final String SENT = """
      update push_job j set status = 'sent', fcm_message_id = v.message_id, last_error = null, lease_until = null,
        updated_at = $3
      from unnest($1::bigint[], $2::text[]) as v(id, message_id)
      where j.id = v.id and j.leased_by = $4 and j.status = 'sending'
      """;
  private static final String FAILED = """
      update push_job set status = $2, next_attempt_at = $3, last_error = $4, lease_until = null, updated_at = $5
      where id = $1 and leased_by = $6 and status = 'sending'
      """;
  private static final String RELEASE = """
      update push_job set status = 'temporary-failure', next_attempt_at = $2, lease_until = null,
        last_error = 'released at shutdown', updated_at = $2
      where leased_by = $1 and status = 'sending'
      """;
  private static final String QUEUE_DEPTH = """
      select count(*) as n, min(created_at) as oldest from push_job where status in ('pending', 'temporary-failure')
      """;
  /**
   * Refreshes this worker's row and counts the workers seen within three heartbeats, itself
   * included (the count reads the table as it was before this statement's own write).
   */
  private static final String HEARTBEAT = """
      with beat as (
        insert into push_worker (id, seen_at) values ($1, now())
        on conflict (id) do update set seen_at = now()
      ), gone as (
        delete from push_worker where seen_at < now() - interval '1 hour'
      )
      select count(*) + 1 as live from push_worker where id <> $1 and seen_at > now() - $2::bigint * interval '1 millisecond'
      """;
  private static final String LEAVE = "delete from push_worker where id = $1";

  private final Pool pool;
  private final PushSettings settings;
  private final Clock clock;
  private final Devices devices = new Devices();
  private final OutboxWorker<Job> worker;

  public PushWorker(Pool pool, PgConnectOptions listenOptions, PushGateway gateway, PushSettings settings, Clock clock,
                    MeterRegistry registry) {
    this.pool = pool;
    this.settings = settings;
    this.clock = clock;
    OutboxSettings outbox = new OutboxSettings(settings.batchSize(), settings.lease(), settings.pollInterval(),
        settings.maxAttempts(), settings.backoffBase(), settings.backoffMax(), settings.ratePerSecond(),
        settings.shutdownGrace(), settings.workerId());
    this.worker = new OutboxWorker<>(pool, listenOptions, new Queue(), new Fcm(gateway), outbox, clock, registry);
  }

  @Override
  public Future<?> start() {
    return worker.start(vertx).onSuccess(v -> worker.every(settings.pruneInterval().toMillis(), this::pruneStale));
  }

  @Override
  public Future<?> stop() {
    return worker.stop();
  }

  /** A claimed push: the device, its token and the FCM message. */
  record Job(long id, UUID deviceId, String token, JsonObject message, int attempts) implements OutboxJob {}

  /** Sends each push on its own: FCM's HTTP v1 API takes one message a request. */
  private record Fcm(PushGateway gateway) implements Sender<Job> {
    @Override
    public List<Future<Outcome>> send(List<Job> jobs) {
      return jobs.stream().map(j -> gateway.send(PushMessage.fromJson(j.token(), j.message())).map(Fcm::outcome))
          .toList();
    }

    private static Outcome outcome(SendOutcome o) {
      if (o instanceof SendOutcome.Sent s) {
        return new Outcome.Sent(s.messageId());
      }
      if (o instanceof SendOutcome.TokenRejected t) {
        return new Outcome.Gone(t.code(), t.detail());
      }
      if (o instanceof SendOutcome.Retry r) {
        return new Outcome.Retry(r.code(), r.retryAfter(), r.detail());
      }
      SendOutcome.Rejected x = (SendOutcome.Rejected) o;
      return new Outcome.Rejected(x.code(), x.detail());
    }

    @Override
    public String describe() {
      return gateway.describe();
    }
  }

  /** {@code push_job} and {@code push_worker}. */
  private final class Queue extends TableQueue<Job> {
    Queue() {
      super(new Statements(CLAIM, SENT, FAILED, RELEASE, HEARTBEAT, LEAVE, QUEUE_DEPTH));
    }

    @Override
    public String name() {
      return "push";
    }

    @Override
    public String channel() {
      return Outbox.CHANNEL;
    }

    @Override
    protected Job job(Row r) {
      return new Job(r.getLong("id"), r.getUUID("device_id"), r.getString("token"), (JsonObject) r.getJson("message"),
          r.getInteger("attempts"));
    }

    /** A token FCM says is gone retires its device in the transaction that records the failure. */
    @Override
    public Future<Void> failed(Pool pool, Job job, Outcome outcome, String status, Instant nextAttemptAt, String error,
                               Instant now, String worker) {
      if (outcome instanceof Outcome.Gone gone) {
        return pool.withTransaction(tx -> tx.preparedQuery(FAILED)
            .execute(failure(job, status, nextAttemptAt, error, now, worker))
            .compose(v -> devices.retire(tx, job.deviceId(), job.token(), gone.code(), now)));
      }
      return super.failed(pool, job, outcome, status, nextAttemptAt, error, now, worker);
    }
  }

  private void pruneStale() {
    Instant now = clock.instant();
    devices.retireStale(pool, now.minus(settings.staleAfter()), now)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("Retired {} devices not refreshed for {}", n, settings.staleAfter());
          }
        })
        .onFailure(err -> LOG.warn("Retiring stale devices failed: {}", err.toString()));
  }
}
