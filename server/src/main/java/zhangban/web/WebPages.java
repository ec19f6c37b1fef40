package zhangban.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The pages the server serves besides the API: the managers' dashboard at {@code /dashboard/},
 * the rating link's page at {@code /rate/} (a citizen without the app rates there), the published
 * results (公示) at {@code /disclosure/}, for anyone, and the
 * contract as browsable documentation at {@code /docs/}, with the libraries they use from
 * their WebJars at {@code /webjars/}. Everything comes from the server itself, since government
 * networks are often closed to CDNs. The pages need no token; the API calls they make do.
 *
 * <p>These are not API operations, so they are mounted on the router outside the contract.
 */
public final class WebPages {
  /** Scripts, styles, data and frames only from this server; nothing inline, nothing framed. */
  static final String DASHBOARD_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
      + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
      + " frame-ancestors 'none'";
  /** As the dashboard's, but Swagger UI's stylesheet draws its icons from data: URIs. */
  static final String DOCS_POLICY = DASHBOARD_POLICY.replace("img-src 'self';", "img-src 'self' data:;");
  private static final long YEAR_SECONDS = 365L * 24 * 3600;

  private WebPages() {}

  public static void mount(Router router) {
    page(router, "/dashboard", "web/dashboard", DASHBOARD_POLICY);
    page(router, "/docs", "web/docs", DOCS_POLICY);
    page(router, "/rate", "web/rate", DASHBOARD_POLICY);
    page(router, "/disclosure", "web/disclosure", DASHBOARD_POLICY);
    // A WebJar's path carries its version, so its files never change under a URL.
    router.route(HttpMethod.GET, "/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars")
        .setMaxAgeSeconds(YEAR_SECONDS));
  }

  private static void page(Router router, String path, String root, String policy) {
    // Relative to /dashboard/ the page's own files resolve; the route also matches "/dashboard/".
    router.route(HttpMethod.GET, path).handler(rc -> {
      if (rc.request().path().equals(path)) {
        rc.redirect(path + "/");
      } else {
        rc.next();
      }
    });
    router.route(HttpMethod.GET, path + "/*")
        .handler(rc -> headers(rc, policy))
        .handler(StaticHandler.create(root).setMaxAgeSeconds(0));
  }

  /** The pages change with each release: browsers ask again every time (a 304 while unchanged). */
  private static void headers(RoutingContext rc, String policy) {
    rc.response()
        .putHeader("Content-Security-Policy", policy)
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cache-Control", "no-cache");
    rc.next();
  }
}
