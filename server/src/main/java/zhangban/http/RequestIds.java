package zhangban.http;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Every request carries an id: the one the caller sent in {@code X-Request-Id} (a gateway's or the
 * app's), or a new one. It is returned in the same header, named in error replies and in every log
 * line about the request, so one complaint can be followed through the logs of all replicas.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  private static final Logger ACCESS = LoggerFactory.getLogger("zhangban.access");
  /** Anything else is replaced rather than echoed: no log injection, no header splitting. */
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  /** The first handler of every request; with {@code accessLog} also logs it once it is answered. */
  public static void assign(RoutingContext rc, boolean accessLog) {
    String given = rc.request().getHeader(HEADER);
    String id = given != null && ACCEPTED.matcher(given).matches() ? given : newId();
    rc.put(KEY, id);
    rc.response().putHeader(HEADER, id);
    // probes and scrapes come every few seconds and would drown the requests worth reading
    if (accessLog && !rc.request().path().startsWith("/health/") && !rc.request().path().equals("/metrics")) {
      long start = System.nanoTime();
      rc.addEndHandler(v -> withId(rc, () -> ACCESS.info("{} {} {} {} ms", rc.request().method(),
          pathOnly(rc), rc.response().getStatusCode(), (System.nanoTime() - start) / 1_000_000)));
    }
    rc.next();
  }

  public static String of(RoutingContext rc) {
    String id = rc.get(KEY);
    return id != null ? id : newId();
  }

  /** Runs {@code log} with the request id in the logging context (logged on this thread, now). */
  public static void withId(RoutingContext rc, Runnable log) {
    MDC.put(KEY, of(rc));
    try {
      log.run();
    } finally {
      MDC.remove(KEY);
    }
  }

  /**
   * A path segment that is a secret: a rating link's token rates for whoever holds it, so it is
   * logged as its name.
   */
  private static final java.util.regex.Pattern SECRET_SEGMENT =
      java.util.regex.Pattern.compile("^(/public/rating-links/)[^/]+");

  /** The path without its query (queries may carry what a log should not keep) nor its secrets. */
  private static String pathOnly(RoutingContext rc) {
    return loggable(rc.request().path());
  }

  static String loggable(String path) {
    if (path == null) {
      return "";
    }
    String shown = SECRET_SEGMENT.matcher(path).replaceFirst("$1{token}");
    return shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
  }

  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}
