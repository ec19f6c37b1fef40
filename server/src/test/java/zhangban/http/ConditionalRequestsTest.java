package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * What apps and caches rely on: every JSON GET carries an ETag and answers 304 to If-None-Match
 * while it is current; the public catalog and calendar may be kept by shared caches, personal data
 * never; an action sent with If-Match on a version that has moved on is refused with 412 and
 * changes nothing.
 */
class ConditionalRequestsTest {
  static TestServer server;
  static Api api;
  static String citizen;
  static String officer;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    citizen = server.token("citizen-zhang");
    officer = server.token("officer-minzheng");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String submitted() {
    return new PushFixtures(server, null).submitted("citizen-zhang");
  }

  @Test
  void theCatalogIsPublicAndAnsweredNotModifiedWhileCurrent() {
    for (String path : new String[] {"/items/MZ-HY-001", "/items?limit=5", "/departments", "/calendar/2026",
        "/calendar/deadline?start=2026-12-01&workingDays=5"}) {
      Api.Response first = api.get(path).send().expect(200);
      assertEquals("public, max-age=300", first.header("Cache-Control"), path);
      String etag = first.header("ETag");
      assertTrue(etag != null && etag.matches("\"[A-Za-z0-9_-]{22}\""), path + ": " + etag);
      assertEquals(etag, api.get(path).send().expect(200).header("ETag"), path + ": the same body, the same tag");

      Api.Response again = api.get(path).header("If-None-Match", etag).send().expect(304);
      assertEquals(0, again.body() == null ? 0 : again.body().length(), path + ": no body");
      assertEquals(etag, again.header("ETag"));
      api.get(path).header("If-None-Match", "\"other\", W/" + etag).send().expect(304); // a list, a weak match
      api.get(path).header("If-None-Match", "\"other\"").send().expect(200);
    }
  }

  @Test
  void aChangedResourceHasAnotherTag() {
    String id = submitted();
    Api.Response own = api.get("/applications/" + id).token(citizen).send().expect(200);
    Api.Response list = api.get("/applications?limit=5").token(citizen).send().expect(200);
    api.post("/applications/" + id + "/accept").token(officer).send().expect(200);
    Api.Response accepted = api.get("/applications/" + id).token(citizen).header("If-None-Match", own.header("ETag"))
        .send().expect(200);
    assertEquals("accepted", accepted.json().getString("state"));
    assertNotEquals(own.header("ETag"), accepted.header("ETag"), "the same application, changed");
    Api.Response listed = api.get("/applications?limit=5").token(citizen).header("If-None-Match", list.header("ETag"))
        .send().expect(200);
    assertNotEquals(list.header("ETag"), listed.header("ETag"), "a list with a changed item");
    assertEquals(null, api.get("/applications/" + UUID.randomUUID()).token(citizen).send().expect(404).header("ETag"),
        "an error carries no tag");
  }

  @Test
  void personalDataIsNeverStoredByCachesButStillTagged() {
    String id = submitted();
    for (String path : new String[] {"/applications/" + id, "/applications?limit=5", "/me", "/me/notifications"}) {
      Api.Response r = api.get(path).token(citizen).send().expect(200);
      assertEquals("private, no-store", r.header("Cache-Control"), path);
      assertNotNull(r.header("ETag"), path);
      api.get(path).token(citizen).header("If-None-Match", r.header("ETag")).send().expect(304);
    }
    // writes and errors carry no tag
    Api.Response write = api.post("/applications/" + id + "/accept").token(officer).send().expect(200);
    assertEquals(null, write.header("ETag"));
    assertEquals("private, no-store", write.header("Cache-Control"));
  }

  @Test
  void anActionOnAVersionThatMovedOnIsRefusedAndChangesNothing() {
    String id = submitted();
    JsonObject seen = api.get("/applications/" + id).token(officer).send().expect(200).json();
    int version = seen.getInteger("version");
    api.post("/applications/" + id + "/start-review").token(officer).header("If-Match", "\"" + version + "\"")
        .send().expect(409); // a state refusal is still a 409: the version matched
    api.post("/applications/" + id + "/accept").token(officer).header("If-Match", "\"" + (version + 1) + "\"")
        .send().expect(412);
    JsonObject problem = api.post("/applications/" + id + "/accept").token(officer)
        .header("If-Match", "\"" + (version - 1) + "\"").send().expect(412).json();
    assertEquals("https://zhangban.gov.cn/problems/version-changed", problem.getString("type"));
    assertEquals(version, problem.getInteger("currentVersion"));
    JsonObject after = api.get("/applications/" + id).token(officer).send().expect(200).json();
    assertEquals("submitted", after.getString("state"));
    assertEquals(version, after.getInteger("version"), "nothing changed");
    assertEquals(2, api.get("/applications/" + id + "/timeline").token(officer).send().expect(200).items().size());

    JsonObject accepted = api.post("/applications/" + id + "/accept").token(officer)
        .header("If-Match", "W/\"" + version + "\"").send().expect(200).json();
    assertEquals(version + 1, accepted.getInteger("version"));
    api.post("/applications/" + id + "/start-review").token(officer).header("If-Match", "*").send().expect(200);
    api.post("/applications/" + id + "/approve").token(officer).header("If-Match", String.valueOf(version + 2))
        .send().expect(200);
  }

  @Test
  void aRetryUnderTheSameKeyReplaysTheFirstAnswerWhateverTheVersionNow() {
    String id = submitted();
    int version = api.get("/applications/" + id).token(officer).send().expect(200).json().getInteger("version");
    String key = "accept-" + id;
    // refused on a stale version: the key is not used up, the retry on the right version goes through
    api.post("/applications/" + id + "/accept").token(officer).idempotencyKey(key)
        .header("If-Match", "\"" + (version - 1) + "\"").send().expect(412);
    JsonObject accepted = api.post("/applications/" + id + "/accept").token(officer).idempotencyKey(key)
        .header("If-Match", "\"" + version + "\"").send().expect(200).json();
    // the same request again, once the version has moved on: the first answer, not a 412
    assertEquals(accepted, api.post("/applications/" + id + "/accept").token(officer).idempotencyKey(key)
        .header("If-Match", "\"" + version + "\"").send().expect(200).json());
    assertEquals(version + 1, api.get("/applications/" + id).token(officer).send().expect(200).json()
        .getInteger("version"), "accepted once");
  }

  @Test
  void aMalformedIfMatchIsABadRequest() {
    String id = submitted();
    for (String bad : new String[] {"\"v1\"", "1.0", "\"1\", \"2\"", "W/1"}) {
      api.post("/applications/" + id + "/accept").token(officer).header("If-Match", bad).send().expect(400);
    }
    assertEquals("submitted", api.get("/applications/" + id).token(officer).send().expect(200).json()
        .getString("state"));
  }
}
