package zhangban.stats;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import zhangban.http.ApiException;
import zhangban.http.ProblemType;
import zhangban.http.Http;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/** Handlers of the statistics and exports. */
public final class StatsApi {
  private final StatsService stats;
  private final Exports exports;

  public StatsApi(StatsService stats, Exports exports) {
    this.stats = stats;
    this.exports = exports;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("getRatingStats").addHandler(Http.json(200, rc -> stats.ratingStats(query(rc))));
    b.getRoute("exportRatingStats").addHandler(rc -> {
      StatsService.Query q = query(rc);
      stats.ratingStats(q)
          .onSuccess(json -> Exports.stats(rc.response(), json, "rating-stats-" + q.from() + "-" + q.to() + ".csv"))
          .onFailure(rc::fail);
    });
    b.getRoute("getRatingRanking").addHandler(Http.json(200, rc -> {
      Principal p = Principal.of(rc);
      return stats.ranking(date(rc, "from"), date(rc, "to"), Http.query(rc, "by").orElseThrow(),
          Http.query(rc, "order").orElse("best"), Http.queryInt(rc, "limit").orElse(10), Http.queryInt(rc, "minSample"),
          stats.scope(p, Http.query(rc, "department")), Http.query(rc, "channel"),
          Http.query(rc, "regionLevel").orElse("city"), p.regionDepartments());
    }));
    b.getRoute("getPoorRatingTags").addHandler(Http.json(200, rc -> {
      Principal p = Principal.of(rc);
      return stats.poorTags(date(rc, "from"), date(rc, "to"), Http.queryInt(rc, "limit").orElse(10),
          stats.scope(p, Http.query(rc, "department")), Http.query(rc, "channel"), p.regionDepartments());
    }));
    b.getRoute("getRectificationStats").addHandler(Http.json(200, rc -> {
      Principal p = Principal.of(rc);
      return stats.rectification(stats.scope(p, Http.query(rc, "department")), p.regionDepartments());
    }));
    b.getRoute("exportRatings").addHandler(rc -> {
      Principal p = Principal.of(rc);
      if (!p.has(Role.MANAGER)) {
        throw ApiException.forbidden("Only managers export raw ratings.");
      }
      LocalDate from = date(rc, "from");
      LocalDate to = date(rc, "to");
      StatsService.checkRange(from, to);
      exports.ratings(rc.response(), from, to, stats.scope(p, Http.query(rc, "department")), p.regionDepartments())
          .onFailure(err -> {
        if (!rc.response().headWritten()) {
          rc.fail(err);
        }
      });
    });
  }

  private StatsService.Query query(RoutingContext rc) {
    Principal p = Principal.of(rc);
    return new StatsService.Query(date(rc, "from"), date(rc, "to"), Http.query(rc, "groupBy").orElse("none"),
        Http.query(rc, "bucket").orElse("none"), stats.scope(p, Http.query(rc, "department")), Http.query(rc, "channel"),
        Http.query(rc, "regionLevel").orElse("city"), p.regionDepartments());
  }

  private static LocalDate date(RoutingContext rc, String name) {
    String text = Http.query(rc, name).orElseThrow(() -> ApiException.badRequest(name + " is required."));
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new ApiException(ProblemType.VALIDATION, name + " must be a date.",
          new JsonObject().put("errors", new io.vertx.core.json.JsonArray()
              .add(ApiException.fieldError("/query/" + name, "A date, YYYY-MM-DD."))));
    }
  }

}
