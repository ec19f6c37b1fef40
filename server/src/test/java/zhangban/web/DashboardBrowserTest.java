package zhangban.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.LoggerFactory;
import zhangban.support.Api;
import zhangban.support.Chromium;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The dashboard in a real browser (Debian's headless Chromium, driven through its chromedriver)
 * against the real server, on ratings seeded through the API: a manager signs in, the charts show
 * the numbers the statistics API gives for the seeded data, a filter changes them, overdue cases
 * and applications stand out, and nothing from the API is ever taken as markup.
 *
 * <p>Without Chromium the test is skipped; {@code .ci/run} installs it, so CI always runs it. The
 * screenshot is left in {@code target/dashboard.png}.
 */
class DashboardBrowserTest {
  /** The seeded ratings were given on 2026-11-25 and 26 (Asia/Shanghai); the dashboard is asked for November. */
  static final String NOVEMBER = "from=2026-11-01&to=2026-11-30";
  static final String HOSTILE = "<img src=x onerror=\"document.body.dataset.pwned='yes'\">等了很久";
  static final Buffer PNG = Buffer.buffer(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0});

  static TestServer server;
  static Api api;
  static PushFixtures filing;
  static Chromium chromium;
  static ChromeDriver browser;
  static WebDriverWait wait;
  static String manager;
  static String base;
  /** The red (overdue) case, the on-time one, and the overdue application's number. */
  static String redCase;
  static String onTimeCase;
  static String overdueNumber;


  @BeforeAll
  static void start() throws IOException {
    if (!Chromium.installed()) {
      LoggerFactory.getLogger(DashboardBrowserTest.class).warn(Chromium.INSTALL);
      return;
    }
    server = TestServer.start(Map.of("DEV_MODE", "true"));
    api = server.api;
    filing = new PushFixtures(server, null);
    base = "http://localhost:" + api.port();
    seed();
    manager = server.token("manager-sun"); // valid for an hour of the test clock, which seeding moved

    chromium = Chromium.start(1440, 2300, options -> { });
    browser = chromium.browser;
    wait = chromium.wait;
  }

  /** Each test is reported as skipped, with the way to install Chromium, where it is missing. */
  @BeforeEach
  void needsChromium() {
    assumeTrue(Chromium.installed(), Chromium.INSTALL);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (browser != null) {
        // the whole board, all departments and channels, for whoever reads the build's artifacts
        open(NOVEMBER + "&minSample=1");
        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        chromium.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  // ---- seed: everything through the API, as citizens, officers and a hall system would ------------

  /**
   * 2026-11-25: 市民政局 rated 5, 4 and 1 (a 差评 whose comment is hostile markup), 市公安局 rated 5 and 2;
   * one more 市民政局 application accepted and left. 2026-11-26: 市民政局 rated 3 in the app and 5 in
   * the hall; the 市公安局 case is verified in time. Then the clock moves to 2026-12-03: the
   * unverified 市民政局 case and the accepted application are overdue.
   */
  static void seed() {
    completeAndRate("MZ-HY-001", 5, List.of(), null);
    completeAndRate("MZ-HY-001", 4, List.of(), null);
    redCase = completeAndRate("MZ-HY-001", 1, List.of("efficiency"), HOSTILE).getJsonObject("case").getString("id");
    completeAndRate("GA-HZ-0001", 5, List.of(), null);
    onTimeCase = completeAndRate("GA-HZ-0001", 2, List.of("guide_accuracy"), "指南与窗口要求不一致")
        .getJsonObject("case").getString("id");
    String overdue = filing.submitted("citizen-overdue");
    filing.officerAct(overdue, "accept", null);
    overdueNumber = server.row("select number from application where id = $1::uuid", overdue).getString("number");

    server.clock.advance(Duration.ofDays(1));
    completeAndRate("MZ-HY-001", 3, List.of(), null);
    String hall = completed("MZ-HY-001", "citizen-hall");
    api.post("/integration/ratings").token(server.tokens.token("hall-mzj", "婚姻登记处大厅", List.of("integration"), "MZJ", null))
        .json(new JsonObject().put("externalId", "hall-" + UUID.randomUUID())
            .put("applicationNumber", server.row("select number from application where id = $1::uuid", hall).getString("number"))
            .put("raterSubject", "citizen-hall").put("channel", "hall").put("level", 5)
            .put("ratedAt", server.clock.instant().toString()))
        .expect(201);
    String gongan = server.token("officer-gongan");
    api.post("/rectification-cases/" + onTimeCase + "/claim").token(gongan).send().expect(200);
    api.post("/rectification-cases/" + onTimeCase + "/verify").token(gongan)
        .json(new JsonObject().put("finding", "partly_true").put("contact", new JsonObject().put("method", "phone")
            .put("contactedAt", server.clock.instant().toString()).put("note", "电话回访")))
        .expect(200);

    server.clock.set(Instant.parse("2026-12-03T02:00:00Z"));
  }

  static int dictionaryVersion() {
    return (int) server.count("select max(version) from rating_tag_dictionary");
  }

  /** A completed application of {@code item}, rated by its applicant in the app; answers the rating. */
  static JsonObject completeAndRate(String item, int level, List<String> tags, String comment) {
    String citizen = "citizen-" + UUID.randomUUID();
    String id = completed(item, citizen);
    JsonObject rating = new JsonObject().put("level", level).put("tags", new JsonArray(new ArrayList<>(tags)))
        .put("dictionaryVersion", dictionaryVersion());
    if (comment != null) {
      rating.put("comment", comment);
    }
    return api.post("/applications/" + id + "/ratings").token(filing.citizen(citizen))
        .idempotencyKey("rate-" + UUID.randomUUID()).json(rating).expect(201).json();
  }

  static String completed(String item, String citizen) {
    String id;
    String officer;
    if (item.equals("MZ-HY-001")) {
      id = filing.submitted(citizen);
      officer = filing.officer();
    } else {
      String token = filing.citizen(citizen);
      id = api.post("/applications").token(token).idempotencyKey("create-" + UUID.randomUUID())
          .json(new JsonObject().put("itemCode", item)
              .put("form", new JsonObject().put("reason", "expiry").put("deliveryByPost", false)))
          .expect(201).json().getString("id");
      api.put("/applications/" + id + "/materials/old_id_card").token(token)
          .multipart(io.vertx.ext.web.multipart.MultipartForm.create()
              .binaryFileUpload("file", "id.pdf", PushFixtures.PDF, "application/pdf")).expect(200);
      api.put("/applications/" + id + "/materials/photo").token(token)
          .multipart(io.vertx.ext.web.multipart.MultipartForm.create()
              .binaryFileUpload("file", "photo.png", PNG, "image/png")).expect(200);
      api.post("/applications/" + id + "/submit").token(token).idempotencyKey("submit-" + id).send().expect(200);
      officer = server.token("officer-gongan");
    }
    for (String step : List.of("accept", "start-review", "approve")) {
      api.post("/applications/" + id + "/" + step).token(officer).send().expect(200);
    }
    api.post("/applications/" + id + "/complete").token(officer).json(new JsonObject().put("result",
        new JsonObject().put("kind", "electronic_licence").put("licenceRef", "DZZZ-" + UUID.randomUUID()))).expect(200);
    return id;
  }

  // ---- the browser ------------------------------------------------------------------------------

  static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  static int loads() {
    String loads = browser.findElement(By.tagName("body")).getAttribute("data-loads");
    return loads == null ? 0 : Integer.parseInt(loads);
  }

  /** Opens the dashboard with these filters, signing in with the manager's token if asked to; waits for its data. */
  static void open(String query) {
    browser.manage().logs().get(LogType.BROWSER); // each test answers for what its own pages log
    browser.get(base + "/dashboard/?" + query);
    wait.until(d -> d.findElement(By.id("board")).isDisplayed() || d.findElement(By.id("sign-in")).isDisplayed());
    if (browser.findElement(By.id("sign-in")).isDisplayed()) {
      browser.findElement(By.id("token")).sendKeys(manager);
      browser.findElement(By.id("sign-in-button")).click();
    }
    wait.withMessage(DashboardBrowserTest::pageState).until(d -> loads() >= 1);
  }

  /** What the page showed and logged, for a wait that ran out. */
  static String pageState() {
    StringBuilder sb = new StringBuilder("the page at ").append(browser.getCurrentUrl()).append(" shows:\n")
        .append(browser.findElement(By.tagName("body")).getText()).append("\nand logged:\n");
    browser.manage().logs().get(LogType.BROWSER).forEach(e -> sb.append(e.getMessage()).append('\n'));
    return sb.toString();
  }

  /** Changes a filter and waits for the dashboard to have loaded again. */
  static void choose(String selectId, String value) {
    int before = loads();
    new Select(browser.findElement(By.id(selectId))).selectByValue(value);
    wait.until(d -> loads() > before);
  }

  /** What a chart draws: its axes' categories and each series' values, from ECharts itself. */
  static JsonObject chart(String id) {
    return new JsonObject((String) js("""
        const o = echarts.getInstanceByDom(document.getElementById(arguments[0])).getOption();
        const values = (s) => (s.data || []).map((d) => d !== null && typeof d === 'object' ? d.value : d);
        return JSON.stringify({
          x: o.xAxis.map((a) => a.data || null),
          y: o.yAxis.map((a) => a.data || null),
          series: o.series.map(values)
        });""", id));
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  static String kpi(String id) {
    return browser.findElement(By.id(id)).getAttribute("data-value");
  }

  /** The cells of a table the page wrote, row by row, as text (also inside a closed details element). */
  static List<List<String>> rows(String tableId) {
    @SuppressWarnings("unchecked")
    List<List<String>> rows = (List<List<String>>) js(
        "return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')]"
            + ".map((tr) => [...tr.cells].map((td) => td.textContent));", tableId);
    return rows;
  }

  static JsonObject stats(String query) {
    return api.get("/stats/ratings?" + NOVEMBER + "&bucket=day" + query).token(manager).send().expect(200).json();
  }

  static List<Object> levels(JsonObject indicators) {
    JsonObject l = indicators.getJsonObject("levels");
    return List.of(l.getInteger("level1"), l.getInteger("level2"), l.getInteger("level3"), l.getInteger("level4"),
        l.getInteger("level5"));
  }

  /**
   * The trend chart has a bar for every day of November, in order: the API's volume on the days it
   * gives, none on the others. Answers the volume per day as the API gives it.
   */
  static Map<String, Integer> assertTrendDrawn(JsonObject stats) {
    Map<String, Integer> volume = new java.util.TreeMap<>();
    stats.getJsonArray("rows").stream().map(JsonObject.class::cast).filter(r -> r.getString("bucket") != null)
        .forEach(r -> volume.put(r.getString("bucket"), r.getJsonObject("indicators").getInteger("active")));
    JsonObject trend = chart("chart-trend");
    List<Object> days = trend.getJsonArray("x").getJsonArray(0).getList();
    List<Object> bars = trend.getJsonArray("series").getJsonArray(0).getList();
    assertEquals(30, days.size());
    assertEquals("2026-11-01", days.get(0));
    assertEquals("2026-11-30", days.get(29));
    for (int i = 0; i < days.size(); i++) {
      assertEquals(volume.getOrDefault((String) days.get(i), 0), bars.get(i), "ratings on " + days.get(i));
    }
    return volume;
  }

  static void assertNoPolicyViolations() {
    assertEquals(List.of(), chromium.refusals(false), "the page needs nothing its policy forbids");
  }

  // ---- what a manager sees ------------------------------------------------------------------------

  @Test
  void chartsShowWhatTheStatisticsApiGivesForTheSeededRatings() {
    open(NOVEMBER + "&minSample=1");

    JsonObject all = stats("");
    JsonObject totals = all.getJsonObject("totals");
    assertEquals(7, totals.getInteger("active"), "seven ratings were given");
    assertEquals(List.of(1, 1, 1, 1, 3), levels(totals));
    assertEquals("7", kpi("kpi-active"));
    assertEquals("7", text("kpi-active"));
    assertEquals(totals.getDouble("goodRate"), Double.valueOf(kpi("kpi-good-rate")), 1e-9);
    assertEquals(String.format("%.1f%%", totals.getDouble("goodRate") * 100), text("kpi-good-rate"));
    assertEquals(totals.getDouble("poorRate"), Double.valueOf(kpi("kpi-poor-rate")), 1e-9);

    // levels: 1 非常不满意 … 5 非常满意
    JsonObject levels = chart("chart-levels");
    assertEquals(List.of("非常不满意", "不满意", "基本满意", "满意", "非常满意"), levels.getJsonArray("x").getJsonArray(0).getList());
    assertEquals(levels(totals), levels.getJsonArray("series").getJsonArray(0).getList());

    // the trend: one bar per day that has ratings, as the API buckets them, 5 on the 25th and 2 on the 26th
    Map<String, Integer> volume = assertTrendDrawn(all);
    assertEquals(5, volume.get("2026-11-25"));
    assertEquals(2, volume.get("2026-11-26"));

    // departments ranked by 好评率: 市民政局 4 of 5 good, 市公安局 1 of 2
    JsonObject ranking = api.get("/stats/ratings/ranking?by=department&minSample=1&" + NOVEMBER).token(manager)
        .send().expect(200).json();
    List<Object> names = ranking.getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getString("groupName")).map(Object.class::cast).toList();
    assertEquals(List.of("市民政局", "市公安局"), names);
    assertEquals(names, chart("chart-rank-department").getJsonArray("y").getJsonArray(0).getList());
    assertEquals(List.of(80.0, 50.0), chart("chart-rank-department").getJsonArray("series").getJsonArray(0).stream()
        .map(v -> ((Number) v).doubleValue()).toList());

    // the reasons of the two 差评
    JsonObject tags = api.get("/stats/ratings/tags?" + NOVEMBER).token(manager).send().expect(200).json();
    assertEquals(2, tags.getInteger("poor"));
    List<String> counts = rows("table-tags").stream().map(r -> r.get(1)).toList();
    assertEquals(List.of("1", "1"), counts, "one 差评 names each reason");
    assertEquals(tags.getJsonArray("tags").size(), chart("chart-tags").getJsonArray("series").getJsonArray(0).size());

    // the queue by state: the 市民政局 case is open, the 市公安局 one verified
    JsonObject queue = api.get("/stats/rectification").token(manager).send().expect(200).json();
    JsonArray queueBars = chart("chart-queue").getJsonArray("series").getJsonArray(0);
    assertEquals(queue.getJsonObject("byState").getInteger("open", 0), queueBars.getInteger(0));
    assertEquals(queue.getJsonObject("byState").getInteger("verified", 0), queueBars.getInteger(2));
    assertEquals(1, queueBars.getInteger(0));
    assertEquals(1, queueBars.getInteger(2));
    assertNoPolicyViolations();
  }

  @Test
  void filteringByDepartmentThenChannelChangesTheNumbers() {
    open(NOVEMBER + "&minSample=1");
    assertEquals("7", kpi("kpi-active"));

    choose("department", "MZJ");
    JsonObject mzj = stats("&department=MZJ").getJsonObject("totals");
    assertEquals(5, mzj.getInteger("active"));
    assertEquals("5", kpi("kpi-active"));
    assertEquals(mzj.getDouble("goodRate"), Double.valueOf(kpi("kpi-good-rate")), 1e-9);
    assertEquals(List.of(1, 0, 1, 1, 2), chart("chart-levels").getJsonArray("series").getJsonArray(0).getList());
    assertTrue(browser.getCurrentUrl().contains("department=MZJ"), "the filter is kept in the address");

    choose("channel", "hall");
    JsonObject hall = stats("&department=MZJ&channel=hall").getJsonObject("totals");
    assertEquals(1, hall.getInteger("active"));
    assertEquals("1", kpi("kpi-active"));
    assertEquals(List.of(0, 0, 0, 0, 1), chart("chart-levels").getJsonArray("series").getJsonArray(0).getList());
    Map<String, Integer> volume = assertTrendDrawn(stats("&department=MZJ&channel=hall"));
    assertEquals(1, volume.get("2026-11-26"));
    assertEquals(1, volume.values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void overdueCasesStandOutAndEachLinksToItsCase() {
    open(NOVEMBER);
    List<WebElement> cases = browser.findElements(By.cssSelector("#table-cases tbody tr"));
    assertEquals(2, cases.size());
    WebElement red = browser.findElement(By.cssSelector("#table-cases tr[data-case-id='" + redCase + "']"));
    assertEquals("warning-red", red.getAttribute("class"));
    assertTrue(red.getText().contains("红牌超期"), red.getText());
    assertEquals("rgba(198, 40, 40, 1)", red.findElement(By.tagName("td")).getCssValue("color"), "overdue in red");
    WebElement onTime = browser.findElement(By.cssSelector("#table-cases tr[data-case-id='" + onTimeCase + "']"));
    assertTrue(!onTime.getAttribute("class").contains("warning-red"), onTime.getAttribute("class"));
    assertTrue(onTime.getText().contains("已回访核实"), onTime.getText());

    red.findElement(By.tagName("a")).click();
    wait.until(d -> d.findElement(By.id("case-dialog")).isDisplayed()
        && d.findElement(By.id("case-details")).getText().contains("等了很久"));
    assertTrue(browser.getCurrentUrl().endsWith("#case/" + redCase), browser.getCurrentUrl());
    browser.findElement(By.id("case-close")).click();
    wait.until(d -> !d.findElement(By.id("case-dialog")).isDisplayed());
  }

  @Test
  void overdueApplicationsAreListedForSupervision() {
    open(NOVEMBER);
    JsonObject report = api.get("/supervision/overdue").token(manager).send().expect(200).json();
    assertEquals(List.of(overdueNumber), report.getJsonArray("red").stream()
        .map(a -> ((JsonObject) a).getString("number")).toList());
    List<List<String>> red = rows("table-overdue");
    assertEquals(1, red.size());
    assertEquals(overdueNumber, red.get(0).get(0));
    assertEquals("结婚登记预约", red.get(0).get(1));
    assertEquals("市民政局", red.get(0).get(2));
    List<List<String>> departments = rows("table-overdue-departments");
    assertTrue(departments.contains(List.of("市民政局", "1", "0", "1")), departments.toString());
  }

  @Test
  void aCommentThatIsMarkupIsShownAsText() {
    open(NOVEMBER);
    browser.get(base + "/dashboard/?" + NOVEMBER + "#case/" + redCase);
    wait.until(d -> d.findElement(By.id("case-details")).getText().contains("等了很久"));
    assertTrue(text("case-details").contains(HOSTILE), text("case-details"));
    assertEquals(0L, js("return document.querySelectorAll('#case-details img').length"));
    assertNull(js("return document.body.dataset.pwned || null"), "no script from the API ran");
    assertNoPolicyViolations();
  }

  @Test
  void aManagerSavesTheRegionsWeeklyBulletin() throws Exception {
    String id = api.post("/bulletins").token(manager).json(new JsonObject().put("region", "440300")
        .put("weekStart", "2026-11-23")).expect(201).json().getString("id");
    Path downloads = Files.createDirectories(Path.of("target", "dashboard-downloads"));
    browser.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
        "downloadPath", downloads.toAbsolutePath().toString()));
    open(NOVEMBER);
    WebElement row = browser.findElement(By.cssSelector("#table-bulletins tr[data-bulletin-id='" + id + "']"));
    assertTrue(row.getText().contains("深圳市") && row.getText().contains("2026-11-23"), row.getText());
    row.findElement(By.cssSelector("button[data-download='html']")).click();
    Path saved = downloads.resolve("bulletin-440300-2026-11-23.html");
    wait.withMessage(() -> "no " + saved).until(d -> Files.exists(saved));
    assertTrue(Files.readString(saved).contains("周通报"), "the page the API gives, saved with the token");
    assertEquals("", text("note-bulletins"));
    assertNoPolicyViolations();
  }

  @Test
  void englishIsOneClickAway() {
    open(NOVEMBER);
    assertEquals("掌办 · 好差评管理看板", browser.findElement(By.tagName("h1")).getText());
    browser.findElement(By.id("lang")).click();
    assertEquals("Zhangban · Ratings dashboard", browser.findElement(By.tagName("h1")).getText());
    assertEquals("孙丽 (manager)", text("who"), "names from the API stay as they are");
    assertEquals("en", js("return document.documentElement.lang"));
    assertTrue(rows("table-cases").stream().anyMatch(r -> r.contains("Red: overdue")), rows("table-cases").toString());
    browser.findElement(By.id("lang")).click();
    assertEquals("掌办 · 好差评管理看板", browser.findElement(By.tagName("h1")).getText());
  }

  @Test
  void theDemoManagerButtonSignsInInDevMode() {
    // forget the token on a page of the same origin where the dashboard does not run: on the
    // dashboard, a sign-in still under way with the saved token would store it again
    browser.get(base + "/health/live");
    js("sessionStorage.clear()");
    browser.get(base + "/dashboard/?" + NOVEMBER);
    WebElement demo = browser.findElement(By.id("demo-manager"));
    wait.until(d -> demo.isDisplayed());
    demo.click();
    wait.until(d -> loads() >= 1);
    assertEquals("孙丽（管理人员）", text("who"));
    browser.findElement(By.id("sign-out")).click();
    assertTrue(browser.findElement(By.id("sign-in")).isDisplayed());
    assertNull(js("return sessionStorage.getItem('zhangban.dashboard.token')"), "the token is forgotten");
  }

  @Test
  void docsShowTheContract() {
    browser.manage().logs().get(LogType.BROWSER);
    browser.get(base + "/docs/");
    wait.until(d -> !d.findElements(By.cssSelector(".swagger-ui .info .title")).isEmpty());
    assertTrue(browser.findElement(By.cssSelector(".swagger-ui .info .title")).getText().contains("Zhangban (掌办) API"));
    wait.until(d -> !d.findElements(By.cssSelector("[id^='operations-statistics-']")).isEmpty());
    assertTrue(browser.findElements(By.cssSelector("[id^='operations-statistics-getRatingStats']")).size() == 1);
    assertNoPolicyViolations();
  }
}
