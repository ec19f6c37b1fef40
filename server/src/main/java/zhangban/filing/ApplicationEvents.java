package zhangban.filing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.UUID;

/**
 * What filing tells other features, inside the transaction of the change, so that their
 * consequences (an inbox entry, push jobs) commit with it or not at all.
 */
public interface ApplicationEvents {
  /**
   * One transition, with what a message about it needs. {@code materials} is the item's guide;
   * {@code actor} who took the action (for the department, the officer who handled the step; null
   * when another system registered the step without naming its officer). {@code applicantSubject}
   * is null for an applicant another system knows only by name and mobile number. {@code source}
   * is app for Zhangban's own applications, hall or system for transactions another system handled
   * and registered.
   */
  record Transition(UUID applicationId, String number, String itemName, String applicantSubject, String department,
                    String action, String fromState, String toState, JsonObject details, JsonArray materials,
                    String actor, Instant at, String source) {
    public boolean handledElsewhere() {
      return !"app".equals(source);
    }
  }

  Future<Void> transitioned(SqlClient tx, Transition transition);

  ApplicationEvents NONE = (tx, t) -> Future.succeededFuture();

  /** Tells each listener in turn, in the same transaction. */
  static ApplicationEvents all(ApplicationEvents... listeners) {
    return (tx, t) -> {
      Future<Void> chain = Future.succeededFuture();
      for (ApplicationEvents l : listeners) {
        chain = chain.compose(v -> l.transitioned(tx, t));
      }
      return chain;
    };
  }
}
