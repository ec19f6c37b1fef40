package zhangban.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A connection must send each request's line and headers in time: the first within the deadline
 * of its opening, each next one within one to two deadlines of the previous answer. A client
 * that trickles a few bytes now and then (slowloris) never trips the idle timeout, and is closed
 * here. While the server is still answering, the connection is not held to it. One instance per
 * event loop: a server instance's connections and their requests are all handled on its thread.
 */
final class HeaderDeadline {
  private final Vertx vertx;
  private final long millis;
  private final Map<HttpConnection, Watch> watched = new IdentityHashMap<>();

  /** One connection: its latest request, and whether it was already found waiting for the next. */
  private static final class Watch {
    HttpServerRequest current;
    boolean waitingSeen;
    long timer = -1;
  }

  HeaderDeadline(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.millis = millis;
  }

  void opened(HttpConnection connection) {
    Watch watch = new Watch();
    watch.waitingSeen = true; // nothing to answer yet: the first request's headers are due within one deadline
    watched.put(connection, watch);
    arm(connection, watch);
    connection.closeHandler(v -> {
      Watch gone = watched.remove(connection);
      if (gone != null) {
        vertx.cancelTimer(gone.timer);
      }
    });
  }

  void arrived(HttpServerRequest request) {
    Watch watch = watched.get(request.connection());
    if (watch != null) {
      watch.current = request;
      watch.waitingSeen = false;
      vertx.cancelTimer(watch.timer);
      arm(request.connection(), watch);
    }
  }

  private void arm(HttpConnection connection, Watch watch) {
    watch.timer = vertx.setTimer(millis, t -> check(connection, watch));
  }

  private void check(HttpConnection connection, Watch watch) {
    if (watched.get(connection) != watch) {
      return;
    }
    HttpServerRequest current = watch.current;
    boolean busy = current != null && (!current.isEnded() || !current.response().ended());
    if (busy) {
      // a body still coming (the idle timeout watches it) or an answer still being made
      arm(connection, watch);
    } else if (!watch.waitingSeen) {
      // answered at some point in the last deadline: give the next request a whole one
      watch.waitingSeen = true;
      arm(connection, watch);
    } else {
      watched.remove(connection);
      connection.close();
    }
  }
}
