package zhangban.rectification;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.UUID;

/**
 * How a rater Zhangban knows only by a mobile number (a 差评 through a link) hears of the
 * department's reply: in the reply's transaction, the rating feature sends them a link to read it
 * and give the follow-up (追评).
 */
@FunctionalInterface
public interface RaterWithoutApp {
  Future<Void> replied(SqlClient tx, UUID ratingId, UUID applicationId, String itemName, Instant at);
}
