package zhangban.outbox;

import java.time.Duration;

/**
 * How a worker claims and retries. {@code ratePerSecond} is the send limit of all the workers of one
 * queue on one database together: each takes its share. A job is tried {@code maxAttempts} times,
 * waiting an exponential backoff from {@code backoffBase} up to {@code backoffMax} (or the other
 * side's Retry-After) between tries, then kept as a dead letter.
 */
public record OutboxSettings(
    int batchSize,
    Duration lease,
    Duration pollInterval,
    int maxAttempts,
    Duration backoffBase,
    Duration backoffMax,
    double ratePerSecond,
    Duration shutdownGrace,
    String workerId) {}
