package zhangban.identity;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * What a manager sees: the departments of the region their {@code region} claim names (looked up
 * on every request, so a department moved to another region is seen by the new region's managers
 * at once). A manager whose region is not in the tree, or who has no region while managers without
 * one are denied ({@code MANAGER_WITHOUT_REGION=deny}, the default), keeps no manager role.
 */
public final class ManagerScopes {
  /** Looks up the departments a region covers (all of them, or a list); empty if there is no such region. */
  @FunctionalInterface
  public interface Regions {
    Future<Optional<Scope>> scopeOf(String region);
  }

  private final Regions regions;
  private final boolean withoutRegionSeeAll;

  public ManagerScopes(Regions regions, boolean withoutRegionSeeAll) {
    this.regions = regions;
    this.withoutRegionSeeAll = withoutRegionSeeAll;
  }

  public Future<Principal> resolve(Principal p) {
    if (!p.has(Role.MANAGER)) {
      return Future.succeededFuture(p);
    }
    if (p.region().isEmpty()) {
      return Future.succeededFuture(withoutRegionSeeAll ? p.withScope(Scope.ALL) : p.withoutManagerRole());
    }
    return regions.scopeOf(p.region().get())
        .map(scope -> scope.map(p::withScope).orElseGet(p::withoutManagerRole));
  }
}
