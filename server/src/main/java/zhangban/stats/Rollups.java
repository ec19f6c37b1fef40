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
 * officer). Reads add the deltas not yet folded ({@link #deltaRows}), so a statistic never lags.
 *
 * <p>Items and officers also have month rows for all channels together (grain {@link #MONTH_ALL},
 * channel {@link #ALL_CHANNELS}, a partition of their own): a year's ranking of 2,000 officers then
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

    List<Object> params() {
      List<Object> out = new ArrayList<>();
      for (String c : COUNTERS) {
        out.add(values.getOrDefault(c, 0L));
      }
      return out;
    }
  }

  /** One rating's attribution: its Shanghai day, department, channel, item and officer. */
  private static final String RATING_SOURCE = """
      select (rated_at at time zone $2)::date as day, department, channel, item_code,
             coalesce(officer_subject, '') as officer, tags
      from rating where id = $1
      """;
  /** A transaction invited to rate: the day it reached the stage; no channel yet. */
  private static final String INVITATION_SOURCE = """
      select (i.reached_at at time zone $2)::date as day, i.department, '' as channel, a.item_code,
             coalesce(i.officer_subject, '') as officer, '{}'::text[] as tags
      from rating_invitation i join application a on a.id = i.application_id
      where i.application_id = $1 and i.stage = $3
      """;
  /** The channel of the month rows of items and officers that count every channel. */
  public static final String ALL_CHANNELS = "*";
  /** The grain of those rows. */
  public static final String MONTH_ALL = "month-all";
  /** The grain of the quarter rows of items and officers, all channels together. */
  public static final String QUARTER_ALL = "quarter-all";
  /** Each row a change counts in, in the order they are touched. */
  private static final String ROWS = rows("true");
  /** The rows of all channels together. */
  private static final String ALL_CHANNEL_ROWS = rows("d.all_channels");

  private static String rows(String which) {
    return """
        (select * from (values (1, 'dept', 'day', false), (2, 'dept', 'month', false), (3, 'item', 'day', false),
                (4, 'item', 'month', false), (5, 'item', 'month-all', true), (6, 'item', 'quarter-all', true),
                (7, 'officer', 'day', false), (8, 'officer', 'month', false), (9, 'officer', 'month-all', true),
                (10, 'officer', 'quarter-all', true)) d(o, dim, grain, all_channels) where %s) d
        """.formatted(which);
  }
  /** The first day of the row's period: from its grain ({@code d.grain}) and the day counted. */
  private static String period(String day) {
    return "case d.grain when 'day' then " + day + " when '" + QUARTER_ALL + "' then date_trunc('quarter', " + day
        + ")::date else date_trunc('month', " + day + ")::date end";
  }

  private static String counterList(String prefix) {
    return String.join(", ", COUNTERS.stream().map(c -> prefix + c).toList());
  }

  private static String sets() {
    return String.join(", ", COUNTERS.stream().map(c -> c + " = s." + c + " + excluded." + c).toList());
  }

  private static String deltas(int firstDelta) {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < COUNTERS.size(); i++) {
      values.append(", $").append(firstDelta + i).append("::bigint");
    }
    return values.toString();
  }

  /** Leaves the deltas ($firstDelta on) of each change in {@code source} in {@code stat_rollup_delta}. */
  private static String delta(String source, int firstDelta) {
    return "insert into stat_rollup_delta (day, department, channel, item, officer, " + counterList("") + ")\n"
        + "select r.day, r.department, r.channel, r.item_code, r.officer" + deltas(firstDelta) + " from " + source + " r";
  }

  /** Adds {@code count} (SQL) to each reason tag of each rating in {@code source}. */
  private static String tags(String source, String count) {
    return """
        insert into stat_tag_rollup as s (dim, grain, period, department, channel, key, tag, poor)
        select 'dept', g.grain, case when g.grain = 'day' then r.day else date_trunc('month', r.day)::date end,
               r.department, r.channel, '', t.tag, %s::bigint
        from %s r
        cross join unnest(r.tags) t(tag)
        cross join (values (1, 'day'), (2, 'month')) g(o, grain)
        order by t.tag, g.o
        on conflict (dim, grain, period, department, channel, key, tag) do update set poor = s.poor + excluded.poor
        """.formatted(count, source);
  }

  /**
   * Members of a WITH that count a rating the same statement inserts, for a statement that does
   * all of a rating at once: {@code inserted} names the member returning the rating's row (at
   * least rated_at, department, channel, item_code, officer_subject, tags); $tzParam is the time
   * zone, the deltas are $firstDelta and the sixteen after it; with {@code poor}, its reason tags
   * are counted too. Ends with a comma.
   */
  public static String ratingMembers(String inserted, int tzParam, int firstDelta, boolean poor) {
    return "rollup_source as (select (rated_at at time zone $" + tzParam + "::text)::date as day, department, channel, "
        + "item_code, coalesce(officer_subject, '') as officer, tags from " + inserted + "),\n"
        + "rollup_delta as (" + delta("rollup_source", firstDelta) + "),\n"
        + (poor ? "rollup_tags as (" + tags("rollup_source", "1") + "),\n" : "");
  }

  /** The parameters of {@link #ratingMembers}, in order: the time zone, then the delta's counters. */
  public List<Object> ratingParams(Delta delta) {
    List<Object> params = new ArrayList<>();
    params.add(zone);
    params.addAll(delta.params());
    return params;
  }

  /**
   * Folds up to $1 deltas of {@code table}, oldest first, into the rollup rows {@code rows} and
   * deletes them, in one statement; answers how many it took. Deltas another fold has taken are
   * skipped, and rows are updated in one fixed order, so folds running at once neither wait on nor
   * deadlock with each other.
   */
  private static String fold(String table, String channel, String rows) {
    return "with taken as (delete from " + table + " where id in (select id from " + table
        + " order by id limit $1 for update skip locked) returning *),\n"
        + "folded as (insert into stat_rollup as s (dim, grain, period, department, channel, key, " + counterList("")
        + ")\nselect d.dim, d.grain, " + period("r.day") + ", r.department, "
        + "case when d.all_channels then '" + ALL_CHANNELS + "' else " + channel + " end, "
        + "case d.dim when 'dept' then '' when 'item' then r.item else r.officer end, "
        + String.join(", ", COUNTERS.stream().map(c -> "sum(r." + c + ")").toList())
        + "\nfrom taken r cross join " + rows + "group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6\n"
        + "on conflict (dim, grain, period, department, channel, key) do update set " + sets() + " returning 1)\n"
        + "select (select count(*) from taken) as taken";
  }
  /** Folds deltas into every row they count in. */
  static final String FOLD = fold("stat_rollup_delta", "r.channel", ROWS);
  /**
   * Folds the deltas that processes of the version before {@code stat_rollup_delta} left (they
   * counted the rows of one channel themselves) into the rows of all channels.
   */
  static final String FOLD_EARLIER = fold("stat_rollup_pending", "''", ALL_CHANNEL_ROWS);

  /**
   * The deltas not yet folded, shaped as rows of {@code stat_rollup} of dimension {@code dim} (a
   * parameter) with grain 'delta', their own channel and their day as period: statistics add
   * these over the days they read.
   */
  public static String deltaRows(String dim) {
    return "select " + dim + "::text as dim, 'delta'::text as grain, day as period, department, channel, case "
        + dim + "::text when 'dept' then '' when 'item' then item else officer end as key, " + counterList("")
        + " from stat_rollup_delta where true";
  }

  /**
   * The deltas of the version before {@code stat_rollup_delta} not yet folded, shaped as rows of
   * all channels of dimension {@code dim} (item or officer): statistics that read the rows of all
   * channels add these over the same days.
   */
  public static String earlierDeltaRows(String dim) {
    return "select " + dim + "::text as dim, 'pending'::text as grain, day as period, department, '" + ALL_CHANNELS
        + "'::text as channel, case " + dim + "::text when 'item' then item else officer end as key, "
        + counterList("") + " from stat_rollup_pending where true";
  }

  /** One statement each: the delta ($3 or $4 on) of the rating or invitation its source finds, left to be folded. */
  private static final String RATING = delta("(" + RATING_SOURCE + ")", 3);
  private static final String INVITATION = delta("(" + INVITATION_SOURCE + ")", 4);
  private static final String TAGS = tags("(" + RATING_SOURCE + ")", "$3");

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

  /** Recomputes every rollup row from the raw tables ($1 the time zone), e.g. after a bulk load. */
  public static final String REBUILD = """
      insert into stat_rollup (dim, grain, period, department, channel, key, %s)
      select d.dim, d.grain, %s,
             rr.department, case when d.all_channels then '%s' else rr.channel end,
             case d.dim when 'dept' then '' when 'item' then rr.item else rr.officer end, %s
      from (%s) rr
      cross join %s
      group by 1, 2, 3, 4, 5, 6
      """.formatted(String.join(", ", COUNTERS), period("rr.day"), ALL_CHANNELS,
          String.join(", ", COUNTERS.stream().map(c -> "sum(rr." + c + ")").toList()), RAW_ROWS, ROWS);
  public static final String REBUILD_TAGS = """
      insert into stat_tag_rollup (dim, grain, period, department, channel, key, tag, poor)
      select 'dept', g.grain, case when g.grain = 'day' then rr.day else date_trunc('month', rr.day)::date end,
             rr.department, rr.channel, '', t.tag, count(*)
      from (select (r.rated_at at time zone $1)::date as day, r.department, r.channel, r.tags
            from rating r where r.poor and not r.excluded) rr
      cross join unnest(rr.tags) t(tag)
      cross join (values ('day'), ('month')) g(grain)
      group by 1, 2, 3, 4, 5, 6, 7
      """;

  private final String zone;

  public Rollups(ZoneId zone) {
    this.zone = zone.getId();
  }

  /** Replaces every rollup row by the sums of the raw tables, in {@code tx}. */
  public Future<Void> rebuild(SqlClient tx) {
    return tx.query("delete from stat_rollup").execute()
        .compose(v -> tx.query("delete from stat_rollup_pending").execute())
        .compose(v -> tx.query("delete from stat_rollup_delta").execute())
        .compose(v -> tx.query("delete from stat_tag_rollup").execute())
        .compose(v -> tx.preparedQuery(REBUILD).execute(Tuple.of(zone)))
        .compose(v -> tx.preparedQuery(REBUILD_TAGS).execute(Tuple.of(zone)))
        .mapEmpty();
  }

  /** Adds {@code delta} to the rows of a rating (leaves it to be folded). */
  public Future<Void> rating(SqlClient tx, UUID ratingId, Delta delta) {
    if (delta.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Object> params = new ArrayList<>(List.of(ratingId, zone));
    params.addAll(delta.params());
    return tx.preparedQuery(RATING).execute(Tuple.from(params)).mapEmpty();
  }

  /** Folds up to {@code limit} deltas (and as many of the earlier version's) into the rows; answers how many. */
  public static Future<Integer> fold(SqlClient tx, int limit) {
    return tx.preparedQuery(FOLD_EARLIER).execute(Tuple.of(limit))
        .compose(earlier -> tx.preparedQuery(FOLD).execute(Tuple.of(limit)).map(rows ->
            (int) (rows.iterator().next().getLong("taken") + earlier.iterator().next().getLong("taken"))));
  }

  /** Adds {@code count} (1, or -1 when the rating is excluded) to each reason tag of a poor rating. */
  public Future<Void> poorTags(SqlClient tx, UUID ratingId, long count) {
    return tx.preparedQuery(TAGS).execute(Tuple.of(ratingId, zone, count)).mapEmpty();
  }

  /** Counts a transaction that reached a rateable stage. */
  public Future<Void> invited(SqlClient tx, UUID applicationId, String stage) {
    List<Object> params = new ArrayList<>(List.of(applicationId, zone, stage));
    params.addAll(Delta.of("invited", 1).params());
    return tx.preparedQuery(INVITATION).execute(Tuple.from(params)).mapEmpty();
  }
}
