package zhangban.reporting;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.LocalDate;
import java.util.Optional;
import zhangban.http.ApiException;
import zhangban.http.Http;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/** The operator's view of platform reporting: managers read it, administrators act on it. */
public final class ReportingApi {
  private final ReportAdmin admin;

  public ReportingApi(ReportAdmin admin) {
    this.admin = admin;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("platformReportStatus").addHandler(Http.json(200, rc -> {
      requireReader(rc);
      return admin.status();
    }));
    b.getRoute("listPlatformReportDeadLetters").addHandler(Http.json(200, rc -> {
      requireReader(rc);
      return admin.deadLetters(Http.query(rc, "cursor").map(Long::parseLong).orElse(null),
          Http.queryInt(rc, "limit").orElse(20));
    }));
    b.getRoute("requeuePlatformReports").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      JsonArray ids = Http.body(rc).getJsonArray("ids");
      Long[] idArray = ids == null ? null : ids.stream().map(o -> ((Number) o).longValue()).toArray(Long[]::new);
      return admin.requeue(idArray).map(n -> new JsonObject().put("requeued", n));
    }));
    b.getRoute("getPlatformReportReconciliation").addHandler(Http.json(200, rc -> {
      requireReader(rc);
      Optional<LocalDate> from = Http.query(rc, "from").map(LocalDate::parse);
      Optional<LocalDate> to = Http.query(rc, "to").map(LocalDate::parse);
      return admin.reconciliation(from, to);
    }));
    b.getRoute("reconcilePlatformReports").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      return admin.reconcileNow();
    }));
  }

  private static void requireReader(RoutingContext rc) {
    Principal p = Principal.of(rc);
    if (!p.has(Role.ADMIN) && !p.managesEverything()) {
      throw ApiException.forbidden("Platform reporting is for administrators and the province's managers.");
    }
  }

  private static void requireAdmin(RoutingContext rc) {
    if (!Principal.of(rc).has(Role.ADMIN)) {
      throw ApiException.forbidden("Acting on platform reporting is for administrators.");
    }
  }
}
