package zhangban;

import java.time.Clock;
import zhangban.config.Config;

/** Starts Zhangban with the configuration in the environment. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    zhangban.push.FcmTransport.noSilentPostRetry();
    Config config = Config.fromEnv();
    App app = App.start(config, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
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
}
