package zhangban.bulletin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.rating.RatingFixtures;
import zhangban.support.Api;
import zhangban.support.HallRatings;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The weekly 通报: built on schedule once the week's moment (Monday 09:00 Shanghai) has passed, for
 * every region with departments; its numbers are the statistics API's for the week and the region;
 * one per region and week whatever many replicas race; announced to the region's managers; seen
 * by the managers of its region and above only; built on demand for a past week; printable, and a
 * PDF whose first page (rendered with pdftoppm) is not blank. The PDF and its first page are left
 * in {@code target/weekly-bulletin.pdf} and {@code target/weekly-bulletin-1.png}.
 */
class BulletinTest {
  static final Map<String, String> ENV = Map.of("STATS_MIN_SAMPLE", "2", "BULLETIN_CHECK_INTERVAL_MS", "3600000",
      "RATING_CALLS_PER_MINUTE", "100000");
  static final String WEEK = "2026-11-23";
  static TestServer server;
  static Api api;
  static PushFixtures filing;

  @BeforeAll
  static void start() {
    server = TestServer.start(ENV);
    api = server.api;
    filing = new PushFixtures(server, null);
    HallRatings hall = new HallRatings(server, new RatingFixtures(server, filing));
    // the week before (16-22 November): 民政局 5, 4; 公安局 5
    server.clock.set(Instant.parse("2026-11-18T02:00:00Z"));
    hall.rated("MZJ", "MZ-HY-001", "officer-minzheng", 5, null);
    hall.rated("MZJ", "MZ-HY-001", "officer-minzheng", 4, null);
    hall.rated("GAJ", "GA-HZ-0001", "officer-gongan", 5, null);
    String accepted = filing.submitted("citizen-bulletin-overdue");
    filing.officerAct(accepted, "accept", null); // left: overdue by the end of the month
    // the week (23-29 November): 民政局 5, 1, 2; 公安局 5, 5, 3; 交通运输局 5, too few to rank
    server.clock.set(Instant.parse("2026-11-25T02:00:00Z"));
    for (int level : new int[] {5, 1, 2}) {
      hall.rated("MZJ", "MZ-HY-001", "officer-minzheng", level, "窗口人员态度冷淡");
    }
    for (int level : new int[] {5, 5, 3}) {
      hall.rated("GAJ", "GA-HZ-0001", "officer-gongan", level, null);
    }
    hall.rated("JTJ", "JT-0001", "officer-jiaotong", 5, null);
    // managers of the province and of 深圳市 use the app, so notices reach their inbox
    for (String region : List.of("440000", "440300", "440100")) {
      api.put("/me/devices/" + UUID.randomUUID()).token(manager(region)).json(new JsonObject()
          .put("token", "bulletin-device-" + region).put("platform", "android").put("locale", "zh-CN")
          .put("appVersion", "3.2.1")).expect(200);
    }
    // Monday 30 November, 09:30 in Shanghai: the week's moment has passed
    server.clock.set(Instant.parse("2026-11-30T01:30:00Z"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String manager(String region) {
    return server.tokens.manager("manager-bulletin-" + region, region);
  }

  static void buildOnSchedule(TestServer replica) {
    replica.app.bulletinScheduler().pass().toCompletionStage().toCompletableFuture().join();
  }

  static JsonObject bulletinOf(String token, String region) {
    JsonArray items = api.get("/bulletins?region=" + region).token(token).send().expect(200).items();
    JsonObject summary = items.stream().map(JsonObject.class::cast).filter(b -> WEEK.equals(b.getString("weekStart")))
        .findFirst().orElseThrow(() -> new AssertionError("no bulletin of " + region + " for " + WEEK + ": " + items));
    return api.get("/bulletins/" + summary.getString("id")).token(token).send().expect(200).json();
  }

  @Test
  void theWeeksMomentIsTheLastWholeWeekBeforeIt() {
    ZoneId shanghai = ZoneId.of("Asia/Shanghai");
    LocalTime nine = LocalTime.of(9, 0);
    assertEquals(LocalDate.parse("2026-11-16"), BulletinScheduler.weekDue(
        Instant.parse("2026-11-30T00:59:00Z").atZone(shanghai), DayOfWeek.MONDAY, nine), "08:59 Monday: still last week's");
    assertEquals(LocalDate.parse("2026-11-23"), BulletinScheduler.weekDue(
        Instant.parse("2026-11-30T01:00:00Z").atZone(shanghai), DayOfWeek.MONDAY, nine));
    assertEquals(LocalDate.parse("2026-11-23"), BulletinScheduler.weekDue(
        Instant.parse("2026-12-04T10:00:00Z").atZone(shanghai), DayOfWeek.FRIDAY, LocalTime.of(17, 0)),
        "a Friday's 通报 reports the last whole week, not the one under way");
  }

  @Test
  void aScheduledBulletinIsTheStatisticsOfItsWeekAndRegion() {
    buildOnSchedule(server);
    String shenzhen = manager("440300");
    JsonObject b = bulletinOf(shenzhen, "440300");
    assertEquals("深圳市", b.getString("regionName"));
    assertEquals("2026-11-29", b.getString("weekEnd"));
    assertEquals("schedule", b.getString("builtBy"));

    JsonObject week = api.get("/stats/ratings?from=2026-11-23&to=2026-11-29&groupBy=department").token(shenzhen)
        .send().expect(200).json();
    JsonObject before = api.get("/stats/ratings?from=2026-11-16&to=2026-11-22&groupBy=department").token(shenzhen)
        .send().expect(200).json();
    assertEquals(week.getJsonObject("totals"), b.getJsonObject("totals").getJsonObject("week"));
    assertEquals(before.getJsonObject("totals"), b.getJsonObject("totals").getJsonObject("previousWeek"));
    assertEquals(week.getJsonObject("totals").getLong("active") - before.getJsonObject("totals").getLong("active"),
        b.getJsonObject("totals").getJsonObject("change").getLong("active"));
    for (Object o : week.getJsonArray("rows")) {
      JsonObject row = (JsonObject) o;
      JsonObject d = department(b, row.getString("group"));
      assertEquals(row.getString("groupName"), d.getString("departmentName"));
      assertEquals(row.getJsonObject("indicators"), d.getJsonObject("indicators").getJsonObject("week"));
    }
    assertEquals(List.of("GAJ", "MZJ"), departments(b.getJsonArray("best")), "好评率 1.0 before 1/3; 交通运输局 too few");
    assertEquals(List.of("MZJ", "GAJ"), departments(b.getJsonArray("worst")));

    JsonObject supervision = api.get("/supervision/overdue").token(shenzhen).send().expect(200).json();
    long red = supervision.getJsonArray("departments").stream().mapToLong(d -> ((JsonObject) d).getLong("red")).sum();
    assertEquals(red, b.getJsonObject("overdueApplications").getLong("total"));
    assertTrue(red > 0, "the application accepted on the 18th is overdue: " + supervision);
    JsonObject cases = api.get("/stats/rectification").token(shenzhen).send().expect(200).json();
    assertEquals(cases.getJsonObject("byWarning").getLong("red"), b.getJsonObject("overdueCases").getLong("total"));

    // the province's has the same numbers (every demo department is 深圳市's); 广州市 has no department
    JsonObject province = bulletinOf(manager("440000"), "440000");
    assertEquals(b.getJsonObject("totals"), province.getJsonObject("totals"));
    assertEquals(0, api.get("/bulletins").token(manager("440100")).send().expect(200).items().size());
  }

  static JsonObject department(JsonObject bulletin, String code) {
    return bulletin.getJsonArray("departments").stream().map(JsonObject.class::cast)
        .filter(d -> code.equals(d.getString("department"))).findFirst().orElseThrow();
  }

  static List<String> departments(JsonArray a) {
    return a.stream().map(o -> ((JsonObject) o).getString("department")).toList();
  }

  @Test
  void threeReplicasRacingKeepOneBulletinPerRegionAndWeekAndAnnounceItOnce() throws Exception {
    server.update("delete from weekly_bulletin");
    server.update("delete from notification where kind = 'weekly_bulletin'");
    try (TestServer second = server.sibling(ENV, null); TestServer third = server.sibling(ENV, null)) {
      List<Future<Integer>> passes = new ArrayList<>();
      for (TestServer replica : List.of(server, second, third)) {
        passes.add(replica.app.bulletinScheduler().pass());
      }
      int created = 0;
      for (Future<Integer> pass : passes) {
        created += pass.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      assertEquals(2, created, "深圳市 and 广东省, each built by one replica");
    }
    assertEquals(List.of(new JsonObject().put("region", "440000").put("n", 1L),
            new JsonObject().put("region", "440300").put("n", 1L)),
        server.rows("select region, count(*) as n from weekly_bulletin where week_start = '2026-11-23' "
            + "group by region order by region"));
    for (String region : List.of("440000", "440300")) {
      List<JsonObject> notices = api.get("/me/notifications").token(manager(region)).send().expect(200).items().stream()
          .map(JsonObject.class::cast).filter(n -> "weekly_bulletin".equals(n.getString("kind"))).toList();
      assertEquals(1, notices.size(), "manager of " + region + ": " + notices);
      assertTrue(notices.get(0).getString("deepLink").startsWith("zhangban://bulletins/"));
    }
    assertEquals(0, server.count("select count(*) from notification where kind = 'weekly_bulletin' "
        + "and user_subject = 'manager-bulletin-440100'"), "广州市's manager has no bulletin to be told of");
  }

  @Test
  void theWeeksBulletinAManagerBuiltBeforeTheMomentIsAnnouncedAtTheMomentOnce() {
    server.update("delete from weekly_bulletin");
    server.update("delete from notification where kind = 'weekly_bulletin'");
    try {
      server.clock.set(Instant.parse("2026-11-30T00:00:00Z")); // Monday 08:00 in Shanghai: the week is over
      String early = api.post("/bulletins").token(manager("440300"))
          .json(new JsonObject().put("region", "440300").put("weekStart", WEEK)).expect(201).json().getString("id");
      buildOnSchedule(server); // the week before is the one due until the moment
      String toldOfTheWeek = "select count(*) from notification where kind = 'weekly_bulletin' and params->>'from' = $1"
          + " and user_subject = $2";
      assertEquals(0, server.count(toldOfTheWeek, WEEK, "manager-bulletin-440300"), "before the moment, not told");
      server.clock.set(Instant.parse("2026-11-30T01:30:00Z"));
      buildOnSchedule(server);
      buildOnSchedule(server);
      for (String region : List.of("440000", "440300")) {
        assertEquals(1, server.count(toldOfTheWeek, WEEK, "manager-bulletin-" + region), "manager of " + region);
      }
      assertEquals(1, server.count(toldOfTheWeek + " and params->>'deepLink' = $3", WEEK, "manager-bulletin-440300",
          "zhangban://bulletins/" + early), "of the one the manager built");
      assertEquals(early, bulletinOf(manager("440300"), "440300").getString("id"), "kept, not built again");
    } finally {
      server.clock.set(Instant.parse("2026-11-30T01:30:00Z"));
    }
  }

  @Test
  void aRegionWhoseBulletinFailsKeepsNoOtherFromItsOwnAndIsBuiltAtTheNextLook() {
    server.update("delete from weekly_bulletin");
    server.update("delete from notification where kind = 'weekly_bulletin'");
    server.update("""
        create function bulletin_test_refuse() returns trigger language plpgsql as $$
        begin
          if new.region = '440300' then
            raise exception 'refused for the test';
          end if;
          return new;
        end
        $$""");
    server.update("create trigger bulletin_test_refuse before insert on weekly_bulletin for each row "
        + "execute function bulletin_test_refuse()");
    String told = "select count(*) from notification where kind = 'weekly_bulletin' and user_subject = $1";
    try {
      assertEquals(1, (int) server.app.bulletinScheduler().pass().toCompletionStage().toCompletableFuture().join(),
          "the province's, though 深圳市's failed");
      assertEquals(0, server.count("select count(*) from weekly_bulletin where region = '440300'"));
      assertEquals(0, server.count(told, "manager-bulletin-440300"), "nothing announced of what was not kept");
      assertEquals(1, server.count(told, "manager-bulletin-440000"));
    } finally {
      server.update("drop trigger bulletin_test_refuse on weekly_bulletin");
      server.update("drop function bulletin_test_refuse()");
    }
    assertEquals(1, (int) server.app.bulletinScheduler().pass().toCompletionStage().toCompletableFuture().join(),
        "深圳市's, at the next look");
    assertEquals(1, server.count(told, "manager-bulletin-440300"));
    assertEquals(1, server.count(told, "manager-bulletin-440000"), "the province's is not announced again");
  }

  @Test
  void managersSeeTheBulletinsOfTheirRegionAndBelowOnly() {
    buildOnSchedule(server);
    String shenzhen = manager("440300");
    List<String> regions = api.get("/bulletins").token(shenzhen).send().expect(200).items().stream()
        .map(o -> ((JsonObject) o).getString("region")).distinct().toList();
    assertEquals(List.of("440300"), regions, "not the province's");
    String provinceBulletin = bulletinOf(manager("440000"), "440000").getString("id");
    assertEquals(404, api.get("/bulletins/" + provinceBulletin).token(shenzhen).send().status());
    assertEquals(404, api.get("/bulletins/" + provinceBulletin + "/pdf").token(shenzhen).send().status());
    assertEquals(404, api.get("/bulletins/" + provinceBulletin + "/html").token(manager("440100")).send().status());
    assertEquals(403, api.get("/bulletins?region=440000").token(shenzhen).send().status());
    assertEquals(403, api.get("/bulletins").token(filing.officer()).send().status());
    assertEquals(403, api.get("/bulletins").token(filing.citizen("citizen-bulletin")).send().status());
    assertEquals(404, api.get("/bulletins/" + UUID.randomUUID()).token(manager("440000")).send().status());
  }

  @Test
  void aManagerBuildsTheBulletinOfAnyPastWeekOnceAndIsRefusedTheRest() {
    String shenzhen = manager("440300");
    long told = server.count("select count(*) from notification where kind = 'weekly_bulletin'");
    Api.Response first = api.post("/bulletins").token(shenzhen)
        .json(new JsonObject().put("region", "440300").put("weekStart", "2026-11-09"));
    assertEquals(201, first.status(), first.body().toString());
    assertEquals(told, server.count("select count(*) from notification where kind = 'weekly_bulletin'"),
        "a past week built on demand is announced to nobody");
    assertEquals("manager-bulletin-440300", first.json().getString("builtBy"));
    Api.Response again = api.post("/bulletins").token(shenzhen)
        .json(new JsonObject().put("region", "440300").put("weekStart", "2026-11-09")).expect(200);
    assertEquals(first.json().getString("id"), again.json().getString("id"));

    Map<String, Long> before = server.snapshot();
    record Refusal(String token, JsonObject body, int status) {}
    List<Refusal> refusals = List.of(
        new Refusal(shenzhen, new JsonObject().put("region", "440300").put("weekStart", "2026-11-10"), 422),
        new Refusal(shenzhen, new JsonObject().put("region", "440300").put("weekStart", "2026-11-30"), 422),
        new Refusal(shenzhen, new JsonObject().put("region", "440100").put("weekStart", "2026-11-09"), 403),
        new Refusal(manager("440000"), new JsonObject().put("region", "450000").put("weekStart", "2026-11-09"), 403),
        new Refusal(shenzhen, new JsonObject().put("region", "440300").put("weekStart", "11/09/2026"), 400),
        new Refusal(shenzhen, new JsonObject().put("region", "4403").put("weekStart", "2026-11-09"), 400),
        new Refusal(shenzhen, new JsonObject().put("region", "440300"), 400),
        new Refusal(filing.officer(), new JsonObject().put("region", "440300").put("weekStart", "2026-11-09"), 403));
    for (Refusal r : refusals) {
      Api.Response answer = api.post("/bulletins").token(r.token()).json(r.body());
      assertEquals(r.status(), answer.status(), r.body() + " " + answer.body());
      assertTrue(answer.header("Content-Type").startsWith("application/problem+json"));
    }
    assertEquals(before, server.snapshot(), "a refused build keeps nothing");
  }

  @Test
  void withoutACjkFontThereIsNoPdfButThePageStillPrints() {
    try (TestServer fontless = server.sibling(Map.of("BULLETIN_FONT", "none"), null)) {
      buildOnSchedule(fontless);
      String token = fontless.tokens.manager("manager-bulletin-440300", "440300");
      String id = fontless.api.get("/bulletins?region=440300").token(token).send().expect(200).items()
          .getJsonObject(0).getString("id");
      Api.Response refused = fontless.api.get("/bulletins/" + id + "/pdf").token(token).send();
      assertEquals(503, refused.status());
      assertTrue(refused.json().getString("detail").contains("BULLETIN_FONT"));
      fontless.api.get("/bulletins/" + id + "/html").token(token).send().expect(200);
    }
  }

  @Test
  void theBulletinPrintsAndItsPdfsFirstPageIsNotBlank() throws IOException, InterruptedException {
    buildOnSchedule(server);
    String shenzhen = manager("440300");
    String id = bulletinOf(shenzhen, "440300").getString("id");
    Api.Response html = api.get("/bulletins/" + id + "/html").token(shenzhen).send().expect(200);
    assertTrue(html.header("Content-Type").startsWith("text/html"));
    String page = html.body().toString();
    assertTrue(page.contains("深圳市 政务服务") && page.contains("周通报"), page);
    assertTrue(page.contains("市民政局") && page.contains("市公安局"));
    assertTrue(page.contains("data:image/png;base64,"), "the chart is inside the page");
    assertFalse(page.contains("<script"), "nothing runs in it");
    assertFalse(page.contains("窗口人员态度冷淡"), "no comment in a bulletin");

    assumeTrue(server.config.bulletins().font().isPresent(), "No CJK font (fonts-wqy-zenhei; .ci/run installs it): "
        + "the PDF is not made");
    Api.Response pdf = api.get("/bulletins/" + id + "/pdf").token(shenzhen).send().expect(200);
    assertEquals("application/pdf", pdf.header("Content-Type"));
    assertTrue(pdf.header("Content-Disposition").contains("bulletin-440300-2026-11-23.pdf"));
    assertEquals("%PDF-", pdf.body().getString(0, 5));
    Path file = Path.of("target", "weekly-bulletin.pdf");
    Files.createDirectories(file.getParent());
    Files.write(file, pdf.body().getBytes());

    Path pdftoppm = Path.of("/usr/bin/pdftoppm");
    assumeTrue(Files.isExecutable(pdftoppm), "pdftoppm is not installed (poppler-utils; .ci/run installs it): the "
        + "PDF's first page is not rendered");
    Process render = new ProcessBuilder(pdftoppm.toString(), "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile",
        file.toString(), Path.of("target", "weekly-bulletin-1").toString()).redirectErrorStream(true).start();
    String output = new String(render.getInputStream().readAllBytes());
    assertEquals(0, render.waitFor(), output);
    BufferedImage first = ImageIO.read(Path.of("target", "weekly-bulletin-1.png").toFile());
    long inked = 0;
    for (int y = 0; y < first.getHeight(); y++) {
      for (int x = 0; x < first.getWidth(); x++) {
        int rgb = first.getRGB(x, y);
        if (((rgb >> 16) & 0xff) < 200 || ((rgb >> 8) & 0xff) < 200 || (rgb & 0xff) < 200) {
          inked++;
        }
      }
    }
    double share = (double) inked / (first.getWidth() * first.getHeight());
    assertTrue(share > 0.02, "the first page has text and a chart on it: " + share + " of it inked");
  }
}
