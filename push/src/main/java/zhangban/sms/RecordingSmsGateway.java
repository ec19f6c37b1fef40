package zhangban.sms;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import zhangban.outbox.Outcome;

/**
 * Keeps the messages instead of sending them: for development, tests and load, as push has. It
 * keeps the last {@value #KEPT} only, in memory: numbers are in them.
 */
public final class RecordingSmsGateway implements SmsGateway {
  static final int KEPT = 1000;
  private final List<SmsMessage> sent = new CopyOnWriteArrayList<>();
  private final AtomicLong serial = new AtomicLong();

  @Override
  public Future<Outcome> send(SmsMessage message) {
    sent.add(message);
    while (sent.size() > KEPT) {
      sent.remove(0);
    }
    return Future.succeededFuture(new Outcome.Sent("recorded-" + serial.incrementAndGet()));
  }

  public List<SmsMessage> sent() {
    return List.copyOf(sent);
  }

  @Override
  public String describe() {
    return "recording only (no SMS provider configured): messages are kept, not sent";
  }
}
