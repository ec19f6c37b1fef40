package zhangban.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.LoggerFactory;
import zhangban.support.Chromium;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The rating link's page in headless Chromium at a phone's viewport (390×844), against the real
 * server: a citizen without the app opens the link, sees the transaction, gives a 差评 with a
 * reason and a comment, and is told by when the department will call; a used link says so; someone
 * a hall registered goes the whole way from the SMS to the follow-up. The screenshots are left in
 * {@code target/rating-link.png}, {@code target/rating-link-thanks.png} and
 * {@code target/rating-link-follow-up.png}.
 */
class RatingLinkPageTest {
  static TestServer server;
  static PushFixtures filing;
  static Chromium chromium;
  static ChromeDriver browser;
  static WebDriverWait wait;
  static String base;

  @BeforeAll
  static void start() throws IOException {
    if (!Chromium.installed()) {
      LoggerFactory.getLogger(RatingLinkPageTest.class).warn(Chromium.INSTALL);
      return;
    }
    server = TestServer.start(Map.of("PHONE_KEYS", "k1:" + DashboardBrowserTest.class.getSimpleName().repeat(3)
        .substring(0, 32).transform(k -> java.util.Base64.getEncoder().encodeToString(k.getBytes())),
        "PHONE_LOOKUP_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32]), "PUSH_POLL_MS", "100"));
    filing = new PushFixtures(server, null);
    base = "http://localhost:" + server.api.port();
    chromium = Chromium.start(390, 844, options -> options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
        Map.of("width", 390, "height", 844, "pixelRatio", 3.0))));
    browser = chromium.browser;
    wait = chromium.wait;
  }

