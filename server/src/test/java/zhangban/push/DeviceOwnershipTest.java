package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;

/**
 * Ids the client chooses are owned: an installation id or an idempotency key another user uses
 * is no way into that user's device or reply.
 */
class DeviceOwnershipTest {
  static TestServer server;
  static Api api;
  static String zhang;
  static String li;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    zhang = server.token("citizen-zhang");
    li = server.token("citizen-li");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Api.Response register(String token, UUID installation, String fcmToken) {
    return api.put("/me/devices/" + installation).token(token)
        .json(new JsonObject().put("token", fcmToken).put("platform", "android").put("locale", "zh-CN")
            .put("appVersion", "3.2.1"));
  }

  static List<String> devices(String token) {
    return api.get("/me/devices").token(token).send().expect(200).items().stream()
        .map(d -> ((JsonObject) d).getString("deviceId")).toList();
  }

  @Test
  void anotherUsersInstallationIdIsNotFoundAndStaysTheirs() {
    UUID phone = UUID.randomUUID();
    String zhangToken = "fcm-zhang-" + phone;
    JsonObject mine = register(zhang, phone, zhangToken).expect(200).json();
    JsonObject row = server.row("select user_subject, token, active, created_at from push_device where id = $1", phone);

    // li knows the installation id, not the token that installation holds
    Api.Response r = register(li, phone, "fcm-li-" + UUID.randomUUID()).expect(404);
    assertNull(r.json().getString("registeredAt"), "nothing of the owner's device is revealed: " + r.body());
    assertFalse(r.body().toString().contains(mine.getString("registeredAt")), r.body().toString());
    assertEquals(row, server.row("select user_subject, token, active, created_at from push_device where id = $1", phone),
        "the device is left as it was");
    assertTrue(devices(zhang).contains(phone.toString()));
    assertFalse(devices(li).contains(phone.toString()));
    // li cannot sign it out either
    api.delete("/me/devices/" + phone).token(li).send().expect(404);
    assertTrue(devices(zhang).contains(phone.toString()));

    // zhang still owns it: refreshes it, then signs out
    register(zhang, phone, zhangToken).expect(200);
    api.delete("/me/devices/" + phone).token(zhang).send().expect(204);
    // a signed-out installation is free for whoever signs in on it next
    JsonObject lis = register(li, phone, "fcm-li-" + phone).expect(200).json();
    assertEquals(phone.toString(), lis.getString("deviceId"));
    assertTrue(devices(li).contains(phone.toString()));
    assertFalse(devices(zhang).contains(phone.toString()));
  }

  @Test
  void theSameIdempotencyKeyFromAnotherUserIsTheirOwnRequest() {
    String key = "shared-key-" + UUID.randomUUID();
    JsonObject body = new JsonObject().put("itemCode", "MZ-HY-001");
    JsonObject zhangs = api.post("/applications").idempotencyKey(key).token(zhang).json(body).expect(201).json();
    JsonObject lis = api.post("/applications").idempotencyKey(key).token(li).json(body).expect(201).json();
    assertFalse(zhangs.getString("id").equals(lis.getString("id")), "li gets a draft of li's own, not zhang's reply");
    assertEquals("citizen-li", server.row("select applicant_subject from application where id = $1::uuid",
        lis.getString("id")).getString("applicant_subject"));
    // and a replay of each gives each their own
    assertEquals(zhangs.getString("id"),
        api.post("/applications").idempotencyKey(key).token(zhang).json(body).expect(201).json().getString("id"));
    api.get("/applications/" + zhangs.getString("id")).token(li).send().expect(404);
  }
}
