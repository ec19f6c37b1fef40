package zhangban.stats;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps the statistics rollups current: every change that counts leaves its delta, in its own
 * transaction, in {@code stat_rollup_delta}, and {@link RollupCatchUp} folds the deltas in batches
 * ({@link #fold}) into the day and month rows of each dimension (department and channel, item,
 * officer). Reads add the deltas not yet folded (the database function {@code stat_rollup_range}),
 * so a statistic never lags. How the tables fit together: {@code docs/statistics.md}.
 *
 * <p>{@code stat_rollup_delta} is where other features leave what they count. They do it through
 * this class ({@link #rating}, {@link #invited}, {@link #poorTags}), except the rating's own write,
 * which is one statement for speed and inserts its delta and poor reasons there itself.
 *
 * <p>Items and officers also have month rows for all channels together (grain {@link #MONTH_ALL},
 * channel {@code '*'}, a partition of their own): a year's ranking of 2,000 officers then
 * reads 24,000 rows and only their pages, rather than one row per officer, month and channel (six
 * times as many) among all the month rows. They have quarter rows too (grain {@link #QUARTER_ALL}),
 * so that a year's ranking reads mostly those: 2,000 officers over twelve months that are not a
 * calendar year's are one month, three quarters and two months, 12,000 rows. Day rows and
 * department rows are per channel only.
 *
 * <p>Why deltas: the rows of today are updated by every rating of their department, item and
 * officer; updated in the rating's transaction, ten of them were most of a rating's database work,
 * and each was locked from its update to the commit while every other rating of the same
 * department, item or officer waited. A delta is one insert that nobody waits for; a fold updates
 * each row once for all the deltas of a batch, and folds running at once take different deltas
 * and update rows in one fixed order, so they cannot deadlock.
 */
public final class Rollups {
  /** The counters of {@code stat_rollup}, in column order. */
  public static final List<String> COUNTERS = List.of("invited", "active", "defaulted", "excluded_count",
      "l1", "l2", "l3", "l4", "l5", "poor", "poor_verified", "poor_rectified", "poor_on_time",
      "appeals_filed", "appeals_upheld", "follow_ups", "follow_up_sum");
  /** The grain of the month rows of all channels together. */
  public static final String MONTH_ALL = "month-all";
  /** The grain of the quarter rows of items and officers, all channels together. */
  public static final String QUARTER_ALL = "quarter-all";

  /** What one change adds; unnamed counters add nothing. */
  public static final class Delta {
    private final Map<String, Long> values = new LinkedHashMap<>();

    public static Delta of(String counter, long value) {
      return new Delta().and(counter, value);
    }

    public Delta and(String counter, long value) {
      if (!COUNTERS.contains(counter)) {
        throw new IllegalArgumentException("No counter " + counter);
      }
      values.merge(counter, value, Long::sum);
      return this;
    }

    public static String level(int level) {
      return "l" + level;
    }

    boolean isEmpty() {
      return values.values().stream().allMatch(v -> v == 0);
    }

    /** The seventeen counters in {@link #COUNTERS} order. */
    List<Object> params() {
      List<Object> out = new ArrayList<>();
      for (String c : COUNTERS) {
        out.add(values.getOrDefault(c, 0L));
      }
      return out;
    }
  }

  /**
   * The delta of rating $1, counted on its day in time zone $2: the counters $3 to $19 in {@link
   * #COUNTERS} order, for its department, channel, item and officer.
   */
  static final String RATING_DELTA = """
      insert into stat_rollup_delta (day, department, channel, item, officer, invited, active, defaulted,
        excluded_count, l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed,
        appeals_upheld, follow_ups, follow_up_sum)
      select (rated_at at time zone $2)::date, department, channel, item_code, coalesce(officer_subject, ''),
             $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19
      from rating where id = $1
      """;

  /**
   * A transaction ($1) invited to rate at stage $3, counted on the day it reached it in time zone
   * $2; it has no channel yet.
   */
  static final String INVITATION_DELTA = """
      insert into stat_rollup_delta (day, department, channel, item, officer, invited)
      select (i.reached_at at time zone $2)::date, i.department, '', a.item_code, coalesce(i.officer_subject, ''), 1
      from rating_invitation i join application a on a.id = i.application_id
      where i.application_id = $1 and i.stage = $3
      """;

  /** Adds $3 (1, or -1 when it is excluded) to each reason tag of poor rating $1, on its day in time zone $2. */
  static final String POOR_TAGS = """
      insert into stat_tag_rollup as s (dim, grain, period, department, channel, key, tag, poor)
      select 'dept', g.grain, case g.grain when 'day' then r.day else date_trunc('month', r.day)::date end,
             r.department, r.channel, '', t.tag, $3::bigint
      from (select (rated_at at time zone $2)::date as day, department, channel, tags from rating where id = $1) r
      cross join unnest(r.tags) t(tag)
      cross join (values (1, 'day'), (2, 'month')) g(o, grain)
      order by t.tag, g.o
      on conflict (dim, grain, period, department, channel, key, tag) do update set poor = s.poor + excluded.poor
      """;

  /**
   * Folds up to $1 deltas, oldest first, into every rollup row they count in, and deletes them, in
   * one statement; answers how many it took. Each delta counts in ten rows: department (with its
   * channel), item and officer, by day and by month, and for items and officers the month and
   * quarter rows of all channels. Deltas another fold has taken are skipped, and rows are updated in
   * one fixed order, so folds running at once neither wait on nor deadlock with each other.
   */
  static final String FOLD = """
      with taken as (
        delete from stat_rollup_delta
        where id in (select id from stat_rollup_delta order by id limit $1 for update skip locked)
        returning *),
      folded as (
        insert into stat_rollup as s (dim, grain, period, department, channel, key, invited, active, defaulted,
          excluded_count, l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed,
          appeals_upheld, follow_ups, follow_up_sum)
        select d.dim, d.grain,
               case d.grain when 'day' then r.day when 'quarter-all' then date_trunc('quarter', r.day)::date
                            else date_trunc('month', r.day)::date end,
               r.department,
               case when d.all_channels then '*' else r.channel end,
               case d.dim when 'dept' then '' when 'item' then r.item else r.officer end,
               sum(r.invited), sum(r.active), sum(r.defaulted), sum(r.excluded_count), sum(r.l1), sum(r.l2),
               sum(r.l3), sum(r.l4), sum(r.l5), sum(r.poor), sum(r.poor_verified), sum(r.poor_rectified),
               sum(r.poor_on_time), sum(r.appeals_filed), sum(r.appeals_upheld), sum(r.follow_ups),
               sum(r.follow_up_sum)
        from taken r
        cross join (values ('dept', 'day', false), ('dept', 'month', false), ('item', 'day', false),
                           ('item', 'month', false), ('item', 'month-all', true), ('item', 'quarter-all', true),
                           ('officer', 'day', false), ('officer', 'month', false), ('officer', 'month-all', true),
                           ('officer', 'quarter-all', true)) d(dim, grain, all_channels)
        group by 1, 2, 3, 4, 5, 6
        order by 1, 2, 3, 4, 5, 6
        on conflict (dim, grain, period, department, channel, key) do update set
          invited = s.invited + excluded.invited, active = s.active + excluded.active,
          defaulted = s.defaulted + excluded.defaulted, excluded_count = s.excluded_count + excluded.excluded_count,
          l1 = s.l1 + excluded.l1, l2 = s.l2 + excluded.l2, l3 = s.l3 + excluded.l3, l4 = s.l4 + excluded.l4,
          l5 = s.l5 + excluded.l5, poor = s.poor + excluded.poor,
          poor_verified = s.poor_verified + excluded.poor_verified,
          poor_rectified = s.poor_rectified + excluded.poor_rectified,
          poor_on_time = s.poor_on_time + excluded.poor_on_time,
          appeals_filed = s.appeals_filed + excluded.appeals_filed,
          appeals_upheld = s.appeals_upheld + excluded.appeals_upheld,
          follow_ups = s.follow_ups + excluded.follow_ups, follow_up_sum = s.follow_up_sum + excluded.follow_up_sum
        returning 1)
      select (select count(*) from taken) as taken
      """;

  /**
   * Every counted fact, one row each, straight from the raw tables ($1 the time zone): each rating
   * with its case and appeal, and each transaction invited to rate. The rollups are these rows
   * summed; {@link #REBUILD} sums them all at once, statistics tests and benchmarks sum them as a
   * yardstick.
   */
  public static final String RAW_ROWS = """
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
      """;

  /**
   * Recomputes every rollup row from the raw tables ($1 the time zone), e.g. after a bulk load:
   * {@link #RAW_ROWS} summed into the same ten rows as {@link #FOLD}.
   */
  public static final String REBUILD = """
      insert into stat_rollup (dim, grain, period, department, channel, key, invited, active, defaulted,
        excluded_count, l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed,
        appeals_upheld, follow_ups, follow_up_sum)
      select d.dim, d.grain,
             case d.grain when 'day' then rr.day when 'quarter-all' then date_trunc('quarter', rr.day)::date
                          else date_trunc('month', rr.day)::date end,
             rr.department,
             case when d.all_channels then '*' else rr.channel end,
             case d.dim when 'dept' then '' when 'item' then rr.item else rr.officer end,
             sum(rr.invited), sum(rr.active), sum(rr.defaulted), sum(rr.excluded_count), sum(rr.l1), sum(rr.l2),
             sum(rr.l3), sum(rr.l4), sum(rr.l5), sum(rr.poor), sum(rr.poor_verified), sum(rr.poor_rectified),
             sum(rr.poor_on_time), sum(rr.appeals_filed), sum(rr.appeals_upheld), sum(rr.follow_ups),
             sum(rr.follow_up_sum)
      from (
      """ + RAW_ROWS + """
      ) rr
      cross join (values ('dept', 'day', false), ('dept', 'month', false), ('item', 'day', false),
                         ('item', 'month', false), ('item', 'month-all', true), ('item', 'quarter-all', true),
                         ('officer', 'day', false), ('officer', 'month', false), ('officer', 'month-all', true),
                         ('officer', 'quarter-all', true)) d(dim, grain, all_channels)
      group by 1, 2, 3, 4, 5, 6
      """;
  /** Recomputes every reason-tag row from the raw ratings ($1 the time zone). */
  public static final String REBUILD_TAGS = """
      insert into stat_tag_rollup (dim, grain, period, department, channel, key, tag, poor)
      select 'dept', g.grain, case g.grain when 'day' then rr.day else date_trunc('month', rr.day)::date end,
             rr.department, rr.channel, '', t.tag, count(*)
      from (select (r.rated_at at time zone $1)::date as day, r.department, r.channel, r.tags
            from rating r where r.poor and not r.excluded) rr
      cross join unnest(rr.tags) t(tag)
      cross join (values ('day'), ('month')) g(grain)
      group by 1, 2, 3, 4, 5, 6, 7
      """;

  /**
   * What replaces every rollup row by the sums of the raw tables, in order, in one transaction; each
   * {@code $1} is the time zone. The demo data's load runs them too.
   */
  public static final List<String> REBUILD_ALL = List.of("delete from stat_rollup", "delete from stat_rollup_delta",
      "delete from stat_tag_rollup", REBUILD, REBUILD_TAGS);

  private final String zone;

  public Rollups(ZoneId zone) {
    this.zone = zone.getId();
  }

  /** Replaces every rollup row by the sums of the raw tables ({@link #REBUILD_ALL}), in {@code tx}. */
  public Future<Void> rebuild(SqlClient tx) {
    Future<?> done = Future.succeededFuture();
    for (String statement : REBUILD_ALL) {
      done = done.compose(v -> statement.contains("$1") ? tx.preparedQuery(statement).execute(Tuple.of(zone))
          : tx.query(statement).execute());
    }
    return done.mapEmpty();
  }

  /** Adds {@code delta} to the rows of a rating (leaves it to be folded). */
  public Future<Void> rating(SqlClient tx, UUID ratingId, Delta delta) {
    if (delta.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Object> params = new ArrayList<>(List.of(ratingId, zone));
    params.addAll(delta.params());
    return tx.preparedQuery(RATING_DELTA).execute(Tuple.from(params)).mapEmpty();
  }

  /** Folds up to {@code limit} deltas into the rows; answers how many. */
  public static Future<Integer> fold(SqlClient tx, int limit) {
    return tx.preparedQuery(FOLD).execute(Tuple.of(limit)).map(rows -> rows.iterator().next().getLong("taken").intValue());
  }

  /** Adds {@code count} (1, or -1 when the rating is excluded) to each reason tag of a poor rating. */
  public Future<Void> poorTags(SqlClient tx, UUID ratingId, long count) {
    return tx.preparedQuery(POOR_TAGS).execute(Tuple.of(ratingId, zone, count)).mapEmpty();
  }

  /** Counts a transaction that reached a rateable stage. */
  public Future<Void> invited(SqlClient tx, UUID applicationId, String stage) {
    return tx.preparedQuery(INVITATION_DELTA).execute(Tuple.of(applicationId, zone, stage)).mapEmpty();
  }
}
