package zhangban.sms;

import io.vertx.core.Future;
import zhangban.outbox.Outcome;

/**
 * Sends one SMS. An outcome says what became of it as the outbox worker acts on it: sent (with the
 * provider's serial number, which its receipt names), retry (a quota, an outage), rejected (an
 * unapproved template or signature: dead-lettered), or gone (a number that cannot receive).
 */
public interface SmsGateway extends AutoCloseable {
  Future<Outcome> send(SmsMessage message);

  /** Where messages go, for the log and the health check; never a credential. */
  String describe();

  @Override
  default void close() {}
}
