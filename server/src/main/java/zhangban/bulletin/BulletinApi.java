package zhangban.bulletin;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import zhangban.http.ApiException;
import zhangban.http.Http;
import zhangban.http.ProblemType;
import zhangban.identity.Principal;
import zhangban.identity.Role;
import zhangban.region.RegionStore;

/**
 * The weekly 通报 for managers: those of their region and the regions below it (a province's
 * manager: all), as JSON, a printable page and a PDF, and built on demand for a past week.
 * Another region's bulletin is 404, as for anything a caller may not know exists.
 */
public final class BulletinApi {
  private final Bulletins bulletins;
  private final BulletinDocuments documents;
  private final RegionStore regions;

  public BulletinApi(Bulletins bulletins, BulletinDocuments documents, RegionStore regions) {
    this.bulletins = bulletins;
    this.documents = documents;
    this.regions = regions;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("listWeeklyBulletins").addHandler(Http.json(200, rc -> {
      Principal p = manager(rc);
      Optional<String> region = Http.query(rc, "region");
      return regionsOf(p).compose(allowed -> {
        if (region.isPresent() && allowed != null && !allowed.contains(region.get())) {
          throw ApiException.forbidden("Region " + region.get() + " is outside your region.");
        }
        return bulletins.list(allowed, region, Http.query(rc, "cursor"), Http.queryInt(rc, "limit").orElse(20));
      });
    }));
    b.getRoute("buildWeeklyBulletin").addHandler(rc -> {
      Principal p = manager(rc);
      JsonObject in = Http.body(rc);
      String region = in.getString("region");
      LocalDate weekStart = date(in.getString("weekStart"));
      regionsOf(p).compose(allowed -> {
        if (allowed != null && !allowed.contains(region)) {
          throw ApiException.forbidden("Region " + region + " is outside your region.");
        }
        return bulletins.build(region, weekStart, p.subject());
      }).onSuccess(built -> Http.send(rc, built.created() ? 201 : 200, built.bulletin())).onFailure(rc::fail);
    });
    b.getRoute("getWeeklyBulletin").addHandler(Http.json(200, rc -> visible(rc)));
    b.getRoute("getWeeklyBulletinHtml").addHandler(rc -> visible(rc)
        .compose(bulletin -> rc.vertx().executeBlocking(() -> documents.html(bulletin), false))
        .onSuccess(html -> rc.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "private, no-store").end(html))
        .onFailure(rc::fail));
    b.getRoute("getWeeklyBulletinPdf").addHandler(rc -> visible(rc)
        .compose(bulletin -> {
          if (!documents.canMakePdf()) {
            throw new ApiException(ProblemType.UNAVAILABLE, "No CJK font to make the PDF with (BULLETIN_FONT, "
                + "docs/bulletins.md); the printable page is at …/html.", null);
          }
          return rc.vertx().executeBlocking(() -> documents.pdf(bulletin), false).map(pdf -> {
            String name = "bulletin-" + bulletin.getString("region") + "-" + bulletin.getString("weekStart") + ".pdf";
            rc.response().putHeader("Content-Type", "application/pdf")
                .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"")
                .putHeader("Cache-Control", "private, no-store").end(Buffer.buffer(pdf));
            return pdf;
          });
        })
        .onFailure(rc::fail));
  }

  private static Principal manager(RoutingContext rc) {
    Principal p = Principal.of(rc);
    if (!p.has(Role.MANAGER)) {
      throw ApiException.forbidden("Weekly bulletins are for managers.");
    }
    return p;
  }

  /**
   * The regions whose bulletins a manager sees: their region's subtree (by the tree, not by the
   * departments: a city holding every department still does not see the province's); null, every
   * region, for a manager without a region where such managers see everything.
   */
  private Future<List<String>> regionsOf(Principal p) {
    if (p.region().isEmpty()) {
      return Future.succeededFuture(null);
    }
    return regions.subtree(p.region().get());
  }

  /** The bulletin the path names, if the caller may see it; 404 otherwise. */
  private Future<JsonObject> visible(RoutingContext rc) {
    Principal p = manager(rc);
    UUID id = Http.pathUuid(rc, "bulletinId");
    return bulletins.get(id).compose(found -> {
      JsonObject bulletin = found.orElseThrow(() -> ApiException.notFound("No bulletin " + id + "."));
      return regionsOf(p).map(allowed -> {
        if (allowed != null && !allowed.contains(bulletin.getString("region"))) {
          throw ApiException.notFound("No bulletin " + id + ".");
        }
        return bulletin;
      });
    });
  }

  private static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException | NullPointerException e) {
      throw ApiException.invalid("/weekStart", "A date, YYYY-MM-DD.");
    }
  }
}
