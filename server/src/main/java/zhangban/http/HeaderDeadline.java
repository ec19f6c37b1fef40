package zhangban.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A connection that does not finish sending its first request's line and headers in time is
 * closed (slowloris: a few bytes now and then keep the idle timeout from firing). Later requests on
 * a kept-alive connection are bounded by the idle timeout. One instance per event loop: the
 * connections of a server instance and their requests are all handled on its thread. A
 * connection that goes away before its first request stays here until its timer fires.
 */
final class HeaderDeadline {
  private final Vertx vertx;
  private final long millis;
  private final Map<HttpConnection, Long> timers = new IdentityHashMap<>();

  HeaderDeadline(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.millis = millis;
  }

  void opened(HttpConnection connection) {
    // not the connection's close handler: Vert.x reports a close there that is not the socket's
    timers.put(connection, vertx.setTimer(millis, t -> {
      if (timers.remove(connection) != null) {
        connection.close();
      }
    }));
  }

  void arrived(HttpServerRequest request) {
    Long timer = timers.remove(request.connection());
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
