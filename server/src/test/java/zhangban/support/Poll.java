package zhangban.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for asynchronous outcomes by polling; the wait is generous and never itself an assertion of speed. */
public final class Poll {
  public static final Duration DEFAULT = Duration.ofSeconds(30);
  private static final long EVERY_MS = 50;

  private Poll() {}

  /** Waits until {@code condition} holds, failing with {@code what} (and the last state) after 30 s. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, condition, () -> "");
  }

  public static void until(String what, BooleanSupplier condition, Supplier<Object> state) {
    until(DEFAULT, what, condition, state);
  }

  public static void until(Duration timeout, String what, BooleanSupplier condition, Supplier<Object> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail("Timed out after " + timeout.toSeconds() + " s waiting for: " + what + "; last state: " + state.get());
      }
      try {
        Thread.sleep(EVERY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("Interrupted waiting for " + what);
      }
    }
  }
}
