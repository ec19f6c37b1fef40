package zhangban.region;

import io.vertx.core.Future;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import zhangban.http.ApiException;
import zhangban.http.Http;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/** Handlers of the region operations: anyone reads the tree, administrators change it. */
public final class RegionApi {
  private final RegionStore store;

  public RegionApi(RegionStore store) {
    this.store = store;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("listRegions").addHandler(Http.publicJson(rc -> store.list()));
    b.getRoute("putRegion").addHandler(rc -> {
      Future<RegionStore.Saved> saved;
      try {
        if (!Principal.of(rc).has(Role.ADMIN)) {
          throw ApiException.forbidden("Regions are changed by administrators.");
        }
        saved = store.save(Http.path(rc, "code"), Http.body(rc));
      } catch (RuntimeException e) {
        rc.fail(e);
        return;
      }
      saved.onSuccess(s -> Http.send(rc, s.created() ? 201 : 200, s.region())).onFailure(rc::fail);
    });
  }
}
