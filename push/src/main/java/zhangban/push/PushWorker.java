package zhangban.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the outbox. Claims due jobs in batches with {@code FOR UPDATE SKIP LOCKED} and a lease, so
 * that any number of processes share the work and a job held by a process that died is taken up
 * again when its lease runs out. Woken by NOTIFY, and polls as well.
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
  private final PgConnectOptions listenOptions;
  private final PushGateway gateway;
  private final PushSettings settings;
  private final Clock clock;
  private final Devices devices = new Devices();
  private final MeterRegistry registry;
  private RateLimiter limiter;
  private PgSubscriber subscriber;
  private long pollTimer = -1;
  private long depthTimer = -1;
  private long pruneTimer = -1;
  private long heartbeatTimer = -1;
  private final AtomicLong liveWorkers = new AtomicLong(1);
  private static final int MAX_ROUNDS = 2;
  private int rounds;
  private boolean again;
  private boolean stopping;
  private Promise<Void> drained;
  private final AtomicLong queueDepth = new AtomicLong();
  private final AtomicLong oldestPendingSeconds = new AtomicLong();
  private Counter sent;
  private Counter retries;
  private Timer latency;

  public PushWorker(Pool pool, PgConnectOptions listenOptions, PushGateway gateway, PushSettings settings, Clock clock,
                    MeterRegistry registry) {
    this.pool = pool;
    this.listenOptions = listenOptions;
    this.gateway = gateway;
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    limiter = new RateLimiter(settings.ratePerSecond());
    sent = Counter.builder("zhangban.push.sent").description("Pushes accepted by FCM").register(registry);
    retries = Counter.builder("zhangban.push.retries").description("Sends to be tried again").register(registry);
    latency = Timer.builder("zhangban.push.send.latency").description("Time of one send").register(registry);
    Gauge.builder("zhangban.push.workers", liveWorkers, AtomicLong::get)
        .description("Push workers sharing the send rate").register(registry);
    Gauge.builder("zhangban.push.rate.limit", this, w -> w.limiter.rate())
        .description("This worker's share of PUSH_RATE_PER_SECOND, sends a second").register(registry);
    Gauge.builder("zhangban.push.queue.depth", queueDepth, AtomicLong::get)
        .description("Jobs waiting to be sent").register(registry);
    Gauge.builder("zhangban.push.oldest.pending.seconds", oldestPendingSeconds, AtomicLong::get)
        .description("Age of the oldest waiting job").register(registry);
    subscriber = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(retries -> 1000L);
    subscriber.channel(Outbox.CHANNEL).handler(payload -> drain());
    pollTimer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> drain());
    depthTimer = vertx.setPeriodic(5000, id -> measureQueue());
    pruneTimer = vertx.setPeriodic(settings.pruneInterval().toMillis(), id -> pruneStale());
    heartbeatTimer = vertx.setPeriodic(heartbeatMillis(), id -> heartbeat());
    LOG.info("Push worker {} sending via {}", settings.workerId(), gateway.describe());
    return heartbeat().compose(v -> subscriber.connect())
        .recover(err -> {
          LOG.warn("LISTEN failed ({}); polling only until it reconnects", err.getMessage());
          return Future.succeededFuture();
        })
        .onSuccess(v -> drain());
  }

  /**
   * Jobs this worker is sending now. Their lease may run out by the clock while a send is slow (or
   * the clock jumps); this worker must not claim them again meanwhile, or it would send them twice.
   * Another process may, as it must when this one died.
   */
  private final java.util.Set<Long> inFlight = new java.util.HashSet<>();

  /**
   * Claims and sends until nothing is due. While one round's sends are in flight the next round is
   * claimed, at most {@value #MAX_ROUNDS} rounds at once; wake-ups in between fold into one more.
   */
  void drain() {
    if (stopping) {
      return;
    }
    if (rounds >= MAX_ROUNDS) {
      again = true;
      return;
    }
    int permits = limiter.take(settings.batchSize());
    if (permits == 0) {
      vertx.setTimer(Math.max(1, limiter.waitMillis()), id -> drain());
      return;
    }
    rounds++;
    again = false;
    Instant now = clock.instant();
    pool.preparedQuery(CLAIM)
        .execute(Tuple.of(utc(now), permits, utc(now.plus(settings.lease())), settings.workerId(),
            inFlight.toArray(Long[]::new)))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("Claiming push jobs failed: {}", ar.cause().toString());
            roundDone(false);
            return;
          }
          List<Claimed> jobs = new ArrayList<>();
          for (Row r : ar.result()) {
            jobs.add(new Claimed(r.getLong("id"), r.getUUID("device_id"), r.getString("token"),
                (JsonObject) r.getJson("message"), r.getInteger("attempts")));
          }
          if (jobs.isEmpty()) {
            roundDone(false);
            return;
          }
          boolean full = jobs.size() >= permits;
          jobs.forEach(j -> inFlight.add(j.id()));
          if (full) {
            drain();
          }
          sendAll(jobs).onComplete(done -> {
            jobs.forEach(j -> inFlight.remove(j.id()));
            if (done.failed()) {
              LOG.warn("Push round failed: {}", done.cause().toString());
            }
            roundDone(full);
          });
        });
  }

  private void roundDone(boolean full) {
    rounds--;
    if (stopping) {
      if (rounds == 0 && drained != null) {
        drained.tryComplete();
      }
    } else if (again || full) {
      vertx.runOnContext(v -> drain());
    }
  }

  private record Claimed(long id, UUID deviceId, String token, JsonObject message, int attempts) {}

  /**
   * Sends a round and records each outcome as it comes, not after the round's slowest send: only
   * the sends really in flight when a process dies are sent again after their lease. Completes
   * when every outcome of the round is recorded.
   */
  private Future<Void> sendAll(List<Claimed> jobs) {
    List<Future<Void>> recorded = new ArrayList<>(jobs.size());
    for (Claimed job : jobs) {
      long started = System.nanoTime();
      recorded.add(gateway.send(PushMessage.fromJson(job.token(), job.message())).transform(ar -> {
        if (ar.succeeded()) {
          latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        SendOutcome outcome = ar.succeeded() ? ar.result()
            : new SendOutcome.Retry("UNKNOWN", java.util.Optional.empty(), String.valueOf(ar.cause()));
        return record(job, outcome);
      }));
    }
    return Future.join(recorded).mapEmpty();
  }

  private Future<Void> record(Claimed job, SendOutcome outcome) {
    if (outcome instanceof SendOutcome.Sent accepted) {
      sent.increment();
      return recordSent(job.id(), accepted.messageId());
    }
    countFailure(job, outcome);
    Instant at = clock.instant();
    return persistently("recording push job " + job.id(), () -> recordFailure(job, outcome, at));
  }

  /** A job FCM accepted, waiting for the statement that records it. */
  private record Accepted(long id, String messageId, Promise<Void> recorded) {}

  /**
   * How long an accepted send may wait for others to share its statement. A statement per send
   * cost PostgreSQL half as much again per message (PushDrainBenchmark, 148-176 us against
   * 99-131 us); a crash repeats at most this long's accepted sends more than the ones in flight.
   */
  static final long ACCEPTED_LINGER_MILLIS = 10;
  /** Written at once when this many are waiting. */
  static final int ACCEPTED_BATCH = 100;

  /** Accepted jobs not yet written; written together, one statement at a time. */
  private List<Accepted> accepted = new ArrayList<>();
  private boolean writingAccepted;
  private long acceptedTimer = -1;

  /**
   * Sent jobs are written together: after {@value #ACCEPTED_LINGER_MILLIS} ms, or at once when
   * {@value #ACCEPTED_BATCH} are waiting, and never two such statements at a time (those accepted
   * while one is in flight go in the next).
   */
  private Future<Void> recordSent(long id, String messageId) {
    Promise<Void> recorded = Promise.promise();
    accepted.add(new Accepted(id, messageId, recorded));
    if (!writingAccepted && accepted.size() >= ACCEPTED_BATCH) {
      writeAccepted();
    } else if (!writingAccepted && acceptedTimer < 0) {
      acceptedTimer = vertx.setTimer(ACCEPTED_LINGER_MILLIS, t -> {
        acceptedTimer = -1;
        if (!writingAccepted && !accepted.isEmpty()) {
          writeAccepted();
        }
      });
    }
    return recorded.future();
  }

  private void writeAccepted() {
    if (acceptedTimer >= 0) {
      vertx.cancelTimer(acceptedTimer);
      acceptedTimer = -1;
    }
    List<Accepted> batch = accepted;
    accepted = new ArrayList<>();
    writingAccepted = true;
    Tuple rows = Tuple.of(batch.stream().map(Accepted::id).toArray(Long[]::new),
        batch.stream().map(Accepted::messageId).toArray(String[]::new), utc(clock.instant()), settings.workerId());
    persistently("recording " + batch.size() + " sent push jobs", () -> pool.preparedQuery(SENT).execute(rows).mapEmpty())
        .onComplete(ar -> {
          writingAccepted = false;
          batch.forEach(a -> a.recorded().tryComplete());
          if (!accepted.isEmpty()) {
            writeAccepted();
          }
        });
  }

  /**
   * FCM has answered: what it said must reach the database, or the job is sent again once its lease
   * runs out. When the database does not answer (a restart, a failover), the write is tried again
   * until it succeeds or the lease has long expired (by then another process may have taken the
   * job; the writes only touch jobs this worker still holds). Meanwhile the jobs stay in flight, so
   * this worker does not claim them again.
   */
  private Future<Void> persistently(String what, java.util.function.Supplier<Future<Void>> write) {
    Promise<Void> done = Promise.promise();
    long giveUpAt = System.nanoTime() + 2 * settings.lease().toNanos();
    attempt(what, write, done, giveUpAt, 200);
    return done.future();
  }

  private void attempt(String what, java.util.function.Supplier<Future<Void>> write, Promise<Void> done, long giveUpAt,
                       long waitMillis) {
    write.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.tryComplete();
      } else if (System.nanoTime() > giveUpAt) {
        LOG.error("Gave up {}: {}; the jobs will be sent again after their lease", what, ar.cause().toString());
        done.tryComplete();
      } else {
        LOG.warn("{} failed ({}); trying again in {} ms", what, ar.cause().toString(), waitMillis);
        vertx.setTimer(waitMillis, t -> attempt(what, write, done, giveUpAt, Math.min(waitMillis * 2, 1000)));
      }
    });
  }

  private void countFailure(Claimed job, SendOutcome outcome) {
    if (outcome instanceof SendOutcome.TokenRejected t) {
      failed(t.code());
    } else if (outcome instanceof SendOutcome.Retry r) {
      failed(r.code());
      if (job.attempts() < settings.maxAttempts()) {
        retries.increment();
      }
    } else {
      failed(((SendOutcome.Rejected) outcome).code());
    }
  }

  private Future<Void> recordFailure(Claimed job, SendOutcome outcome, Instant now) {
    String me = settings.workerId();
    if (outcome instanceof SendOutcome.TokenRejected t) {
      return pool.withTransaction(tx -> tx.preparedQuery(FAILED)
          .execute(Tuple.of(job.id(), "permanent-failure", utc(now), t.code() + ": " + t.detail(), utc(now), me))
          .compose(v -> devices.retire(tx, job.deviceId(), job.token(), t.code(), now)));
    }
    if (outcome instanceof SendOutcome.Retry r) {
      if (job.attempts() >= settings.maxAttempts()) {
        return pool.preparedQuery(FAILED).execute(Tuple.of(job.id(), "dead", utc(now),
            r.code() + " after " + job.attempts() + " attempts: " + r.detail(), utc(now), me)).mapEmpty();
      }
      Duration wait = r.retryAfter().orElseGet(() -> backoff(job.attempts()));
      return pool.preparedQuery(FAILED).execute(Tuple.of(job.id(), "temporary-failure", utc(now.plus(wait)),
          r.code() + ": " + r.detail(), utc(now), me)).mapEmpty();
    }
    SendOutcome.Rejected x = (SendOutcome.Rejected) outcome;
    return pool.preparedQuery(FAILED).execute(Tuple.of(job.id(), "dead", utc(now),
        x.code() + ": " + x.detail(), utc(now), me)).mapEmpty();
  }

  private void failed(String reason) {
    Counter.builder("zhangban.push.failed").tag("reason", reason).description("Failed sends by reason")
        .register(registry).increment();
  }

  /** Exponential, with full jitter in its upper half, capped. */
  Duration backoff(int attempts) {
    long base = settings.backoffBase().toMillis() << Math.min(20, Math.max(0, attempts - 1));
    long capped = Math.min(base, settings.backoffMax().toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(jittered);
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

  /** Every five seconds; faster when the worker polls faster (tests), never under 100 ms. */
  private long heartbeatMillis() {
    return Math.max(100, Math.min(5000, settings.pollInterval().toMillis() * 5));
  }

  /**
   * Tells the other workers this one is alive and takes its share of the send rate. While the
   * database does not answer, the last share stands.
   */
  private Future<Void> heartbeat() {
    return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(settings.workerId(), heartbeatMillis() * 3))
        .map(rows -> {
          long live = Math.max(1, rows.iterator().next().getLong("live"));
          if (live != liveWorkers.getAndSet(live)) {
            LOG.info("Push workers sharing the send rate: {}; this one sends up to {}/s", live,
                settings.ratePerSecond() / live);
          }
          limiter.rate(settings.ratePerSecond() / live);
          return (Void) null;
        })
        .recover(err -> {
          LOG.warn("Push worker heartbeat failed: {}", err.toString());
          return Future.succeededFuture();
        });
  }

  private void measureQueue() {
    pool.query(QUEUE_DEPTH).execute().onSuccess(rows -> {
      Row r = rows.iterator().next();
      queueDepth.set(r.getLong("n"));
      OffsetDateTime oldest = r.getOffsetDateTime("oldest");
      oldestPendingSeconds.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest.toInstant(), clock.instant()).getSeconds()));
    });
  }

  /** Stops claiming, lets the sends in flight finish and be recorded, then releases any lease still held. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(depthTimer);
    vertx.cancelTimer(pruneTimer);
    vertx.cancelTimer(heartbeatTimer);
    Promise<Void> done = Promise.promise();
    drained = done;
    if (rounds == 0) {
      done.tryComplete();
    }
    return done.future()
        .timeout(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)
        .recover(err -> Future.succeededFuture())
        .compose(v -> pool.preparedQuery(RELEASE).execute(Tuple.of(settings.workerId(), utc(clock.instant()))))
        .recover(err -> Future.succeededFuture())
        // the others take over its share at their next heartbeat
        .compose(v -> pool.preparedQuery(LEAVE).execute(Tuple.of(settings.workerId())))
        .recover(err -> Future.succeededFuture())
        .compose(v -> subscriber.close());
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
