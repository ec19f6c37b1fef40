package zhangban.rating;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import zhangban.http.ApiException;
import zhangban.http.ProblemType;

/**
 * A fixed-window limit of calls per minute per key (a user, a device), held in this process.
 * With several replicas each keeps its own count, so a client spread across them gets at most
 * replicas × the limit; the limit is a brake on abuse, not an accounting.
 */
final class CallLimiter {
  private static final int SWEEP_ABOVE = 50_000;

  private final int perMinute;
  private final Clock clock;
  private final ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>();

  CallLimiter(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** Counts one call for each key; fails with 429 and a Retry-After when any key is over. */
  void acquire(String... keys) {
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
            "At most " + perMinute + " rating calls a minute; try again in " + retryAfter + " s.",
            new io.vertx.core.json.JsonObject().put("retryAfterSeconds", retryAfter));
      }
    }
    if (windows.size() > SWEEP_ABOVE) {
      windows.values().removeIf(w -> w[0] < minute);
    }
  }
}
