package zhangban.push;

import java.time.Duration;

/**
 * How the worker claims and retries. {@code ratePerSecond} is the send limit of all the workers on
 * one database together (FCM's default project quota is 600,000 a minute): each takes its share.
 * Devices whose token was not refreshed for {@code staleAfter} are retired (FCM expires tokens
 * of apps inactive for 270 days; the app refreshes its registration when it runs).
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
    Duration staleAfter,
    Duration pruneInterval,
    String workerId) {

  public static PushSettings defaults(String workerId) {
    return new PushSettings(200, Duration.ofSeconds(60), Duration.ofSeconds(1), 8, Duration.ofSeconds(2),
        Duration.ofMinutes(30), 8000, Duration.ofSeconds(20), Duration.ofDays(270), Duration.ofHours(1), workerId);
  }
}
