package zhangban.stats;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The indicators computed the slow way, straight from raw ratings, cases, appeals and invitations:
 * the yardstick the rollups are checked against (tests) and timed against (benchmark).
 */
public final class BruteForce {
  private static final String ROWS = "with rr as (" + Rollups.RAW_ROWS + ")\n" + """
      select %s as grp, %s as bucket%s
      from rr where day between $2 and $3 and ($4::text is null or department = $4) and ($5::text is null or channel = $5)
      group by 1, 2
      """;

  private BruteForce() {}

  /** Counters per (group, bucket), keyed "group|bucket" (empty strings for none). */
  public static Map<String, long[]> counters(Pool pool, String zone, LocalDate from, LocalDate to, String groupBy,
                                             String bucket, Optional<String> department, Optional<String> channel) {
    String group = switch (groupBy) {
      case "department" -> "department";
      case "item" -> "item";
      case "officer" -> "officer";
      case "channel" -> "channel";
      // regions read straight from the department and the tree (its departments sit in counties)
      case "region:county" -> "(select d.region from department d where d.code = rr.department)";
      case "region:city" -> "(select r.parent from department d join region r on r.code = d.region "
          + "where d.code = rr.department)";
      default -> "null::text";
    };
    String b = switch (bucket) {
      case "day" -> "day";
      case "week" -> "date_trunc('week', day)::date";
      case "month" -> "date_trunc('month', day)::date";
      default -> "null::date";
    };
    StringBuilder sums = new StringBuilder();
    for (String c : Rollups.COUNTERS) {
      sums.append(", sum(").append(c).append(")::bigint as ").append(c);
    }
    String sql = ROWS.formatted(group, b, sums);
    Map<String, long[]> out = new LinkedHashMap<>();
    List<Object> args = new ArrayList<>(List.of(zone, from, to));
    args.add(department.orElse(null));
    args.add(channel.orElse(null));
    for (Row r : pool.preparedQuery(sql).execute(Tuple.from(args)).await()) {
      long[] v = new long[Rollups.COUNTERS.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.getLong(Rollups.COUNTERS.get(i));
      }
      String key = (r.getString("grp") == null ? "" : r.getString("grp")) + "|"
          + (r.getLocalDate("bucket") == null ? "" : r.getLocalDate("bucket").toString());
      out.put(key, v);
    }
    return out;
  }
}
