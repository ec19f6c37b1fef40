package zhangban.push;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Used when no Firebase credentials are configured: records what it would send and says so. */
public final class RecordingGateway implements PushGateway {
  private static final Logger LOG = LoggerFactory.getLogger(RecordingGateway.class);
  private static final int KEEP = 1000;
  private final List<PushMessage> recorded = new CopyOnWriteArrayList<>();
  private final AtomicLong counter = new AtomicLong();

  @Override
  public Future<SendOutcome> send(PushMessage message) {
    long n = counter.incrementAndGet();
    if (recorded.size() >= KEEP) {
      recorded.remove(0);
    }
    recorded.add(message);
    LOG.debug("Would push to {}: {} / {}", abbreviate(message.token()), message.title(), message.body());
    return Future.succeededFuture(new SendOutcome.Sent("recorded-" + n));
  }

  /** The last messages it would have sent, oldest first. */
  public List<PushMessage> recorded() {
    return List.copyOf(recorded);
  }

  @Override
  public String describe() {
    return "recording only (no Firebase credentials configured): pushes are kept in the outbox and not delivered";
  }

  static String abbreviate(String token) {
    return token.length() <= 12 ? token : token.substring(0, 6) + "…" + token.substring(token.length() - 4);
  }
}
