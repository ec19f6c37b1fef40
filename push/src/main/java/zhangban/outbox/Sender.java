package zhangban.outbox;

import io.vertx.core.Future;
import java.util.List;

/** Sends a round of claimed jobs to the other side. */
public interface Sender<J extends OutboxJob> {
  /**
   * One outcome per job, in the jobs' order, each completing as soon as it is known (one call per
   * job, or a batch that answers for several). A failed future counts as a retry.
   */
  List<Future<Outcome>> send(List<J> jobs);

  /** Where it sends, for the log and the health check. */
  String describe();
}
