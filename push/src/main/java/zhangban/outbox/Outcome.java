package zhangban.outbox;

import java.time.Duration;
import java.util.Optional;

/** What became of one job's send, as the worker acts on it. */
public sealed interface Outcome {
  /** Accepted by the other side; {@code receipt} is what it answered with (a message id, a platform's receipt). */
  record Sent(String receipt) implements Outcome {}

  /** Worth another try (a quota, an outage, a time-out): after {@code retryAfter} when the other side said. */
  record Retry(String code, Optional<Duration> retryAfter, String detail) implements Outcome {}

  /** Will never succeed as it is: kept as a dead letter with the reason, for an operator to requeue after a fix. */
  record Rejected(String code, String detail) implements Outcome {}

  /** Its recipient no longer exists (a retired device token): dropped for good, and the queue told. */
  record Gone(String code, String detail) implements Outcome {}
}