  @BeforeEach
  void needsChromium() {
    assumeTrue(Chromium.installed(), Chromium.INSTALL);
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        chromium.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** A link for the completion of a fresh citizen's application, made by the demo officer. */
  static String link() {
    String id = new zhangban.rating.RatingFixtures(server, filing).completed("citizen-page-" + UUID.randomUUID());
    JsonObject link = server.api.post("/applications/" + id + "/rating-links").token(filing.officer())
        .json(new JsonObject().put("channel", "sms")).expect(201).json();
    return base + "/rate/#" + link.getString("token");
  }

  static void screenshot(String name) throws IOException {
    Path shot = Path.of("target", name);
    Files.createDirectories(shot.getParent());
    Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  @Test
  void aCitizenWithoutTheAppGivesAPoorRatingAndIsToldWhenTheDepartmentWillCall() throws IOException {
    browser.get(link());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("form")));
    assertEquals(PushFixtures.ITEM_NAME, text("item"));
    assertEquals("2026-11-25", text("reached"));
    assertTrue(text("applicant").matches("^\\S\\*+$"), "the first character only: " + text("applicant"));
    assertEquals(List.of("非常满意", "满意", "基本满意", "不满意", "非常不满意"),
        browser.findElements(By.cssSelector("#levels button")).stream().map(b -> b.getText()).toList());

    browser.findElement(By.cssSelector("#levels button[data-level='2']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tags-box")));
    browser.findElement(By.id("submit")).click();
    assertEquals("请至少选择一个原因。", text("error"), "a 差评 needs a reason, said before anything is sent");
    browser.findElement(By.cssSelector("#tags input[value='service_attitude']")).click();
    browser.findElement(By.id("comment")).sendKeys("窗口人员态度差");
    screenshot("rating-link.png");
    browser.findElement(By.id("submit")).click();

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("thanks")));
    assertEquals("我们很抱歉这次服务没有让您满意。市民政局将在 2026-11-26 前与您联系核实情况。", text("thanks-text"));
    screenshot("rating-link-thanks.png");
    assertEquals(1, server.count("select count(*) from rating where channel = 'sms' and level = 2"));
    // answers of 4xx are logged too ("Failed to load resource"): the page reads them on purpose
    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .filter(e -> !e.getMessage().contains("Failed to load resource")).toList();
    assertEquals(List.of(), errors, "no script errors, no CSP violations");
  }

  @Test
  void aUsedLinkSaysSoInEitherLanguage() {
    String url = link();
    String token = url.substring(url.indexOf('#') + 1);
    server.api.post("/public/rating-links/" + token + "/rating").json(new JsonObject().put("level", 5)).expect(201);
    browser.get(url);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
    assertEquals("已经评价过了", text("message-title"));
    browser.findElement(By.id("lang")).click();
    assertEquals("Already rated", text("message-title"));
    browser.findElement(By.id("lang")).click();
  }

  @Test
  void aLinkCutShortSaysItIsNotRecognised() {
    browser.get(base + "/rate/#abc");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
    assertEquals("链接无效", text("message-title"));
  }

  /** What the recording SMS gateway kept for {@code template}: the last message's parameters. */
  static List<String> lastSms(String template) {
    zhangban.sms.RecordingSmsGateway sms = (zhangban.sms.RecordingSmsGateway) server.app.sms();
    zhangban.support.Poll.until("an SMS of " + template, () -> sms.sent().stream()
        .anyMatch(m -> m.templateId().equals(template)), sms::sent);
    List<zhangban.sms.SmsMessage> of = sms.sent().stream().filter(m -> m.templateId().equals(template)).toList();
    return of.get(of.size() - 1).params();
  }

  static String tokenOf(String url) {
    return url.substring(url.indexOf('#') + 1);
  }

  /**
   * The whole way of someone without the app: a hall registers their transaction, the SMS brings a
   * link, they give a 差评 on the page, the department works the case and replies, the reply's SMS
   * brings the follow-up link, and they give it on the page; the follow-up closes the case.
   */
  @Test
  void someoneWithoutTheAppRatesOnThePageHearsTheReplyBySmsAndFollowsUp() throws IOException {
    zhangban.rating.RatingFixtures fx = new zhangban.rating.RatingFixtures(server, filing);
    String id = server.api.put("/integration/transactions/33010" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L))
        .token(fx.integration("hall-system-minzheng", "MZJ"))
        .json(new JsonObject().put("itemCode", PushFixtures.ITEM).put("channel", "hall").put("stage", "completed")
            .put("officer", "officer-minzheng").put("at", server.clock.instant().toString())
            .put("applicant", new JsonObject().put("kind", "citizen").put("name", "赵云").put("mobile", "13900001234")))
        .expect(201).json().getString("id");
    browser.get(base + "/rate/#" + tokenOf(lastSms("rating_invitation").get(2)));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("form")));
    assertEquals("赵*", text("applicant"));
    browser.findElement(By.cssSelector("#levels button[data-level='1']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tags-box")));
    browser.findElement(By.cssSelector("#tags input[value='service_attitude']")).click();
    browser.findElement(By.id("submit")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("thanks")));
    assertTrue(text("thanks-text").contains("市民政局"), text("thanks-text"));
    String caseId = server.row("select id from rectification_case where application_id = $1::uuid", id)
        .getString("id");
    fx.step(fx.officer(), caseId, "claim", null);
    fx.step(fx.officer(), caseId, "verify", zhangban.rating.RatingFixtures.verification(server.clock.instant()));
    fx.step(fx.officer(), caseId, "rectify", zhangban.rating.RatingFixtures.rectification());
    fx.step(fx.officer(), caseId, "reply", zhangban.rating.RatingFixtures.reply());

    browser.get(base + "/rate/#" + tokenOf(lastSms("case_reply").get(1)));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reply-box")));
    assertEquals(zhangban.rating.RatingFixtures.reply().getString("reply"), text("reply-text"));
    assertEquals(List.of("满意", "基本满意", "不满意"),
        browser.findElements(By.cssSelector("#levels button")).stream().map(b -> b.getText()).toList());
    browser.findElement(By.cssSelector("#levels button[data-level='satisfied']")).click();
    screenshot("rating-link-follow-up.png");
    browser.findElement(By.id("submit")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("thanks")));
    assertEquals("您的追评已收到，感谢您帮助我们改进服务。", text("thanks-text"));
    assertEquals("closed", server.row("select state from rectification_case where id = $1::uuid", caseId)
        .getString("state"), "the follow-up closes the case");
  }
}
