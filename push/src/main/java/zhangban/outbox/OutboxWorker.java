package zhangban.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one outbox table. Claims due jobs in batches with {@code FOR UPDATE SKIP LOCKED} and a
 * lease, so that any number of processes share the work and a job held by a process that died is
 * taken up again when its lease runs out. Woken by NOTIFY on the queue's channel, and polls as well.
 * Failed sends are retried with exponential backoff and jitter (or after the other side's
 * Retry-After) and kept as dead letters after the last attempt or at once when rejected. The
 * workers of one queue share its send rate through their heartbeats. Stopping lets the sends in
 * flight finish and be recorded, then gives back what is still leased.
 *
 * <p>Runs on the context of whoever {@link #start starts} it (a verticle that owns it).
 */
public final class OutboxWorker<J extends OutboxJob> {
  private static final int MAX_ROUNDS = 2;

  /**
   * How long an accepted send may wait for others to share its statement. A statement per send
   * cost PostgreSQL half as much again per message (PushDrainBenchmark, 148-176 us against
   * 99-131 us); a crash repeats at most this long's accepted sends more than the ones in flight.
   */
  static final long ACCEPTED_LINGER_MILLIS = 10;
  /** Written at once when this many are waiting. */
  static final int ACCEPTED_BATCH = 100;

  private final Logger log;
  private final Pool pool;
  private final PgConnectOptions listenOptions;
  private final OutboxQueue<J> queue;
  private final Sender<J> sender;
  private final OutboxSettings settings;
  private final Clock clock;
  private final MeterRegistry registry;
  private final String prefix;

  private Vertx vertx;
  private RateLimiter limiter;
  private PgSubscriber subscriber;
  private final List<Long> timers = new ArrayList<>();
  private final AtomicLong liveWorkers = new AtomicLong(1);
  private int rounds;
  private boolean again;
  private boolean stopping;
  /** The last heartbeat sent, so that stopping waits for it before leaving. */
  private Future<Void> lastBeat = Future.succeededFuture();
  private Promise<Void> drained;
  private final AtomicLong queueDepth = new AtomicLong();
  private final AtomicLong oldestPendingSeconds = new AtomicLong();
  private Counter sent;
  private Counter retries;
  private Timer latency;

  /**
   * Jobs this worker is sending now. Their lease may run out by the clock while a send is slow (or
   * the clock jumps); this worker must not claim them again meanwhile, or it would send them twice.
   * Another process may, as it must when this one died.
   */
  private final Set<Long> inFlight = new HashSet<>();

  public OutboxWorker(Pool pool, PgConnectOptions listenOptions, OutboxQueue<J> queue, Sender<J> sender,
                      OutboxSettings settings, Clock clock, MeterRegistry registry) {
    this.pool = pool;
    this.listenOptions = listenOptions;
    this.queue = queue;
    this.sender = sender;
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.prefix = "zhangban." + queue.name();
    this.log = LoggerFactory.getLogger(OutboxWorker.class.getName() + "." + queue.name());
  }

  public Future<Void> start(Vertx vertx) {
    this.vertx = vertx;
    limiter = new RateLimiter(settings.ratePerSecond());
    sent = Counter.builder(prefix + ".sent").description("Jobs the other side accepted").register(registry);
    retries = Counter.builder(prefix + ".retries").description("Sends to be tried again").register(registry);
    latency = Timer.builder(prefix + ".send.latency").description("Time of one send").register(registry);
    Gauge.builder(prefix + ".workers", liveWorkers, AtomicLong::get)
        .description("Workers sharing the send rate").register(registry);
    Gauge.builder(prefix + ".rate.limit", this, w -> w.limiter.rate())
        .description("This worker's share of the send rate, sends a second").register(registry);
    Gauge.builder(prefix + ".queue.depth", queueDepth, AtomicLong::get)
        .description("Jobs waiting to be sent").register(registry);
    Gauge.builder(prefix + ".oldest.pending.seconds", oldestPendingSeconds, AtomicLong::get)
        .description("Age of the oldest waiting job").register(registry);
    subscriber = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(attempts -> 1000L);
    subscriber.channel(queue.channel()).handler(payload -> drain());
    every(settings.pollInterval().toMillis(), this::drain);
    every(5000, this::measureQueue);
    every(heartbeatMillis(), this::heartbeat);
    log.info("Worker {} of {} sending via {}", settings.workerId(), queue.name(), sender.describe());
    return heartbeat().compose(v -> subscriber.connect())
        .recover(err -> {
          log.warn("LISTEN failed ({}); polling only until it reconnects", err.getMessage());
          return Future.succeededFuture();
        })
        .onSuccess(v -> drain());
  }

  /** Runs {@code task} every {@code millis} until the worker stops. */
  public void every(long millis, Runnable task) {
    timers.add(vertx.setPeriodic(millis, id -> task.run()));
  }

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
    queue.claim(pool, now, permits, now.plus(settings.lease()), settings.workerId(), inFlight.toArray(Long[]::new))
        .onComplete(ar -> {
          if (ar.failed()) {
            log.warn("Claiming jobs failed: {}", ar.cause().toString());
            roundDone(false);
            return;
          }
          List<J> jobs = ar.result();
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
              log.warn("Round failed: {}", done.cause().toString());
            }
            // an ordered queue's next jobs may have waited for this round's
            roundDone(full || queue.ordered());
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

  /**
   * Sends a round and records each outcome as it comes, not after the round's slowest send: only
   * the sends really in flight when a process dies are sent again after their lease. Completes
   * when every outcome of the round is recorded.
   */
  private Future<Void> sendAll(List<J> jobs) {
    long started = System.nanoTime();
    List<Future<Outcome>> outcomes;
    try {
      outcomes = sender.send(jobs);
    } catch (RuntimeException e) {
      outcomes = jobs.stream().map(j -> Future.<Outcome>failedFuture(e)).toList();
    }
    List<Future<Void>> recorded = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      J job = jobs.get(i);
      recorded.add(outcomes.get(i).transform(ar -> {
        if (ar.succeeded()) {
          latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        Outcome outcome = ar.succeeded() ? ar.result()
            : new Outcome.Retry("UNKNOWN", java.util.Optional.empty(), String.valueOf(ar.cause()));
        return record(job, outcome);
      }));
    }
    return Future.join(recorded).mapEmpty();
  }

  private Future<Void> record(J job, Outcome outcome) {
    if (outcome instanceof Outcome.Sent accepted) {
      sent.increment();
      return recordSent(job.id(), accepted.receipt());
    }
    Instant now = clock.instant();
    String me = settings.workerId();
    String status;
    Instant next = now;
    String error;
    if (outcome instanceof Outcome.Retry r) {
      failed(r.code());
      if (job.attempts() >= settings.maxAttempts()) {
        status = "dead";
        error = r.code() + " after " + job.attempts() + " attempts: " + r.detail();
      } else {
        retries.increment();
        status = "temporary-failure";
        next = now.plus(r.retryAfter().orElseGet(() -> backoff(job.attempts())));
        error = r.code() + ": " + r.detail();
      }
    } else if (outcome instanceof Outcome.Gone g) {
      failed(g.code());
      status = "permanent-failure";
      error = g.code() + ": " + g.detail();
    } else {
      Outcome.Rejected x = (Outcome.Rejected) outcome;
      failed(x.code());
      status = "dead";
      error = x.code() + ": " + x.detail();
    }
    Instant due = next;
    return persistently("recording job " + job.id(),
        () -> queue.failed(pool, job, outcome, status, due, error, now, me));
  }

  /** A job the other side accepted, waiting for the statement that records it. */
  private record Accepted(long id, String receipt, Promise<Void> recorded) {}

  /** Accepted jobs not yet written; written together, one statement at a time. */
  private List<Accepted> accepted = new ArrayList<>();
  private boolean writingAccepted;
  private long acceptedTimer = -1;

  /**
   * Sent jobs are written together: after {@value #ACCEPTED_LINGER_MILLIS} ms, or at once when
   * {@value #ACCEPTED_BATCH} are waiting, and never two such statements at a time (those accepted
   * while one is in flight go in the next).
   */
  private Future<Void> recordSent(long id, String receipt) {
    Promise<Void> recorded = Promise.promise();
    accepted.add(new Accepted(id, receipt, recorded));
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
    Long[] ids = batch.stream().map(Accepted::id).toArray(Long[]::new);
    String[] receipts = batch.stream().map(Accepted::receipt).toArray(String[]::new);
    persistently("recording " + batch.size() + " sent jobs",
        () -> queue.sent(pool, ids, receipts, clock.instant(), settings.workerId()))
        .onComplete(ar -> {
          writingAccepted = false;
          batch.forEach(a -> a.recorded().tryComplete());
          if (!accepted.isEmpty()) {
            writeAccepted();
          }
        });
  }

  /**
   * The other side has answered: what it said must reach the database, or the job is sent again once
   * its lease runs out. When the database does not answer (a restart, a failover), the write is
   * tried again until it succeeds or the lease has long expired (by then another process may have
   * taken the job; the writes only touch jobs this worker still holds). Meanwhile the jobs stay in
   * flight, so this worker does not claim them again.
   */
  private Future<Void> persistently(String what, Supplier<Future<Void>> write) {
    Promise<Void> done = Promise.promise();
    long giveUpAt = System.nanoTime() + 2 * settings.lease().toNanos();
    attempt(what, write, done, giveUpAt, 200);
    return done.future();
  }

  private void attempt(String what, Supplier<Future<Void>> write, Promise<Void> done, long giveUpAt, long waitMillis) {
    write.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.tryComplete();
      } else if (System.nanoTime() > giveUpAt) {
        log.error("Gave up {}: {}; the jobs will be sent again after their lease", what, ar.cause().toString());
        done.tryComplete();
      } else {
        log.warn("{} failed ({}); trying again in {} ms", what, ar.cause().toString(), waitMillis);
        vertx.setTimer(waitMillis, t -> attempt(what, write, done, giveUpAt, Math.min(waitMillis * 2, 1000)));
      }
    });
  }

  private void failed(String reason) {
    Counter.builder(prefix + ".failed").tag("reason", reason).description("Failed sends by reason")
        .register(registry).increment();
  }

  /** Exponential, with full jitter in its upper half, capped. */
  Duration backoff(int attempts) {
    long base = settings.backoffBase().toMillis() << Math.min(20, Math.max(0, attempts - 1));
    long capped = Math.min(base, settings.backoffMax().toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(jittered);
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
    if (stopping) {
      return Future.succeededFuture();
    }
    lastBeat = queue.heartbeat(pool, settings.workerId(), heartbeatMillis() * 3)
        .map(seen -> {
          long live = Math.max(1, seen);
          if (live != liveWorkers.getAndSet(live)) {
            log.info("Workers sharing the send rate of {}: {}; this one sends up to {}/s", queue.name(), live,
                settings.ratePerSecond() / live);
          }
          limiter.rate(settings.ratePerSecond() / live);
          return (Void) null;
        })
        .recover(err -> {
          log.warn("Heartbeat failed: {}", err.toString());
          return Future.succeededFuture();
        });
    return lastBeat;
  }

  private void measureQueue() {
    queue.backlog(pool).onSuccess(b -> {
      queueDepth.set(b.waiting());
      oldestPendingSeconds.set(b.oldest() == null ? 0
          : Math.max(0, Duration.between(b.oldest(), clock.instant()).getSeconds()));
    });
  }

  /** Stops claiming, lets the sends in flight finish and be recorded, then releases any lease still held. */
  public Future<Void> stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    Promise<Void> done = Promise.promise();
    drained = done;
    if (rounds == 0) {
      done.tryComplete();
    }
    return done.future()
        .timeout(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)
        .recover(err -> Future.succeededFuture())
        .compose(v -> queue.release(pool, settings.workerId(), clock.instant()))
        .recover(err -> Future.succeededFuture())
        // a heartbeat still on its way would write the row back after leaving
        .compose(v -> lastBeat)
        // the others take over its share at their next heartbeat
        .compose(v -> queue.leave(pool, settings.workerId()))
        .recover(err -> Future.succeededFuture())
        .compose(v -> subscriber.close());
  }
}
