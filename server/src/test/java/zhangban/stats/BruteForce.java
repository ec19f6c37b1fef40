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
  private static final String ROWS = """
      with rr as (
        select (r.rated_at at time zone $1)::date as day, r.department, r.channel, r.item_code as item,
               coalesce(r.officer_subject, '') as officer,
               0 as invited,
               (not r.defaulted and not r.excluded)::int as active,
               (r.defaulted and not r.excluded)::int as defaulted,
               r.excluded::int as excluded_count,
               (not r.defaulted and not r.excluded and r.level = 1)::int as l1,
               (not r.defaulted and not r.excluded and r.level = 2)::int as l2,
               (not r.defaulted and not r.excluded and r.level = 3)::int as l3,
               (not r.defaulted and not r.excluded and r.level = 4)::int as l4,
               (not r.defaulted and not r.excluded and r.level = 5)::int as l5,
               (r.poor and not r.excluded)::int as poor,
               (r.poor and not r.excluded and c.verified_at is not null)::int as poor_verified,
               (r.poor and not r.excluded and c.rectified_at is not null)::int as poor_rectified,
               (r.poor and not r.excluded and c.replied_at is not null
                 and (c.replied_at at time zone $1)::date <= c.reply_deadline)::int as poor_on_time,
               (ap.case_id is not null)::int as appeals_filed,
               (ap.decision is not distinct from 'upheld')::int as appeals_upheld,
               (r.follow_up is not null)::int as follow_ups,
               case r.follow_up when 'satisfied' then 3 when 'basically_satisfied' then 2 when 'dissatisfied' then 1
                 else 0 end as follow_up_sum
        from rating r
        left join rectification_case c on c.rating_id = r.id
        left join case_appeal ap on ap.case_id = c.id
        union all
        select (i.reached_at at time zone $1)::date, i.department, '', a.item_code, coalesce(i.officer_subject, ''),
               1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        from rating_invitation i join application a on a.id = i.application_id
      )
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
