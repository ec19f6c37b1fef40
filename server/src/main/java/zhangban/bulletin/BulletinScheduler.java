package zhangban.bulletin;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import zhangban.jobs.PeriodicJob;
import zhangban.region.RegionStore;

/**
 * Builds the weekly 通报 on schedule: once the week's moment ({@code BULLETIN_WEEKDAY} at {@code
 * BULLETIN_TIME}, Asia/Shanghai) has passed, the bulletin of the last whole week (Monday to Sunday)
 * before it, for every region with a department in its subtree, announced to the region's managers
 * (also when a manager built it before the moment). Every replica looks; the one whose bulletin is
 * kept first, or that first marks a manager's announced, announces it; the others find it done.
 */
public final class BulletinScheduler extends PeriodicJob {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BulletinScheduler.class);
  private final Bulletins bulletins;
  private final RegionStore regions;
  private final DayOfWeek weekday;
  private final LocalTime time;
  private final Clock clock;
  private final ZoneId zone;

  public BulletinScheduler(Bulletins bulletins, RegionStore regions, DayOfWeek weekday, LocalTime time,
                           long intervalMillis, Clock clock, ZoneId zone) {
    super("Weekly bulletins", intervalMillis);
    this.bulletins = bulletins;
    this.regions = regions;
    this.weekday = weekday;
    this.time = time;
    this.clock = clock;
    this.zone = zone;
  }

  /** The Monday of the week the last moment that has passed reports on. */
  static LocalDate weekDue(ZonedDateTime now, DayOfWeek weekday, LocalTime time) {
    ZonedDateTime moment = now.toLocalDate().with(TemporalAdjusters.previousOrSame(weekday)).atTime(time)
        .atZone(now.getZone());
    if (now.isBefore(moment)) {
      moment = moment.minusWeeks(1);
    }
    return moment.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
  }

  @Override
  protected Future<Integer> work() {
    LocalDate week = weekDue(clock.instant().atZone(zone), weekday, time);
    // two statements a look, however many regions: which have departments, which of them have not announced the week's
    return regions.withDepartments().compose(codes -> bulletins.unannounced(codes, week))
        .compose(codes -> built(codes, week));
  }

  /** One region after the other; one that fails (it is logged) does not keep the others from theirs. */
  private Future<Integer> built(List<String> codes, LocalDate week) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (String region : codes) {
      chain = chain.compose(n -> bulletins.build(region, week, Bulletins.SCHEDULE)
          .map(b -> n + (b.created() ? 1 : 0))
          .recover(err -> {
            LOG.warn("The bulletin of region {} for the week from {} failed: {}", region, week, err.toString());
            return Future.succeededFuture(n);
          }));
    }
    return chain;
  }
}
