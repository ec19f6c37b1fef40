package zhangban.stats;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.Set;

/** The counters of a group and the published indicators computed from them. */
public final class Indicators {
  final long[] counters = new long[Rollups.COUNTERS.size()];

  static Indicators of(Row r) {
    Indicators i = new Indicators();
    for (int c = 0; c < i.counters.length; c++) {
      Long v = r.getLong(Rollups.COUNTERS.get(c));
      i.counters[c] = v == null ? 0 : v;
    }
    return i;
  }

  void add(Indicators other) {
    for (int c = 0; c < counters.length; c++) {
      counters[c] += other.counters[c];
    }
  }

  public long get(String counter) {
    return counters[Rollups.COUNTERS.indexOf(counter)];
  }

  public long level(int level) {
    return get("l" + level);
  }

  public long good(Set<Integer> goodLevels) {
    long good = 0;
    for (int l : goodLevels) {
      good += level(l);
    }
    return good;
  }

  private static Double rate(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  /**
   * The indicators published to anyone (公示): counts per level, 好评率, 差评率, 主动评价率, 差评回访率,
   * 差评整改率, 按期整改率 and appeals; nothing about defaults, follow-ups or exclusions.
   */
  public JsonObject publicJson(Set<Integer> goodLevels) {
    JsonObject all = toJson(goodLevels, false);
    JsonObject levels = new JsonObject();
    for (int l = 1; l <= 5; l++) {
      levels.put("level" + l, level(l));
    }
    JsonObject out = new JsonObject().put("levels", levels);
    for (String key : new String[] {"invited", "active", "good", "poor", "goodRate", "poorRate", "activeRate",
        "poorVerifiedRate", "poorRectifiedRate", "poorOnTimeRate", "appealsFiled", "appealsUpheld"}) {
      out.put(key, all.getValue(key));
    }
    return out;
  }

  /** {@code activeRate} is left out (null) where channels split the ratings, since invitations have none. */
  public JsonObject toJson(Set<Integer> goodLevels, boolean byChannel) {
    long active = get("active");
    long poor = get("poor");
    long good = good(goodLevels);
    JsonObject levels = new JsonObject();
    for (int l = 1; l <= 5; l++) {
      levels.put("level" + l, level(l));
    }
    for (int l = 1; l <= 5; l++) {
      levels.put(String.valueOf(l), level(l)); // deprecated keys, sent until 2027-06-30 (docs/api.md)
    }
    return new JsonObject()
        .put("invited", get("invited"))
        .put("active", active)
        .put("defaulted", get("defaulted"))
        .put("excluded", get("excluded_count"))
        .put("levels", levels)
        .put("good", good)
        .put("poor", poor)
        .put("goodRate", rate(good, active))
        .put("poorRate", rate(poor, active))
        .put("activeRate", byChannel ? null : rate(active, get("invited")))
        .put("poorVerifiedRate", rate(get("poor_verified"), poor))
        .put("poorRectifiedRate", rate(get("poor_rectified"), poor))
        .put("poorOnTimeRate", rate(get("poor_on_time"), poor))
        .put("appealsFiled", get("appeals_filed"))
        .put("appealsUpheld", get("appeals_upheld"))
        .put("followUps", get("follow_ups"))
        .put("meanFollowUp", rate(get("follow_up_sum"), get("follow_ups")));
  }
}
