package zhangban.bench;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import zhangban.support.TestServer;

/**
 * What refusing a hostile JSON body costs the event loops, against a body of the same size that
 * the contract takes, in the same run: a create-application body of N unknown properties (each an
 * error to report) beside one whose form holds the same number of bytes as one text value. For
 * each: the event loops' CPU per request and per 100 KB (all threads named
 * {@code vert.x-eventloop-*}, read from the JVM), the validation workers' CPU, the reply's size.
 * The client is the JDK's, on threads of its own. Not a test.
 *
 * <p>Run: {@code mvn -q -B -DskipTests install -pl server -am && mvn -q -B -pl server exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=zhangban.bench.HostileBodyBenchmark -Dexec.args="20"}
 * (the argument: requests per body, after 5 untimed ones).
 */
public final class HostileBodyBenchmark {
  public static void main(String[] args) throws Exception {
    int repeat = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    try (TestServer server = TestServer.start()) {
      String token = server.token("citizen-zhang");
      HttpClient client = HttpClient.newHttpClient();
      Map<String, String> bodies = new LinkedHashMap<>();
      for (int keys : new int[] {8_000, 80_000}) {
        JsonObject unknown = new JsonObject().put("itemCode", "MZ-HY-001");
        for (int i = 0; i < keys; i++) {
          unknown.put("k" + i, 0);
        }
        String hostile = unknown.encode();
        String valid = new JsonObject().put("itemCode", "MZ-HY-001")
            .put("form", new JsonObject().put("note", "x".repeat(hostile.length() - 50))).encode();
        bodies.put("valid, " + valid.length() / 1024 + " KB", valid);
        bodies.put(keys + " unknown properties, " + hostile.length() / 1024 + " KB", hostile);
      }
      System.out.printf("%-36s %10s %14s %16s %12s %10s%n", "body", "wall ms", "event loop ms",
          "loop ms/100 KB", "worker ms", "reply KB");
      long n = 0;
      for (var e : bodies.entrySet()) {
        byte[] body = e.getValue().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5; i++) {
          send(client, server, token, body, "warm-" + (n++));
        }
        long loop0 = cpu("vert.x-eventloop");
        long worker0 = cpu("vert.x-worker") + cpu("vert.x-internal-blocking");
        long wall0 = System.nanoTime();
        int replyBytes = 0;
        for (int i = 0; i < repeat; i++) {
          replyBytes = send(client, server, token, body, "bench-" + (n++));
        }
        double wall = (System.nanoTime() - wall0) / 1e6 / repeat;
        double loop = (cpu("vert.x-eventloop") - loop0) / 1e6 / repeat;
        double worker = (cpu("vert.x-worker") + cpu("vert.x-internal-blocking") - worker0) / 1e6 / repeat;
        System.out.printf("%-36s %10.1f %14.2f %16.2f %12.2f %10.1f%n", e.getKey(), wall, loop,
            loop / (body.length / 102_400.0), worker, replyBytes / 1024.0);
      }
    }
  }

  private static int send(HttpClient client, TestServer server, String token, byte[] body, String key)
      throws Exception {
    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.config.port()
            + "/applications"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .header("Idempotency-Key", "hostile-" + key)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() >= 500) {
      throw new IllegalStateException("answered " + r.statusCode());
    }
    return r.body().length;
  }

  /** CPU time of every live thread whose name starts with {@code prefix}, in nanoseconds. */
  private static long cpu(String prefix) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith(prefix)) {
        long ns = threads.getThreadCpuTime(t.getThreadId());
        total += Math.max(0, ns);
      }
    }
    return total;
  }
}
