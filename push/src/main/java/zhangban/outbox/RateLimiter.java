package zhangban.outbox;

/** A token bucket used on one context: up to one second's worth of sends may go at once. */
final class RateLimiter {
  private double perSecond;
  private double capacity;
  private double tokens;
  private long last;

  RateLimiter(double perSecond) {
    this.perSecond = perSecond;
    this.capacity = Math.max(1, perSecond);
    this.tokens = capacity;
    this.last = System.nanoTime();
  }

  /** A new rate from now on; what was earned at the old rate is kept, up to the new capacity. */
  void rate(double newPerSecond) {
    refill();
    perSecond = newPerSecond;
    capacity = Math.max(1, newPerSecond);
    tokens = Math.min(tokens, capacity);
  }

  double rate() {
    return perSecond;
  }

  /** Takes up to {@code wanted} permits now; answers how many were granted. */
  int take(int wanted) {
    refill();
    int granted = (int) Math.min(wanted, Math.floor(tokens));
    tokens -= granted;
    return granted;
  }

  /** Milliseconds until one permit is free. */
  long waitMillis() {
    refill();
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * 1000 / perSecond);
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
    last = now;
  }
}
