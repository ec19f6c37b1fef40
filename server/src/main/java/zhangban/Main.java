package zhangban;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.config.Config;

/** Starts Zhangban with the configuration in the environment. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    zhangban.push.FcmTransport.noSilentPostRetry();
    Config config = Config.fromEnv();
    App app = App.start(config, Clock.systemUTC());
    // SIGTERM (Kubernetes, systemd) and Ctrl-C drain and exit 0: a stop that was asked for is not a failure
    for (String signal : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(() -> stop(app, "SIG" + signal,
          config.drainDelayMillis()), "shutdown").start());
    }
    // any other exit (System.exit, the last thread ending) still closes in order
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown-hook"));
    String base = "http://localhost:" + config.port();
    System.out.println();
    System.out.println("Zhangban is listening on " + base + " (contract: " + base + "/openapi.yaml)");
    if (config.devMode()) {
      System.out.println("DEV_MODE is on. Demo users: curl " + base + "/dev/users");
      System.out.println("A demo token:  curl -s -X POST " + base + "/dev/tokens -H 'Content-Type: application/json' "
          + "-d '{\"user\":\"citizen-zhang\"}'");
    }
    System.out.println();
  }

  private static void stop(App app, String signal, long drainDelayMillis) {
    LOG.info("{}: draining and stopping", signal);
    int status = 0;
    try {
      app.drainAndClose(drainDelayMillis);
      LOG.info("Stopped");
    } catch (RuntimeException e) {
      LOG.error("Stopping failed", e);
      status = 1;
    }
    // the log lines above are still queued in the async appender
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      context.stop();
    }
    System.exit(status);
  }
}
