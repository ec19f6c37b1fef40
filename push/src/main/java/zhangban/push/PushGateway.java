package zhangban.push;

import io.vertx.core.Future;

/** Where pushes go: FCM through the Firebase Admin SDK, or a recorder when no credentials are given. */
public interface PushGateway extends AutoCloseable {
  /** Sends one message; the future always succeeds, with the outcome, on the caller's context. */
  Future<SendOutcome> send(PushMessage message);

  /** For start-up logs and readiness details. */
  String describe();

  @Override
  default void close() {}
}
