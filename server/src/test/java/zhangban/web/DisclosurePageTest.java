package zhangban.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.LoggerFactory;
import zhangban.rating.RatingFixtures;
import zhangban.support.Api;
import zhangban.support.Chromium;
import zhangban.support.HallRatings;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The published results' page (公示) in headless Chromium against the real server, with no token:
 * its numbers are the public API's, a department with too few ratings shows as withheld, it reads
 * in English with one click, it fits a phone, and it needs nothing its policy forbids. Screenshots
 * at phone and desktop sizes are left in {@code target/disclosure-phone.png} and
 * {@code target/disclosure-desktop.png}. Skipped, saying so, without Chromium.
 */
class DisclosurePageTest {
  static final String MARKUP = "<img src=x onerror=\"document.body.dataset.pwned='yes'\">";
  static final String COMMENT = MARKUP + "排队太久";

  static TestServer server;
  static Api api;
  static Chromium chromium;
  static ChromeDriver browser;
  static WebDriverWait wait;
  static String base;

  @BeforeAll
  static void start() throws IOException {
    if (!Chromium.installed()) {
      LoggerFactory.getLogger(DisclosurePageTest.class).warn(Chromium.INSTALL);
      return;
    }
    server = TestServer.start(Map.of("STATS_MIN_SAMPLE", "3"));
    api = server.api;
    base = "http://localhost:" + api.port();
    HallRatings hall = new HallRatings(server, new RatingFixtures(server, new PushFixtures(server, null)));
    // a name the page shows (a ranked department's) carries markup: it must print as text
    server.update("update department set name = name || $1 where code = 'GAJ'", MARKUP);
    // November 2026 (the test clock's): 市民政局 5, 5, 4, 1; 市公安局 5, 2, 3; 市交通运输局 5 (too few)
    for (int level : new int[] {5, 5, 4, 1}) {
      hall.rated("MZJ", "MZ-HY-001", "officer-minzheng", level, COMMENT);
    }
    for (int level : new int[] {5, 2, 3}) {
      hall.rated("GAJ", "GA-HZ-0001", "officer-gongan", level, COMMENT);
    }
    hall.rated("JTJ", "JT-0001", "officer-jiaotong", 5, null);

    chromium = Chromium.start(1440, 2200, options -> { });
    browser = chromium.browser;
    wait = chromium.wait;
  }

