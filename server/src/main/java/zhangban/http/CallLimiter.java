package zhangban.http;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed-window limit of calls per minute per key (a user, a device, a client's address), held in
 * this process.
 * With several replicas each keeps its own count, so a client spread across them gets at most
 * replicas × the limit; the limit is a brake on abuse, not an accounting.
 */
public final class CallLimiter {
  private static final int SWEEP_ABOVE = 50_000;

  private final int perMinute;
  private final String calls;
  private final Clock clock;
  private final ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>();
  /** The minute of the last sweep: at most one a minute, so a crowd of clients costs one pass, not one per call. */
  private volatile long sweptMinute = -1;

  /** At most {@code perMinute} {@code calls} ("rating calls") a minute per key. */
  public CallLimiter(int perMinute, String calls, Clock clock) {
    this.perMinute = perMinute;
    this.calls = calls;
    this.clock = clock;
  }

  /** Counts one call for each key; fails with 429 and a Retry-After when any key is over. */
  public void acquire(String... keys) {
    long now = clock.millis();
    long minute = now / 60_000;
    for (String key : keys) {
      if (key == null) {
        continue;
      }
      long[] w = windows.compute(key, (k, old) -> {
        if (old == null || old[0] != minute) {
          return new long[] {minute, 1};
        }
        old[1]++;
        return old;
      });
      if (w[1] > perMinute) {
        long retryAfter = Math.max(1, ((minute + 1) * 60_000 - now + 999) / 1000);
        throw new ApiException(ProblemType.TOO_MANY_REQUESTS,
            "At most " + perMinute + " " + calls + " a minute; try again in " + retryAfter + " s.",
            new io.vertx.core.json.JsonObject().put("retryAfterSeconds", retryAfter));
      }
    }
    if (windows.size() > SWEEP_ABOVE && sweptMinute != minute) {
      sweptMinute = minute;
      windows.values().removeIf(w -> w[0] < minute);
    }
  }
}
