package zhangban.stats;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Supplier;
import zhangban.http.ApiException;
import zhangban.http.CallLimiter;
import zhangban.http.Http;

/**
 * The handlers of the published results (公示). Anyone may call them, so each answer is computed
 * once per key and kept, serialised with its entity tag, for {@code DISCLOSURE_MAX_AGE_SECONDS}
 * (callers asking at once for a key not yet kept share one computation), and every client (by
 * address) has its calls a minute.
 */
public final class DisclosureApi {
  /** Keys kept at most: every region, department and item of a province for a few periods. */
  private static final int MAX_KEPT = 20_000;

  private final Disclosure disclosure;
  private final CallLimiter limiter;
  private final AsyncCache<String, Kept> kept;
  private final int maxAgeSeconds;
  private final boolean trustForwarded;
  private final Clock clock;
  private final ZoneId zone;

  public DisclosureApi(Disclosure disclosure, int maxAgeSeconds, int callsPerMinute, boolean trustForwarded,
                       Clock clock, ZoneId zone) {
    this.disclosure = disclosure;
    this.limiter = new CallLimiter(callsPerMinute, "calls to the published results", clock);
    this.kept = Caffeine.newBuilder()
        .expireAfterWrite(Duration.ofSeconds(maxAgeSeconds))
        .maximumSize(MAX_KEPT)
        .ticker(() -> clock.millis() * 1_000_000)
        .buildAsync();
    this.maxAgeSeconds = maxAgeSeconds;
    this.trustForwarded = trustForwarded;
    this.clock = clock;
    this.zone = zone;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("getPublicRatingSummary").addHandler(rc -> serve(rc, () -> {
      Disclosure.Period period = period(rc);
      Whose whose = Whose.of(rc, true);
      return new Request("summary " + period.text() + " " + whose.key(), () -> whose.target(disclosure)
          .compose(target -> disclosure.summary(period, target, today())));
    }));
    b.getRoute("getPublicRatingRanking").addHandler(rc -> serve(rc, () -> {
      Disclosure.Period period = period(rc);
      Whose whose = Whose.of(rc, false);
      String by = Http.query(rc, "by").orElseThrow();
      String order = Http.query(rc, "order").orElse("best");
      int limit = Http.queryInt(rc, "limit").orElse(20);
      return new Request("ranking " + period.text() + " " + by + " " + order + " " + limit + " " + whose.key(),
          () -> whose.target(disclosure).compose(target -> disclosure.ranking(period, target, by, order, limit, today())));
    }));
    b.getRoute("getPublicRatingTrend").addHandler(rc -> serve(rc, () -> {
      YearMonth to = YearMonth.parse(Http.query(rc, "to").orElseThrow());
      if (to.atDay(1).isAfter(today())) {
        throw ApiException.badRequest("The month " + to + " has not begun.");
      }
      int months = Http.queryInt(rc, "months").orElse(12);
      Whose whose = Whose.of(rc, true);
      return new Request("trend " + to + " " + months + " " + whose.key(), () -> whose.target(disclosure)
          .compose(target -> disclosure.trend(to, months, target)));
    }));
  }

  /** What a call asks for: its key among those kept, and how to compute it. */
  private record Request(String key, Supplier<Future<JsonObject>> compute) {}

  /** Whose results a call asks for: at most one of a region, a department and (where taken) an item. */
  private record Whose(Optional<String> region, Optional<String> department, Optional<String> item) {
    static Whose of(RoutingContext rc, boolean items) {
      Whose w = new Whose(Http.query(rc, "region"), Http.query(rc, "department"),
          items ? Http.query(rc, "item") : Optional.empty());
      if (w.region.isPresent() && w.department.isPresent() || w.region.isPresent() && w.item.isPresent()
          || w.department.isPresent() && w.item.isPresent()) {
        throw ApiException.badRequest("Give at most one of region, department and item.");
      }
      return w;
    }

    /** A part of the kept answer's key: the codes' patterns have no space, so no two questions share one. */
    String key() {
      return region.orElse("") + " " + department.orElse("") + " " + item.orElse("");
    }

    Future<Disclosure.Target> target(Disclosure disclosure) {
      return disclosure.target(region, department, item);
    }
  }

  /**
   * A kept answer: the body, or the refusal of a question about something that does not exist
   * (an unknown region, department or item), which is kept as long; a failure of the database is
   * not kept. {@code keptAt} (the clock's milliseconds) tells how much of its max-age is left.
   */
  private record Kept(Http.Rendered body, ApiException refusal, long keptAt) {}

  /**
   * Counts the client's call, then answers what is kept under the request's key, computing it
   * first if nothing is. Bad parameters and too many calls are refused before anything is kept.
   */
  private void serve(RoutingContext rc, Supplier<Request> read) {
    Request request;
    try {
      limiter.acquire("public " + Http.clientAddress(rc, trustForwarded));
      request = read.get();
    } catch (RuntimeException e) {
      rc.fail(e);
      return;
    }
    // the cache calls the computation on this (event-loop) thread; its answer comes back to it
    Future.fromCompletionStage(kept.get(request.key(), (key, executor) -> request.compute().get()
            .map(body -> new Kept(Http.Rendered.of(body), null, clock.millis()))
            .recover(err -> err instanceof ApiException refusal && refusal.status() < 500
                ? Future.succeededFuture(new Kept(null, refusal, clock.millis())) : Future.failedFuture(err))
            .toCompletionStage().toCompletableFuture()), rc.vertx().getOrCreateContext())
        .onSuccess(answer -> {
          if (answer.refusal() != null) {
            rc.fail(answer.refusal());
          } else {
            // what is left of its max-age here, so that no cache keeps it past the moment it is computed again
            long left = maxAgeSeconds - (clock.millis() - answer.keptAt()) / 1000;
            Http.sendPublic(rc, answer.body(), (int) Math.max(0, left));
          }
        })
        .onFailure(rc::fail);
  }

  private Disclosure.Period period(RoutingContext rc) {
    Disclosure.Period period = Disclosure.Period.parse(Http.query(rc, "period").orElseThrow());
    if (period.from().isAfter(today())) {
      throw ApiException.badRequest("The period " + period.text() + " has not begun.");
    }
    return period;
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }
}