  @BeforeEach
  void needsChromium() {
    assumeTrue(Chromium.installed(), Chromium.INSTALL);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (browser != null) {
        browser.manage().window().setSize(new Dimension(1440, 2200));
        open("period=2026-11");
        shot("disclosure-desktop.png");
        browser.manage().window().setSize(new Dimension(390, 844));
        open("period=2026-11");
        shot("disclosure-phone.png");
        chromium.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  static void shot(String name) throws IOException {
    Path file = Path.of("target", name);
    Files.createDirectories(file.getParent());
    // the whole page, not only the window: Chromium's DevTools capture beyond the viewport
    Object height = ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight");
    Dimension window = browser.manage().window().getSize();
    browser.manage().window().setSize(new Dimension(window.getWidth(), ((Number) height).intValue() + 140));
    Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    browser.manage().window().setSize(window);
  }

  static int loads() {
    String loads = browser.findElement(By.tagName("body")).getAttribute("data-loads");
    return loads == null ? 0 : Integer.parseInt(loads);
  }

  static void open(String query) {
    browser.manage().logs().get(LogType.BROWSER);
    browser.get(base + "/disclosure/?" + query);
    wait.withMessage(() -> browser.findElement(By.tagName("body")).getText()).until(d -> loads() >= 1);
  }

  static void choose(String selectId, String value) {
    int before = loads();
    new Select(browser.findElement(By.id(selectId))).selectByValue(value);
    wait.until(d -> loads() > before);
  }

  static JsonObject publicApi(String path) {
    return api.get(path).send().expect(200).json();
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  static String percent(Double rate) {
    return rate == null ? "—" : String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }

  /** The cells of a table's body, by a row attribute's value, each row's cells by their data-field. */
  static Map<String, Map<String, String>> rows(String tableId, String key) {
    Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
    for (WebElement row : browser.findElements(By.cssSelector("#" + tableId + " tbody tr"))) {
      Map<String, String> cells = new java.util.HashMap<>();
      for (WebElement cell : row.findElements(By.cssSelector("td[data-field]"))) {
        cells.put(cell.getAttribute("data-field"), cell.getText());
      }
      out.put(row.getAttribute("data-" + key), cells);
    }
    return out;
  }

  static void assertNothingRefused() {
    assertEquals(List.of(), chromium.refusals(true), "the page needs nothing its policy forbids, and nothing fails");
  }

  @Test
  void anAnswerToAnEarlierChoiceThatComesLastIsNotShown() {
    open("period=2026-11");
    // the answers for 市公安局 take a second and a half; 市民政局 is chosen meanwhile
    ((JavascriptExecutor) browser).executeScript("""
        const real = window.fetch;
        window.fetch = (url, options) => String(url).includes('department=GAJ')
          ? new Promise((done) => setTimeout(done, 1500)).then(() => real(url, options))
          : real(url, options);""");
    int before = loads();
    Select department = new Select(browser.findElement(By.id("department")));
    department.selectByValue("GAJ");
    department.selectByValue("MZJ");
    wait.until(d -> loads() >= before + 2);
    JsonObject minzheng = publicApi("/public/ratings/summary?period=2026-11&department=MZJ").getJsonObject("indicators");
    assertEquals(4, minzheng.getLong("active"));
    assertEquals("4", text("kpi-active"), "市民政局's numbers, chosen last, though 市公安局's came after them");
    assertEquals("MZJ", department.getFirstSelectedOption().getAttribute("value"));
  }

  @Test
  void theNumbersAreThePublicApisAndTooFewAreWithheld() {
    open("period=2026-11");
    JsonObject summary = publicApi("/public/ratings/summary?period=2026-11").getJsonObject("indicators");
    assertEquals(String.valueOf(summary.getLong("active")), text("kpi-active"));
    for (String k : List.of("goodRate", "poorRate", "activeRate", "poorRectifiedRate", "poorOnTimeRate")) {
      assertEquals(percent(summary.getDouble(k)), text("kpi-" + k), k);
    }
    Map<String, Map<String, String>> levels = rows("table-levels", "level");
    for (int l = 1; l <= 5; l++) {
      assertEquals(String.valueOf(summary.getJsonObject("levels").getLong("level" + l)),
          levels.get(String.valueOf(l)).get("count"), "level " + l);
    }

    JsonObject ranking = publicApi("/public/ratings/ranking?period=2026-11&by=department&limit=20");
    Map<String, Map<String, String>> departments = rows("table-departments", "group");
    assertEquals(List.of("MZJ", "GAJ", "JTJ"), List.copyOf(departments.keySet()), "ranked, then withheld");
    for (Object o : ranking.getJsonArray("items")) {
      JsonObject g = (JsonObject) o;
      Map<String, String> row = departments.get(g.getString("group"));
      assertEquals(String.valueOf(g.getInteger("rank")), row.get("rank"));
      assertEquals(g.getString("groupName"), row.get("name"));
      assertEquals(String.valueOf(g.getJsonObject("indicators").getLong("active")), row.get("active"));
      assertEquals(percent(g.getJsonObject("indicators").getDouble("goodRate")), row.get("goodRate"));
    }
    assertEquals("样本不足，不予公布", departments.get("JTJ").get("withheld"));
    assertFalse(departments.get("JTJ").containsKey("active"), "no number for a withheld department, not even 0");

    JsonObject trend = publicApi("/public/ratings/trend?to=2026-11&months=12");
    Map<String, Map<String, String>> months = rows("table-trend", "month");
    assertEquals(12, months.size());
    JsonObject november = trend.getJsonArray("points").getJsonObject(11).getJsonObject("indicators");
    assertEquals(String.valueOf(november.getLong("active")), months.get("2026-11").get("active"));
    assertEquals("样本不足，不予公布", months.get("2026-10").get("withheld"));

    assertFalse(browser.findElement(By.tagName("body")).getText().contains("排队太久"), "no comment is published");
    assertTrue(browser.findElement(By.tagName("body")).getText().contains(MARKUP), "the department's name, as text");
    assertEquals(null, browser.findElement(By.tagName("body")).getAttribute("data-pwned"));
    assertNothingRefused();
  }

  @Test
  void aDepartmentWithTooFewRatingsShowsAsWithheldNotZero() {
    open("period=2026-11");
    choose("department", "JTJ");
    assertTrue(browser.findElement(By.id("withheld")).isDisplayed());
    assertEquals("评价数少于 3 条，不予公布。", text("withheld"));
    assertEquals("—", text("kpi-active"));
    assertEquals("—", text("kpi-goodRate"));
    assertFalse(browser.findElement(By.id("departments-panel")).isDisplayed(), "one department ranks no departments");
    assertTrue(browser.getCurrentUrl().contains("department=JTJ"), "the address can be shared");
    assertNothingRefused();
  }

  @Test
  void aRegionNarrowsTheDepartmentsToItsOwn() {
    open("period=2026-11");
    choose("region", "440100"); // 广州市: none of the demo departments
    assertEquals(List.of(""), new Select(browser.findElement(By.id("department"))).getOptions().stream()
        .map(o -> o.getAttribute("value")).toList());
    assertTrue(browser.findElement(By.id("withheld")).isDisplayed());
    assertEquals(0, rows("table-departments", "group").size());
    choose("region", "440300");
    assertTrue(new Select(browser.findElement(By.id("department"))).getOptions().size() > 1);
    assertEquals(String.valueOf(publicApi("/public/ratings/summary?period=2026-11&region=440300")
        .getJsonObject("indicators").getLong("active")), text("kpi-active"));
  }

  @Test
  void englishIsOneClickAwayAndThePageFitsAPhone() {
    open("period=2026-11");
    browser.findElement(By.id("lang")).click();
    wait.until(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
    assertEquals("Government service ratings: published results", browser.getTitle());
    assertEquals("Too few ratings to publish", rows("table-departments", "group").get("JTJ").get("withheld"));
    assertTrue(browser.getCurrentUrl().contains("lang=en"));

    browser.manage().window().setSize(new Dimension(390, 844));
    try {
      open("period=2026-11");
      Number overflow = (Number) ((JavascriptExecutor) browser).executeScript(
          "return document.documentElement.scrollWidth - window.innerWidth");
      assertTrue(overflow.intValue() <= 0, "nothing wider than the phone: " + overflow);
      WebElement kpi = browser.findElement(By.cssSelector(".kpi"));
      assertTrue(kpi.getRect().getWidth() < 200, "two figures a row on a phone");
    } finally {
      browser.manage().window().setSize(new Dimension(1440, 2200));
    }
    assertNothingRefused();
  }
}
