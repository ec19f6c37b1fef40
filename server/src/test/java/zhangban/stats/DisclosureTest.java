package zhangban.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.rating.RatingFixtures;
import zhangban.support.Api;
import zhangban.support.HallRatings;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * The published results (公示): anyone reads them without a token, they equal the managers'
 * statistics for the same scope and month, a group under the minimum sample (3 here) shows as
 * withheld, never as zero, and nothing finer than an item is ever in them. Each answer is computed
 * once per key and kept for DISCLOSURE_MAX_AGE_SECONDS, cacheable by anyone, and every client has
 * its calls a minute. Each test calls as its own client (X-Forwarded-For, trusted here).
 */
class DisclosureTest {
  static TestServer server;
  static Api api;
  static RatingFixtures fx;
  static final String COMMENT = "窗口人员态度冷淡";

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("STATS_MIN_SAMPLE", "3", "DISCLOSURE_CALLS_PER_MINUTE", "40",
        "HTTP_TRUST_FORWARDED", "true", "RATING_CALLS_PER_MINUTE", "100000"));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
    // November 2026, all in 深圳市 (440300): 民政局 four ratings (one poor), 公安局 three (one poor),
    // 交通运输局 one, too few to publish
    for (int level : new int[] {5, 5, 4, 1}) {
      rated("MZJ", "MZ-HY-001", "officer-minzheng", level);
    }
    for (int level : new int[] {5, 2, 3}) {
      rated("GAJ", "GA-HZ-0001", "officer-gongan", level);
    }
    rated("JTJ", "JT-0001", "officer-jiaotong", 5);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void rated(String department, String item, String officer, int level) {
    new HallRatings(server, fx).rated(department, item, officer, level, COMMENT);
  }

  static Api.Response get(String client, String path) {
    return api.get(path).header("X-Forwarded-For", "198.51.100.7, " + client).send();
  }

  static JsonObject managers(String query) {
    return api.get("/stats/ratings?from=2026-11-01&to=2026-11-30&" + query).token(fx.manager()).send().expect(200).json()
        .getJsonObject("totals");
  }

  @Test
  void theResultsOfTheProvinceARegionADepartmentAndAnItemAreTheStatistics() {
    String client = "203.0.113.1";
    JsonObject province = get(client, "/public/ratings/summary?period=2026-11").expect(200).json();
    assertEquals("province", province.getJsonObject("scope").getString("kind"));
    assertEquals("2026-11-01", province.getString("from"));
    assertEquals("2026-11-30", province.getString("to"));
    assertFalse(province.getBoolean("complete"), "November is not over on the test clock");
    assertSameAs(managers("groupBy=none"), province.getJsonObject("indicators"));

    JsonObject shenzhen = get(client, "/public/ratings/summary?period=2026-11&region=440300").expect(200).json();
    assertEquals(new JsonObject().put("kind", "region").put("code", "440300").put("name", "深圳市"),
        shenzhen.getJsonObject("scope"));
    assertEquals(province.getJsonObject("indicators"), shenzhen.getJsonObject("indicators"));

    JsonObject mzj = get(client, "/public/ratings/summary?period=2026-Q4&department=MZJ").expect(200).json();
    assertEquals("2026-10-01", mzj.getString("from"));
    assertSameAs(managers("department=MZJ"), mzj.getJsonObject("indicators"));
    assertEquals(0.75, mzj.getJsonObject("indicators").getDouble("goodRate"));

    JsonObject item = get(client, "/public/ratings/summary?period=2026&item=MZ-HY-001").expect(200).json();
    assertEquals("item", item.getJsonObject("scope").getString("kind"));
    assertEquals(4, item.getJsonObject("indicators").getLong("active"));

    for (String body : List.of(province.encode(), shenzhen.encode(), mzj.encode(), item.encode())) {
      assertFalse(body.contains(COMMENT) || body.contains("officer-") || body.contains("citizen-"),
          "no comment, officer or rater is published: " + body);
    }
  }

  /** Public indicators are the managers' totals, field by field. */
  static void assertSameAs(JsonObject totals, JsonObject published) {
    for (String key : published.fieldNames()) {
      if (key.equals("levels")) {
        for (int l = 1; l <= 5; l++) {
          assertEquals(totals.getJsonObject("levels").getLong("level" + l),
              published.getJsonObject("levels").getLong("level" + l), "level " + l);
        }
      } else {
        assertEquals(totals.getValue(key), published.getValue(key), key);
      }
    }
  }

  @Test
  void aGroupUnderTheMinimumSampleIsWithheldNotZero() {
    String client = "203.0.113.2";
    JsonObject jtj = get(client, "/public/ratings/summary?period=2026-11&department=JTJ").expect(200).json();
    assertTrue(jtj.getBoolean("withheld"));
    assertNull(jtj.getValue("indicators"));
    assertEquals(3, jtj.getInteger("minSample"));
    JsonObject guangzhou = get(client, "/public/ratings/summary?period=2026-11&region=440100").expect(200).json();
    assertTrue(guangzhou.getBoolean("withheld"), "a region with no rating at all shows as withheld too");
  }

  @Test
  void rankingsRankThoseWithTheMinimumSampleAndNameTheRest() {
    String client = "203.0.113.3";
    JsonObject best = get(client, "/public/ratings/ranking?period=2026-11&by=department").expect(200).json();
    assertEquals(List.of("MZJ", "GAJ"), groups(best.getJsonArray("items")));
    assertEquals(List.of(1, 2), best.getJsonArray("items").stream().map(o -> ((JsonObject) o).getInteger("rank")).toList());
    assertEquals("市民政局", best.getJsonArray("items").getJsonObject(0).getString("groupName"));
    assertEquals(List.of("JTJ"), groups(best.getJsonArray("withheld")));
    assertEquals(1, best.getInteger("withheldCount"));
    assertFalse(best.getJsonArray("withheld").getJsonObject(0).containsKey("indicators"));

    JsonObject worst = get(client, "/public/ratings/ranking?period=2026-11&by=department&order=worst&region=440300")
        .expect(200).json();
    assertEquals(List.of("GAJ", "MZJ"), groups(worst.getJsonArray("items")));
    JsonObject items = get(client, "/public/ratings/ranking?period=2026-11&by=item&department=MZJ").expect(200).json();
    assertEquals(List.of("MZ-HY-001"), groups(items.getJsonArray("items")));
    assertEquals(0, get(client, "/public/ratings/ranking?period=2026-11&by=department&region=440100").expect(200).json()
        .getJsonArray("items").size());
  }

  static List<String> groups(JsonArray a) {
    return a.stream().map(o -> ((JsonObject) o).getString("group")).toList();
  }

  @Test
  void theTrendHasAPointAMonthWithTheMonthsWithoutEnoughRatingsWithheld() {
    String client = "203.0.113.4";
    JsonObject trend = get(client, "/public/ratings/trend?to=2026-11&months=3&department=MZJ").expect(200).json();
    JsonArray points = trend.getJsonArray("points");
    assertEquals(List.of("2026-09", "2026-10", "2026-11"),
        points.stream().map(o -> ((JsonObject) o).getString("month")).toList());
    assertTrue(points.getJsonObject(0).getBoolean("withheld"));
    assertNull(points.getJsonObject(1).getValue("indicators"));
    JsonObject november = get(client, "/public/ratings/summary?period=2026-11&department=MZJ").expect(200).json();
    assertEquals(november.getJsonObject("indicators"), points.getJsonObject(2).getJsonObject("indicators"));
  }

  @Test
  void anAnswerIsKeptForItsMaxAgeAndCachesKeepItNoLonger() {
    String client = "203.0.113.5";
    String path = "/public/ratings/summary?period=2026-11&department=GAJ";
    Api.Response first = get(client, path).expect(200);
    assertEquals("public, max-age=300", first.header("Cache-Control"));
    String etag = first.header("ETag");
    assertNotNull(etag);
    Api.Response again = api.get(path).header("X-Forwarded-For", client).header("If-None-Match", etag).send();
    assertEquals(304, again.status());
    assertEquals(etag, again.header("ETag"));
    server.clock.advance(Duration.ofSeconds(100));
    assertEquals("public, max-age=200", get(client, path).expect(200).header("Cache-Control"),
        "what is left of the kept answer's max-age, not all of it again");

    // a rating given now is in the statistics at once, and in the published results after their max-age
    // (a poor one: 公安局 stays below 民政局 in the rankings whichever test runs first)
    long active = first.json().getJsonObject("indicators").getLong("active");
    rated("GAJ", "GA-HZ-0001", "officer-gongan", 1);
    assertEquals(active, get(client, path).expect(200).json().getJsonObject("indicators").getLong("active"),
        "kept: computed once for the key");
    server.clock.advance(Duration.ofSeconds(201));
    Api.Response later = get(client, path).expect(200);
    assertEquals("public, max-age=300", later.header("Cache-Control"));
    assertEquals(active + 1, later.json().getJsonObject("indicators").getLong("active"));
    assertFalse(etag.equals(later.header("ETag")));
  }

  @Test
  void badQuestionsAreProblemsAndKeepNothing() {
    String client = "203.0.113.6";
    Map<String, Integer> bad = new java.util.LinkedHashMap<>();
    bad.put("/public/ratings/summary", 400);
    bad.put("/public/ratings/summary?period=2026-13", 400);
    bad.put("/public/ratings/summary?period=26-11", 400);
    bad.put("/public/ratings/summary?period=2027-01", 400);
    bad.put("/public/ratings/summary?period=2026-11&region=440300&department=MZJ", 400);
    bad.put("/public/ratings/summary?period=2026-11&region=4403", 400);
    bad.put("/public/ratings/summary?period=2026-11&region=450000", 404);
    bad.put("/public/ratings/summary?period=2026-11&department=NOPE", 404);
    bad.put("/public/ratings/summary?period=2026-11&item=NOPE-1", 404);
    bad.put("/public/ratings/ranking?period=2026-11", 400);
    bad.put("/public/ratings/ranking?period=2026-11&by=officer", 400);
    bad.put("/public/ratings/ranking?period=2026-11&by=department&department=MZJ", 400);
    bad.put("/public/ratings/ranking?period=2026-11&by=item&limit=0", 400);
    bad.put("/public/ratings/trend?to=2026-11&months=25", 400);
    bad.put("/public/ratings/trend?to=2027-02", 400);
    bad.put("/public/ratings/trend?to=2026-11&item=MZ-HY-001&region=440300", 400);
    for (var e : bad.entrySet()) {
      Api.Response r = get(client, e.getKey());
      assertEquals(e.getValue(), r.status(), e.getKey() + " " + r.body());
      assertTrue(r.header("Content-Type").startsWith("application/problem+json"), e.getKey());
    }
    // the answer about an unknown region is kept as long as any: a region added is answered after it
    server.update("insert into region (code, parent, name, level) values ('450000', null, '广西壮族自治区', 'province')");
    try {
      assertEquals(404, get(client, "/public/ratings/summary?period=2026-11&region=450000").status());
      server.clock.advance(Duration.ofSeconds(301));
      assertEquals(200, get(client, "/public/ratings/summary?period=2026-11&region=450000").status());
    } finally {
      server.update("delete from region where code = '450000'");
    }
  }

  @Test
  void aClientCallingTooOftenIsToldWhenToComeBack() {
    String client = "203.0.113.7";
    String path = "/public/ratings/summary?period=2026-11";
    server.clock.advance(Duration.ofSeconds(60 - server.clock.instant().getEpochSecond() % 60)); // a fresh minute
    for (int i = 0; i < 40; i++) {
      get(client, path).expect(200);
    }
    Api.Response refused = get(client, path);
    assertEquals(429, refused.status());
    assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
    assertEquals(200, get("203.0.113.8", path).status(), "another client is not held back");
    // the client named last by X-Forwarded-For is the one counted, whatever it put before it
    assertEquals(429, api.get(path).header("X-Forwarded-For", "192.0.2.1, " + client).send().status());
    server.clock.advance(Duration.ofSeconds(60));
    assertEquals(200, get(client, path).status());
  }
}
