package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import zhangban.support.Poll;
import zhangban.support.TestServer;

/** The push workers on one database share PUSH_RATE_PER_SECOND between them. */
class PushRateShareTest {
  private static final Map<String, String> ENV = Map.of("PUSH_RATE_PER_SECOND", "1200", "PUSH_POLL_MS", "100");

  /** A gauge's value as the process's own /metrics reports it. */
  private static double gauge(TestServer server, String name) {
    String text = server.api.get("/metrics").send().expect(200).body().toString();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.E+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
  }

  private static void awaitShare(TestServer server, String who, double share, long workers) {
    Poll.until(who + " to send up to " + share + "/s as one of " + workers,
        () -> gauge(server, "zhangban_push_rate_limit") == share && gauge(server, "zhangban_push_workers") == workers,
        () -> gauge(server, "zhangban_push_rate_limit") + "/s of " + gauge(server, "zhangban_push_workers"));
  }

  @Test
  void eachLiveWorkerTakesAnEqualShareAndAStoppedOrDeadOneGivesItsShareBack() {
    try (TestServer first = TestServer.start(ENV)) {
      awaitShare(first, "a worker alone", 1200, 1);
      try (TestServer second = first.sibling(ENV, null)) {
        awaitShare(first, "the first worker", 600, 2);
        awaitShare(second, "the second worker", 600, 2);
      }
      // the second stopped and left: its share comes back at the first's next heartbeat
      awaitShare(first, "the first worker", 1200, 1);
      assertEquals(1, first.count("select count(*) from push_worker"));

      // a worker that died leaves its row behind: counted while it is fresh, not after three heartbeats
      first.update("insert into push_worker (id, seen_at) values ('died-just-now', now())");
      awaitShare(first, "the first worker beside a dead one", 600, 2);
      awaitShare(first, "the first worker once the dead one's row is old", 1200, 1);
      // and the rows of workers long gone are deleted
      first.update("insert into push_worker (id, seen_at) values ('died-long-ago', now() - interval '2 hours')");
      Poll.until("the long-gone worker's row to be deleted",
          () -> first.count("select count(*) from push_worker where id = 'died-long-ago'") == 0);
    }
  }
}
