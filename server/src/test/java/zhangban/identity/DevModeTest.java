package zhangban.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.config.Config;
import zhangban.support.Api;
import zhangban.support.TestServer;

/**
 * Demo tokens exist only in DEV_MODE. Without it the /dev endpoints cannot be told from paths
 * that do not exist, and tokens a dev server signed are worthless.
 */
class DevModeTest {
  static TestServer dev;
  static TestServer prod;

  @BeforeAll
  static void start() {
    dev = TestServer.start(Map.of("DEV_MODE", "true"));
    prod = TestServer.start();
  }

  @AfterAll
  static void stop() {
    dev.close();
    prod.close();
  }

  static JsonObject issue(TestServer server, JsonObject body) {
    return server.api.post("/dev/tokens").json(body).expect(200).json();
  }

  // ---- DEV_MODE on ----------------------------------------------------------------------------

  @Test
  void devUsersListsEveryDemoUser() {
    JsonArray items = dev.api.get("/dev/users").send().expect(200).items();
    List<String> expected = new ArrayList<>();
    for (Row r : dev.app.pool().query("select id from demo_user order by id").execute().await()) {
      expected.add(r.getString(0));
    }
    assertEquals(17, expected.size());
    assertEquals(expected, items.stream().map(u -> ((JsonObject) u).getString("id")).toList());
    JsonObject wang = items.stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("id").equals("enterprise-wang")).findFirst().orElseThrow();
    assertEquals(new JsonObject().put("id", "enterprise-wang").put("name", "王芳")
        .put("roles", new JsonArray().add("enterprise")).putNull("department").put("uscc", "9144030035829164XE").putNull("region"), wang);
  }

  @Test
  void aDevTokenWorksAsTheDemoUser() throws Exception {
    JsonObject issued = issue(dev, new JsonObject().put("user", "citizen-zhang"));
    assertEquals("Bearer", issued.getString("tokenType"));
    assertEquals("2026-11-25T03:00:00Z", issued.getString("expiresAt"));
    assertEquals("citizen-zhang", issued.getJsonObject("user").getString("id"));
    SignedJWT jwt = SignedJWT.parse(issued.getString("token"));
    assertEquals(Config.DEV_ISSUER, jwt.getJWTClaimsSet().getIssuer());

    JsonObject me = dev.api.get("/me").token(issued.getString("token")).send().expect(200).json();
    assertEquals(new JsonObject().put("subject", "citizen-zhang").put("name", "张伟")
        .put("roles", new JsonArray().add("citizen")).putNull("department").putNull("uscc").putNull("region"), me);
    dev.api.get("/applications").token(issued.getString("token")).send().expect(200);

    // a demo manager's token carries their region, which is what they see
    String guangzhou = issue(dev, new JsonObject().put("user", "manager-guangzhou")).getString("token");
    assertEquals("440100", dev.api.get("/me").token(guangzhou).send().expect(200).json().getString("region"));
  }

  @Test
  void aDevTokenCarriesTheDemoUsersScope() {
    String officer = issue(dev, new JsonObject().put("user", "officer-minzheng")).getString("token");
    JsonObject me = dev.api.get("/me").token(officer).send().expect(200).json();
    assertEquals(new JsonArray().add("officer"), me.getJsonArray("roles"));
    assertEquals("MZJ", me.getString("department"));
    dev.api.get("/applications?department=SCJGJ").token(officer).send().expect(403);
  }

  @Test
  void aDevTokenExpiresAfterItsTtl() {
    JsonObject issued = issue(dev, new JsonObject().put("user", "citizen-li").put("ttlSeconds", 60));
    assertEquals("2026-11-25T02:01:00Z", issued.getString("expiresAt"));
    String token = issued.getString("token");
    dev.api.get("/me").token(token).send().expect(200);
    dev.clock.advance(Duration.ofMinutes(3)); // past the expiry and the 60 s skew
    try {
      assertEquals("The token has expired.", dev.api.get("/me").token(token).send().expect(401).json().getString("detail"));
    } finally {
      dev.clock.set(TestServer.DEFAULT_START);
    }
  }

  @Test
  void anUnknownDemoUserIsNotFound() {
    JsonObject problem = dev.api.post("/dev/tokens").json(new JsonObject().put("user", "citizen-nobody")).expect(404).json();
    assertEquals("No demo user citizen-nobody.", problem.getString("detail"));
  }

  @Test
  void theIdentityProvidersTokensStillWorkInDevMode() {
    assertEquals("citizen-li", dev.api.get("/me").token(dev.token("citizen-li")).send().expect(200).json().getString("subject"));
  }

  // ---- DEV_MODE off ---------------------------------------------------------------------------

  /** The two answers are the same but for the path each names. */
  static void sameAsUnknownPath(Api.Response dev, String devPath, Api.Response unknown, String unknownPath) {
    assertEquals(404, dev.status());
    assertEquals(unknown.status(), dev.status());
    assertEquals(unknown.header("Content-Type"), dev.header("Content-Type"));
    assertEquals(unknown.header("Cache-Control"), dev.header("Cache-Control"));
    assertEquals(unknown.header("WWW-Authenticate"), dev.header("WWW-Authenticate"));
    assertEquals(devPath, dev.json().getString("instance"));
    assertEquals(unknown.json().copy().put("instance", devPath), dev.json());
    assertEquals(unknownPath, unknown.json().getString("instance"));
  }

  @Test
  void withoutDevModeTheDevEndpointsAnswerAsAnUnknownPathDoes() {
    sameAsUnknownPath(prod.api.get("/dev/users").send(), "/dev/users",
        prod.api.get("/dev/people").send().expect(404), "/dev/people");
    sameAsUnknownPath(prod.api.post("/dev/tokens").json(new JsonObject().put("user", "citizen-zhang")), "/dev/tokens",
        prod.api.post("/dev/tickets").json(new JsonObject().put("user", "citizen-zhang")).expect(404), "/dev/tickets");
    sameAsUnknownPath(prod.api.post("/dev/tokens").json(new JsonObject().put("user", "citizen-nobody")), "/dev/tokens",
        prod.api.post("/dev/tickets").json(new JsonObject().put("user", "citizen-nobody")).expect(404), "/dev/tickets");
  }

  @Test
  void withoutDevModeNoMethodOrBodyRevealsTheDevEndpoints() {
    Api.Response unknown = prod.api.get("/dev/people").send().expect(404);
    sameAsUnknownPath(prod.api.post("/dev/tokens").json(new JsonObject()), "/dev/tokens", unknown, "/dev/people");
    sameAsUnknownPath(prod.api.post("/dev/tokens").json(new JsonObject().put("user", "x").put("admin", true)),
        "/dev/tokens", unknown, "/dev/people");
    sameAsUnknownPath(prod.api.post("/dev/tokens").header("Content-Type", "text/plain")
        .raw(io.vertx.core.buffer.Buffer.buffer("citizen-zhang")), "/dev/tokens", unknown, "/dev/people");
    sameAsUnknownPath(prod.api.post("/dev/tokens").send(), "/dev/tokens", unknown, "/dev/people");
    sameAsUnknownPath(prod.api.get("/dev/tokens").send(), "/dev/tokens", unknown, "/dev/people");
    sameAsUnknownPath(prod.api.delete("/dev/users").send(), "/dev/users", unknown, "/dev/people");
    sameAsUnknownPath(prod.api.get("/dev/users?limit=abc").send(), "/dev/users", unknown, "/dev/people");
    // with DEV_MODE on the same requests are the contract's business
    dev.api.post("/dev/tokens").json(new JsonObject()).expect(400);
    dev.api.get("/dev/tokens").send().expect(405);
  }

  @Test
  void withoutDevModeNoDevKeyIsCreated() {
    assertEquals(false, java.nio.file.Files.exists(prod.dataDir.resolve("dev-signing-key.jwk.json")));
    assertEquals(0, prod.count("select count(*) from dev_signing_key"));
    // on a configured database the key is kept there, for every replica, and not in a file
    assertEquals(1, dev.count("select count(*) from dev_signing_key"));
    assertEquals(false, java.nio.file.Files.exists(dev.dataDir.resolve("dev-signing-key.jwk.json")));
  }

  @Test
  void aDemoTokenFromOneReplicaIsAcceptedByAnotherOnTheSameDatabase() {
    String token = issue(dev, new JsonObject().put("user", "citizen-zhang")).getString("token");
    try (TestServer replica = dev.sibling(Map.of("DEV_MODE", "true"), null)) {
      assertEquals("citizen-zhang", replica.api.get("/me").token(token).send().expect(200).json().getString("subject"));
      String theirs = issue(replica, new JsonObject().put("user", "admin-zhou")).getString("token");
      dev.api.get("/me").token(theirs).send().expect(200);
    }
  }

  @Test
  void withTheEmbeddedDatabaseTheKeyFileIsTheOwnersAlone() throws Exception {
    try (TestServer embedded = TestServer.startEmbedded(Map.of("DEV_MODE", "true"))) {
      java.nio.file.Path key = embedded.dataDir.resolve("dev-signing-key.jwk.json");
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          java.nio.file.Files.getPosixFilePermissions(key)));
    }
  }

  @Test
  void aTokenSignedByAnotherServersDevKeyIsRefused() {
    String token = issue(dev, new JsonObject().put("user", "admin-zhou")).getString("token");
    dev.api.get("/me").token(token).send().expect(200);
    Map<String, Long> before = prod.snapshot();
    prod.api.get("/me").token(token).send().expect(401);
    prod.api.post("/departments").token(token).json(new JsonObject().put("code", "DEVX").put("name", "开发局")).expect(401);
    assertEquals(before, prod.snapshot());
  }

  @Test
  void aTokenSignedByAnotherDevServersKeyIsRefusedEvenInDevMode() throws Exception {
    String token = issue(dev, new JsonObject().put("user", "admin-zhou")).getString("token");
    try (TestServer otherDev = TestServer.start(Map.of("DEV_MODE", "true"))) {
      String own = issue(otherDev, new JsonObject().put("user", "admin-zhou")).getString("token");
      assertNotEquals(SignedJWT.parse(own).getHeader().getKeyID(), SignedJWT.parse(token).getHeader().getKeyID());
      otherDev.api.get("/me").token(own).send().expect(200);
      Map<String, Long> before = otherDev.snapshot();
      assertEquals("The token's signing key is unknown.",
          otherDev.api.get("/me").token(token).send().expect(401).json().getString("detail"));
      otherDev.api.post("/departments").token(token).json(new JsonObject().put("code", "DEVX").put("name", "开发局"))
          .expect(401);
      assertEquals(before, otherDev.snapshot());
    }
  }
}
