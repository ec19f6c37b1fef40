package zhangban.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, for the tests of the pages the
 * server serves. The machine's network is closed: Chromium is told not to reach Google's services.
 */
public final class Chromium implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final String INSTALL = "Chromium is not installed, so the page tests are skipped. Install it with"
      + " `sudo apt-get install -y chromium chromium-driver` (Debian; .ci/run does this).";

  public final ChromeDriver browser;
  public final WebDriverWait wait;
  private final ChromeDriverService service;

  private Chromium(ChromeDriverService service, ChromeDriver browser) {
    this.service = service;
    this.browser = browser;
    this.wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  public static boolean installed() {
    return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
  }

  /** A browser whose window is {@code width}×{@code height}, in Chinese, logging everything; {@code more} adds options. */
  public static Chromium start(int width, int height, Consumer<ChromeOptions> more) throws IOException {
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=" + width + "," + height, "--lang=zh-CN",
        "--user-data-dir=" + Files.createTempDirectory("zb-chromium"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    more.accept(options);
    return new Chromium(service, new ChromeDriver(service, options));
  }

  /**
   * What the pages logged since last asked that their Content-Security-Policy refused, and with
   * {@code errorsToo} every error besides (a failed request, a script that threw).
   */
  public List<String> refusals(boolean errorsToo) {
    List<String> refused = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      if (e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Refused to")
          || (errorsToo && e.getLevel().intValue() >= Level.SEVERE.intValue())) {
        refused.add(e.getMessage());
      }
    }
    return refused;
  }

  @Override
  public void close() {
    try {
      browser.quit();
    } finally {
      service.stop();
    }
  }
}
