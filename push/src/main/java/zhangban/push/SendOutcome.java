package zhangban.push;

import java.time.Duration;
import java.util.Optional;

/** What became of one send. */
public sealed interface SendOutcome {
  /** Accepted by FCM. */
  record Sent(String messageId) implements SendOutcome {}

  /** The token is dead (UNREGISTERED, INVALID_ARGUMENT, SENDER_ID_MISMATCH): retire it, never send to it again. */
  record TokenRejected(String code, String detail) implements SendOutcome {}

  /** Worth another try (QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL, I/O): after Retry-After when given. */
  record Retry(String code, Optional<Duration> retryAfter, String detail) implements SendOutcome {}

  /** Will never succeed as it is (e.g. an authentication problem of ours): dead-letter at once. */
  record Rejected(String code, String detail) implements SendOutcome {}
}
