package zhangban.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.TestServer;

/**
 * The dashboard and the docs are served by the server itself, without a token, under a policy
 * that lets them load nothing from elsewhere; every file they name is there (a WebJar upgraded in
 * the build but not in the page would show up here, without a browser).
 */
class WebPagesTest {
  static TestServer server;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.api.port() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> referencedFiles(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"").matcher(html);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void dashboardIsServedWithoutTokenUnderASelfOnlyPolicy() {
    HttpResponse<String> bare = get("/dashboard");
    assertEquals(302, bare.statusCode());
    assertEquals("/dashboard/", bare.headers().firstValue("Location").orElse(null));

    HttpResponse<String> page = get("/dashboard/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("好差评管理看板"), "Chinese first");
    String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertEquals(WebPages.DASHBOARD_POLICY, policy);
    for (String directive : policy.split(";")) {
      String[] parts = directive.trim().split(" ");
      for (int i = 1; i < parts.length; i++) {
        assertTrue(parts[i].equals("'self'") || parts[i].equals("'none'"), "only 'self' or 'none': " + directive);
      }
    }
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
  }

  @Test
  void everyFileTheDashboardNamesIsServedByTheServer() {
    String html = get("/dashboard/").body();
    List<String> files = referencedFiles(html);
    assertTrue(files.contains("/dashboard/dashboard.js"), files.toString());
    assertTrue(files.stream().anyMatch(f -> f.startsWith("/webjars/echarts/") && f.endsWith("/echarts.min.js")), files.toString());
    assertFalse(html.contains("//cdn") || html.contains("http://") || html.contains("https://"), "nothing from elsewhere");
    for (String file : files) {
      HttpResponse<String> r = get(file);
      assertEquals(200, r.statusCode(), file);
      String type = r.headers().firstValue("Content-Type").orElse("");
      if (file.endsWith(".js")) {
        assertTrue(type.startsWith("text/javascript") || type.startsWith("application/javascript"), file + ": " + type);
      } else if (file.endsWith(".css")) {
        assertTrue(type.startsWith("text/css"), file + ": " + type);
      }
    }
  }

  @Test
  void docsServeSwaggerUiOnTheServersOwnContract() {
    assertEquals("/docs/", get("/docs").headers().firstValue("Location").orElse(null));
    HttpResponse<String> page = get("/docs/");
    assertEquals(200, page.statusCode());
    assertEquals(WebPages.DOCS_POLICY, page.headers().firstValue("Content-Security-Policy").orElse(null));
    List<String> files = referencedFiles(page.body());
    assertTrue(files.stream().anyMatch(f -> f.startsWith("/webjars/swagger-ui/")), files.toString());
    for (String file : files) {
      assertEquals(200, get(file).statusCode(), file);
    }
    assertTrue(get("/docs/docs.js").body().contains("url: '/openapi.yaml'"));
    HttpResponse<String> contract = get("/openapi.yaml");
    assertEquals(200, contract.statusCode());
    assertTrue(contract.body().startsWith("openapi: 3.1"));
  }

  @Test
  void unknownPagesAndWebJarFoldersAreNotFound() {
    for (String path : List.of("/dashboard/missing.js", "/webjars/", "/webjars/echarts/", "/docs/../openapi.yaml/x")) {
      HttpResponse<String> r = get(path);
      assertEquals(404, r.statusCode(), path);
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), path);
    }
  }
}
