package zhangban.push;

import java.time.Duration;

/**
 * How the worker claims and retries. {@code ratePerSecond} is the global send limit of one process
 * (FCM's default project quota is 600,000 a minute: keep the sum over replicas below it).
 */
public record PushSettings(
    int batchSize,
    Duration lease,
    Duration pollInterval,
    int maxAttempts,
    Duration backoffBase,
    Duration backoffMax,
    double ratePerSecond,
    Duration shutdownGrace,
    String workerId) {

  public static PushSettings defaults(String workerId) {
    return new PushSettings(200, Duration.ofSeconds(60), Duration.ofSeconds(1), 8, Duration.ofSeconds(2),
        Duration.ofMinutes(30), 5000, Duration.ofSeconds(20), workerId);
  }
}
