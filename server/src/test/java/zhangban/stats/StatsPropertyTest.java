package zhangban.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;

/**
 * Random ratings, defaults, imports, case steps and appeals, made through the API over two months
 * of the test clock; then every indicator the statistics API gives, for random ranges, groupings,
 * buckets and filters, must equal the same indicator computed by brute force over the raw rows.
 * The seed is printed; rerun one with -Dstats.seed=N.
 */
class StatsPropertyTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final List<String> DEPARTMENTS = List.of("MZJ", "GAJ", "RSJ");
  static final List<String> ONLINE_TAGS = List.of("efficiency", "guide_accuracy", "convenience", "usability");
  static final List<String> OFFLINE_TAGS = List.of("service_efficiency", "service_quality", "service_attitude");
  /** Before the third quarter, which the data covers whole (it runs past 8 October), and the fourth begins. */
  static final LocalDate FIRST = LocalDate.parse("2026-06-25");

  static TestServer server;
  static Api api;
  static Random random;
  static long seed;
  static LocalDate last;

  @BeforeAll
  static void generate() {
    seed = Long.getLong("stats.seed", System.nanoTime());
    System.out.println("StatsPropertyTest seed: " + seed);
    random = new Random(seed);
    server = TestServer.start(Map.of("RATING_SCHEDULER_INTERVAL_MS", "3600000", "RATING_DEFAULT_LEVEL", "4",
        "RATING_CALLS_PER_MINUTE", "1000"));
    api = server.api;
    // deltas for the rows of all channels stay pending until folded below, half of them
    server.app.rollupCatchUp().pause().await();
    // the three departments in two districts of Shenzhen, so that counties and the city add up differently
    server.update("update department set region = '440303' where code = 'MZJ'");
    server.update("update department set region = '440305' where code in ('GAJ', 'RSJ')");
    server.clock.set(FIRST.atTime(9, 0).atZone(SHANGHAI).toInstant());
    String admin = server.tokens.token("admin-stats", "管理员", List.of("admin"), null, null);
    List<String[]> items = new ArrayList<>();
    for (String dept : DEPARTMENTS) {
      for (int n = 1; n <= 2; n++) {
        String code = "QS-" + dept + "-" + n;
        api.post("/items").token(admin).json(item(code, dept)).expect(201);
        items.add(new String[] {code, dept});
      }
    }
    int version = (int) server.count("select max(version) from rating_tag_dictionary");
    List<Object[]> poorRatings = new ArrayList<>();
    for (int n = 0; n < 70; n++) {
      // 36 to 48 hours apart: 70 applications cover at least 105 days
      server.clock.advance(Duration.ofMinutes(36 * 60 + random.nextInt(12 * 60)));
      String[] item = items.get(random.nextInt(items.size()));
      String dept = item[1];
      String citizen = "citizen-stats-" + random.nextInt(10);
      String officer = "officer-" + dept + "-" + random.nextInt(3);
      String id = api.post("/applications").token(citizenToken(citizen)).idempotencyKey("c-" + UUID.randomUUID())
          .json(new JsonObject().put("itemCode", item[0]).put("form", new JsonObject())).expect(201).json().getString("id");
      api.post("/applications/" + id + "/submit").token(citizenToken(citizen)).idempotencyKey("s-" + id).send().expect(200);
      int outcome = random.nextInt(10);
      if (outcome == 0) {
        act(id, officer, dept, "reject", new JsonObject().put("reason", "材料不符"));
      } else {
        act(id, officer, dept, "accept", null);
        act(id, officer, dept, "start-review", null);
        if (outcome == 1) {
          act(id, officer, dept, "deny", new JsonObject().put("reason", "不符合条件"));
        } else {
          act(id, officer, dept, "approve", null);
          act(id, officer, dept, "complete", new JsonObject().put("result", new JsonObject().put("kind", "notice")));
        }
      }
      int how = random.nextInt(20);
      int level = 1 + random.nextInt(5);
      if (how < 13) {
        String channel = random.nextBoolean() ? "app" : "web";
        JsonObject rating = new JsonObject().put("level", level).put("channel", channel)
            .put("tags", tags(ONLINE_TAGS, level)).put("dictionaryVersion", version);
        JsonObject r = api.post("/applications/" + id + "/ratings").token(citizenToken(citizen))
            .idempotencyKey("r-" + id).json(rating).expect(201).json();
        if (r.getBoolean("poor")) {
          poorRatings.add(new Object[] {r, dept, citizen});
        }
      } else if (how < 17) {
        String channel = List.of("hall", "kiosk", "hotline").get(random.nextInt(3));
        String number = server.row("select number from application where id = $1::uuid", id).getString("number");
        JsonObject r = api.post("/integration/ratings")
            .token(server.tokens.token("hall-" + dept, "大厅", List.of("integration"), dept, null))
            .json(new JsonObject().put("externalId", "X-" + id).put("applicationNumber", number)
                .put("raterSubject", citizen).put("channel", channel).put("level", level)
                .put("tags", tags(OFFLINE_TAGS, level)).put("dictionaryVersion", version)
                .put("ratedAt", server.clock.instant().toString()))
            .expect(201).json();
        if (r.getBoolean("poor")) {
          poorRatings.add(new Object[] {r, dept, citizen});
        }
      }
      // else unrated: defaulted when its window closes
    }
    // case work comes later, so that some of it is late
    for (int i = 0; i < poorRatings.size(); i++) {
      Object[] p = poorRatings.get(i);
      server.clock.advance(Duration.ofHours(random.nextInt(30)));
      // the first two are appealed for sure, upheld and rejected; the rest as chance has it
      if (i == 2) {
        fullyWorkedThenExcluded((JsonObject) p[0], (String) p[1]);
      } else {
        work((JsonObject) p[0], (String) p[1], (String) p[2], i < 2 ? i : -1);
      }
    }
    server.clock.advance(Duration.ofDays(8));
    while (server.app.ratingScheduler().pass().await() != 0) {
      // until every closed window was defaulted
    }
    // the oldest half of the deltas folded into the rollup rows, the rest still pending:
    // every statistic below reads both
    long pending = server.count("select count(*) from stat_rollup_delta");
    assertTrue(pending > 100, "pending deltas: " + pending);
    assertEquals(pending / 2, (long) server.app.pool().withTransaction(tx -> Rollups.fold(tx, (int) pending / 2)).await());
    assertEquals(pending - pending / 2, server.count("select count(*) from stat_rollup_delta"));
    last = LocalDate.ofInstant(server.clock.instant(), SHANGHAI);
    assertTrue(last.isAfter(LocalDate.parse("2026-09-30")), "the third quarter whole: " + last);
    assertTrue(server.count("select count(*) from stat_rollup where grain = '" + Rollups.QUARTER_ALL
        + "' and period = '2026-07-01'") > 0, "quarter rows");
    assertTrue(server.count("select count(*) from rating where defaulted") > 0, "some defaults");
    assertTrue(poorRatings.size() >= 3, "some poor ratings: " + poorRatings.size());
    assertTrue(server.count("select count(*) from rating where excluded") > 0, "some exclusions");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String citizenToken(String subject) {
    return server.tokens.token(subject, "市民", List.of("citizen"), null, null);
  }

  static String officerToken(String subject, String dept) {
    return server.tokens.token(subject, "办事员", List.of("officer"), dept, null);
  }

  static String managerToken() {
    return server.tokens.token("manager-stats", "经理", List.of("manager"), null, null);
  }

  static void act(String id, String officer, String dept, String action, JsonObject body) {
    var call = api.post("/applications/" + id + "/" + action).token(officerToken(officer, dept));
    (body == null ? call.send() : call.json(body)).expect(200);
  }

  static JsonArray tags(List<String> offered, int level) {
    JsonArray out = new JsonArray();
    for (String t : offered) {
      if (random.nextInt(3) == 0) {
        out.add(t);
      }
    }
    if (level <= 2 && out.isEmpty()) {
      out.add(offered.get(random.nextInt(offered.size())));
    }
    return out;
  }

  /**
   * Takes a random number of the case's steps; an appeal may come before any of them or between
   * them, decided either way at once or left pending.
   */
  static void work(JsonObject rating, String dept, String citizen, int forcedDecision) {
    String caseId = rating.getJsonObject("case").getString("id");
    String officer = "officer-" + dept + "-case";
    int steps = random.nextInt(6);
    boolean appeal = forcedDecision >= 0 || random.nextInt(3) == 0;
    int appealAt = forcedDecision >= 0 ? 0 : random.nextInt(Math.min(steps, 4) + 1);
    List<String> path = List.of("claim", "verify", "rectify", "reply");
    for (int s = 0; s <= Math.min(steps, 4); s++) {
      if (appeal && s == appealAt) {
        api.post("/rectification-cases/" + caseId + "/appeal").token(officerToken(officer, dept))
            .json(new JsonObject().put("reason", "mistaken").put("explanation", "评价对象有误")).expect(200);
        int decision = forcedDecision >= 0 ? forcedDecision : random.nextInt(3);
        if (decision < 2) {
          api.post("/rectification-cases/" + caseId + "/appeal/decision").token(managerToken())
              .json(new JsonObject().put("decision", decision == 0 ? "upheld" : "rejected").put("note", "审核")).expect(200);
          if (decision == 0) {
            return;
          }
        }
      }
      if (s == Math.min(steps, 4)) {
        break;
      }
      JsonObject body = switch (path.get(s)) {
        case "verify" -> new JsonObject().put("finding", "true").put("contact", new JsonObject().put("method", "phone")
            .put("contactedAt", server.clock.instant().toString()).put("note", "已回访"));
        case "rectify" -> new JsonObject().put("outcome", "immediate").put("measures", "已整改");
        case "reply" -> new JsonObject().put("reply", "已整改，谢谢");
        default -> null;
      };
      var call = api.post("/rectification-cases/" + caseId + "/" + path.get(s)).token(officerToken(officer, dept));
      (body == null ? call.send() : call.json(body)).expect(200);
      server.clock.advance(Duration.ofHours(random.nextInt(72)));
    }
    if (steps == 5) {
      api.post("/ratings/" + rating.getString("id") + "/follow-up").token(citizenToken(citizen))
          .json(new JsonObject().put("satisfaction",
              List.of("satisfied", "basically_satisfied", "dissatisfied").get(random.nextInt(3)))).expect(200);
    }
  }

  /** A case replied on time, then excluded by an upheld appeal filed at the end. */
  static void fullyWorkedThenExcluded(JsonObject rating, String dept) {
    String caseId = rating.getJsonObject("case").getString("id");
    String officer = officerToken("officer-" + dept + "-late", dept);
    api.post("/rectification-cases/" + caseId + "/claim").token(officer).send().expect(200);
    api.post("/rectification-cases/" + caseId + "/verify").token(officer).json(new JsonObject().put("finding", "untrue")
        .put("contact", new JsonObject().put("method", "sms").put("contactedAt", server.clock.instant().toString())
            .put("note", "短信回访"))).expect(200);
    api.post("/rectification-cases/" + caseId + "/rectify").token(officer)
        .json(new JsonObject().put("outcome", "explanation").put("measures", "政策解释")).expect(200);
    api.post("/rectification-cases/" + caseId + "/reply").token(officer).json(new JsonObject().put("reply", "已解释"))
        .expect(200);
    api.post("/rectification-cases/" + caseId + "/appeal").token(officer)
        .json(new JsonObject().put("reason", "malicious").put("explanation", "恶意差评")).expect(200);
    api.post("/rectification-cases/" + caseId + "/appeal/decision").token(managerToken())
        .json(new JsonObject().put("decision", "upheld").put("note", "成立")).expect(200);
  }

  static JsonObject item(String code, String dept) {
    return new JsonObject()
        .put("code", code).put("name", "统计事项 " + code).put("department", dept).put("kind", "public_service")
        .put("keywords", new JsonArray().add("统计")).put("description", "统计测试用的事项。")
        .put("promisedDays", 5).put("legalDays", 20).put("visitsNeeded", 0).put("fullyOnline", true)
        .put("feeCents", 0)
        .put("materials", new JsonArray().add(new JsonObject().put("code", "photo").put("name", "照片")
            .put("required", false).put("toleranceAllowed", false)
            .put("acceptedTypes", new JsonArray().add("application/pdf")).put("maxBytes", 1048576)))
        .put("attributes", new JsonArray());
  }

  // ---- the property ---------------------------------------------------------------------------

  @Test
  void everyIndicatorFromTheRollupsEqualsTheBruteForceOne() {
    int span = (int) java.time.temporal.ChronoUnit.DAYS.between(FIRST, last);
    List<String> groupings = List.of("none", "department", "item", "officer", "channel", "region:county",
        "region:city");
    List<String> buckets = List.of("none", "day", "week", "month");
    int checked = 0;
    for (int q = 0; q < 60; q++) {
      LocalDate from = FIRST.minusDays(3).plusDays(random.nextInt(span + 3));
      LocalDate to = q < 5 ? last : from.plusDays(random.nextInt(span + 5));
      if (q == 0) {
        from = FIRST.minusDays(1);
      }
      String groupBy = groupings.get(random.nextInt(groupings.size()));
      String bucket = buckets.get(random.nextInt(buckets.size()));
      Optional<String> dept = random.nextInt(3) == 0 ? Optional.of(DEPARTMENTS.get(random.nextInt(3))) : Optional.empty();
      Optional<String> channel = random.nextInt(4) == 0
          ? Optional.of(List.of("app", "web", "hall", "kiosk", "hotline", "system").get(random.nextInt(6)))
          : Optional.empty();
      String what = "seed " + seed + ": " + from + ".." + to + " by " + groupBy + "/" + bucket + " " + dept + " " + channel;
      StringBuilder url = new StringBuilder("/stats/ratings?from=" + from + "&to=" + to + "&groupBy="
          + groupBy.replaceFirst(":.*", "") + "&bucket=" + bucket);
      if (groupBy.startsWith("region:")) {
        url.append("&regionLevel=").append(groupBy.substring("region:".length()));
      }
      dept.ifPresent(d -> url.append("&department=").append(d));
      channel.ifPresent(c -> url.append("&channel=").append(c));
      JsonObject stats = api.get(url.toString()).token(managerToken()).send().expect(200).json();

      Map<String, long[]> expected = BruteForce.counters(server.app.pool(), "Asia/Shanghai", from, to, groupBy, bucket,
          dept, channel);
      Map<String, JsonObject> actual = new HashMap<>();
      for (Object o : stats.getJsonArray("rows")) {
        JsonObject row = (JsonObject) o;
        actual.put((row.getString("group") == null ? "" : row.getString("group")) + "|"
            + (row.getString("bucket") == null ? "" : row.getString("bucket")), row.getJsonObject("indicators"));
      }
      long[] totals = new long[Rollups.COUNTERS.size()];
      for (Map.Entry<String, long[]> e : expected.entrySet()) {
        for (int i = 0; i < totals.length; i++) {
          totals[i] += e.getValue()[i];
        }
        if (groupBy.equals("channel") && e.getKey().startsWith("|")) {
          continue; // invitations have no channel: in the totals only
        }
        JsonObject got = actual.remove(e.getKey());
        if (got == null) {
          assertTrue(isZero(e.getValue()), what + ": group " + e.getKey() + " missing");
          continue;
        }
        assertIndicators(e.getValue(), got, groupBy.equals("channel") || channel.isPresent(), what + " " + e.getKey());
        checked++;
      }
      for (Map.Entry<String, JsonObject> extra : actual.entrySet()) {
        assertEquals(0, extra.getValue().getLong("active") + extra.getValue().getLong("defaulted")
            + extra.getValue().getLong("invited") + extra.getValue().getLong("excluded"), what + ": stray group " + extra.getKey());
      }
      assertIndicators(totals, stats.getJsonObject("totals"), channel.isPresent(), what + " totals");
      assertEquals(totals[Rollups.COUNTERS.indexOf("excluded_count")], stats.getLong("excluded"), what);
    }
    assertTrue(checked > 60, "compared " + checked + " groups");
  }

  @Test
  void rankingsFromTheRollupsCountWhatTheBruteForceCounts() {
    int span = (int) java.time.temporal.ChronoUnit.DAYS.between(FIRST, last);
    int checked = 0;
    for (int q = 0; q < 30; q++) {
      // whole months and the days around them: the month rows of all channels are read unless a
      // channel is asked for
      LocalDate from = q < 3 ? FIRST : FIRST.minusDays(3).plusDays(random.nextInt(span + 3));
      LocalDate to = q < 3 ? last : from.plusDays(random.nextInt(span + 5));
      String by = List.of("item", "officer", "region:county").get(q % 3 == 1 ? 2 : random.nextInt(2));
      Optional<String> channel = q % 3 == 2
          ? Optional.of(List.of("app", "web", "hall", "kiosk", "hotline").get(random.nextInt(5))) : Optional.empty();
      String what = "seed " + seed + ": ranking of " + by + " " + from + ".." + to + " " + channel;
      JsonObject ranking = api.get("/stats/ratings/ranking?by=" + by.replace("region:", "region&regionLevel=")
          + "&minSample=1&limit=100&from=" + from
          + "&to=" + to + channel.map(c -> "&channel=" + c).orElse("")).token(managerToken()).send().expect(200).json();
      Map<String, long[]> expected = BruteForce.counters(server.app.pool(), "Asia/Shanghai", from, to, by, "none",
          Optional.empty(), channel);
      Map<String, Long> expectedActive = new java.util.TreeMap<>();
      expected.forEach((key, v) -> {
        String group = key.substring(0, key.indexOf('|'));
        if (c(v, "active") > 0 && !group.isEmpty()) {
          expectedActive.put(group, c(v, "active"));
        }
      });
      Map<String, Long> actualActive = new java.util.TreeMap<>();
      for (Object o : ranking.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        actualActive.put(item.getString("group"), item.getJsonObject("indicators").getLong("active"));
        long[] v = expected.get(item.getString("group") + "|");
        assertIndicators(v, item.getJsonObject("indicators"), channel.isPresent(), what + " " + item.getString("group"));
        checked++;
      }
      assertEquals(expectedActive, actualActive, what);
    }
    assertTrue(checked > 30, "compared " + checked + " ranked groups");
  }

  @Test
  void poorReasonsFromTheRollupsEqualTheBruteForceCount() {
    int span = (int) java.time.temporal.ChronoUnit.DAYS.between(FIRST, last);
    for (int q = 0; q < 20; q++) {
      LocalDate from = FIRST.plusDays(random.nextInt(span));
      LocalDate to = q == 0 ? last : from.plusDays(random.nextInt(span));
      Optional<String> dept = random.nextBoolean() ? Optional.of(DEPARTMENTS.get(random.nextInt(3))) : Optional.empty();
      JsonObject got = api.get("/stats/ratings/tags?limit=100&from=" + (q == 0 ? FIRST : from) + "&to=" + to
          + dept.map(d -> "&department=" + d).orElse("")).token(managerToken()).send().expect(200).json();
      Map<String, Long> expected = new HashMap<>();
      server.rows("""
          select t.tag, count(*) as n from rating r cross join unnest(r.tags) t(tag)
          where r.poor and not r.excluded and (r.rated_at at time zone 'Asia/Shanghai')::date between $1 and $2
            and ($3::text is null or r.department = $3)
          group by 1""", q == 0 ? FIRST : from, to, dept.orElse(null))
          .forEach(r -> expected.put(r.getString("tag"), r.getLong("n")));
      Map<String, Long> actual = new HashMap<>();
      got.getJsonArray("tags").forEach(t -> actual.put(((JsonObject) t).getString("code"), ((JsonObject) t).getLong("count")));
      assertEquals(expected, actual, "seed " + seed + ": tags " + from + ".." + to + " " + dept);
    }
  }

  @Test
  void rebuildingFromTheRawRowsGivesTheSameRollups() {
    io.vertx.sqlclient.SqlConnection conn = server.app.pool().getConnection().await();
    try {
      // the pending deltas folded, in a transaction undone after, so the other tests still read some
      io.vertx.sqlclient.Transaction tx = conn.begin().await();
      assertTrue(Rollups.fold(conn, 1_000_000).await() > 0);
      assertEquals(0, conn.query("select count(*) from stat_rollup_delta").execute().await().iterator().next()
          .getLong(0));
      List<String> incremental = rollupRows(conn);
      new Rollups(SHANGHAI).rebuild(conn).await();
      List<String> rebuilt = rollupRows(conn);
      tx.rollback().await();
      assertTrue(incremental.size() > 100, "rollup rows: " + incremental.size());
      assertEquals(incremental, rebuilt, "seed " + seed);

      // a database from before the month rows of all channels gets them from migration V13, V14
      // moves them to a partition of their own, V15 adds their quarter rows (undone here first, then
      // done again), all deltas folded first as above
      tx = conn.begin().await();
      assertTrue(Rollups.fold(conn, 1_000_000).await() > 0);
      conn.query("drop table stat_rollup_quarter_all").execute().await();
      conn.query("drop table stat_rollup_month_all").execute().await();
      conn.query("alter table stat_rollup drop constraint stat_rollup_grain_check").execute().await();
      conn.query("alter table stat_rollup add constraint stat_rollup_grain_check check (grain in ('day', 'month'))")
          .execute().await();
      for (String script : List.of("V13__rollup_all_channel_months.sql", "V14__rollup_all_channel_months_apart.sql",
          "V15__rollup_all_channel_quarters.sql")) {
        try (var in = getClass().getResourceAsStream("/db/migration/" + script)) {
          conn.query(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).execute().await();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      List<String> migrated = rollupRows(conn);
      tx.rollback().await();
      assertEquals(incremental, migrated, "seed " + seed + ": the rows of V13, V14 and V15");
    } finally {
      conn.close().await();
    }
  }

  /** Every rollup row that counts something, as text, in key order. */
  static List<String> rollupRows(io.vertx.sqlclient.SqlConnection conn) {
    String counters = String.join(", ", Rollups.COUNTERS);
    String nonZero = String.join(" or ", Rollups.COUNTERS.stream().map(c -> c + " <> 0").toList());
    List<String> out = new ArrayList<>();
    conn.query("select dim, grain, period, department, channel, key, " + counters + " from stat_rollup where "
        + nonZero + " order by 1, 2, 3, 4, 5, 6").execute().await().forEach(r -> out.add(r.toJson().encode()));
    conn.query("select dim, grain, period, department, channel, key, tag, poor from stat_tag_rollup where poor <> 0"
        + " order by 1, 2, 3, 4, 5, 6, 7").execute().await().forEach(r -> out.add(r.toJson().encode()));
    return out;
  }

  static boolean isZero(long[] v) {
    for (long x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  static long c(long[] v, String counter) {
    return v[Rollups.COUNTERS.indexOf(counter)];
  }

  static Double rate(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  static void assertIndicators(long[] e, JsonObject got, boolean byChannel, String what) {
    assertEquals(c(e, "invited"), got.getLong("invited"), what + " invited");
    assertEquals(c(e, "active"), got.getLong("active"), what + " active");
    assertEquals(c(e, "defaulted"), got.getLong("defaulted"), what + " defaulted");
    assertEquals(c(e, "excluded_count"), got.getLong("excluded"), what + " excluded");
    for (int l = 1; l <= 5; l++) {
      assertEquals(c(e, "l" + l), got.getJsonObject("levels").getLong("level" + l), what + " level " + l);
      assertEquals(c(e, "l" + l), got.getJsonObject("levels").getLong(String.valueOf(l)), what + " deprecated key " + l);
    }
    long good = c(e, "l3") + c(e, "l4") + c(e, "l5");
    assertEquals(good, got.getLong("good"), what + " good");
    assertEquals(c(e, "poor"), got.getLong("poor"), what + " poor");
    assertEquals(rate(good, c(e, "active")), got.getDouble("goodRate"), what + " goodRate");
    assertEquals(rate(c(e, "poor"), c(e, "active")), got.getDouble("poorRate"), what + " poorRate");
    assertEquals(byChannel ? null : rate(c(e, "active"), c(e, "invited")), got.getDouble("activeRate"), what + " activeRate");
    assertEquals(rate(c(e, "poor_verified"), c(e, "poor")), got.getDouble("poorVerifiedRate"), what + " verified");
    assertEquals(rate(c(e, "poor_rectified"), c(e, "poor")), got.getDouble("poorRectifiedRate"), what + " rectified");
    assertEquals(rate(c(e, "poor_on_time"), c(e, "poor")), got.getDouble("poorOnTimeRate"), what + " on time");
    assertEquals(c(e, "appeals_filed"), got.getLong("appealsFiled"), what + " appeals");
    assertEquals(c(e, "appeals_upheld"), got.getLong("appealsUpheld"), what + " upheld");
    assertEquals(c(e, "follow_ups"), got.getLong("followUps"), what + " follow-ups");
    assertEquals(rate(c(e, "follow_up_sum"), c(e, "follow_ups")), got.getDouble("meanFollowUp"), what + " mean follow-up");
  }
}
