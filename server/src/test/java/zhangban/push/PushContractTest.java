package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import zhangban.support.ContractSchemas;
import zhangban.support.FakeFcm;

/**
 * The contract's {@code PushNotification} is what every push test holds the server to: the fake
 * FCM checks each message it receives against it and fails on close when one broke it. Here, that
 * the check itself catches a push the contract does not describe.
 */
class PushContractTest {
  static JsonObject push(JsonObject data) {
    return new JsonObject().put("title", "办件已受理").put("body", "您的结婚登记预约已受理。").put("data", data);
  }

  static JsonObject data(String deepLink) {
    String application = UUID.randomUUID().toString();
    return new JsonObject().put("kind", "application_accepted").put("notificationId", UUID.randomUUID().toString())
        .put("applicationId", application).put("number", "ZB2026112500000001").put("state", "accepted")
        .put("deepLink", deepLink.replace("{id}", application));
  }

  @Test
  void theDeepLinksTheServerSendsAreTheContractsAndNoOthers() {
    for (String link : new String[] {"zhangban://applications/{id}", "zhangban://applications/{id}/rate?stage=completed",
        "zhangban://ratings/{id}", "zhangban://rectification-cases/{id}"}) {
      assertNull(ContractSchemas.errors("PushNotification", push(data(link))), link);
    }
    for (String link : new String[] {"https://example.com/{id}", "zhangban://applications/{id}/rate?stage=draft",
        "zhangban://cases/{id}"}) {
      assertTrue(ContractSchemas.errors("PushNotification", push(data(link))) != null, link);
    }
    assertTrue(ContractSchemas.errors("PushNotification", push(data("zhangban://applications/{id}")
        .put("secret", "x"))) != null, "a data key the contract does not list");
  }

  @Test
  void theFakeFcmFailsWhenAPushBreaksTheContract() throws Exception {
    FakeFcm fake = FakeFcm.start();
    try {
      sendBadMessage(fake);
    } catch (Exception | AssertionError e) {
      try {
        fake.close();
      } catch (AssertionError stoppedAnyway) {
        // close stops the fake before it fails; the first failure is the one to report
      }
      throw e;
    }
    assertThrows(AssertionError.class, fake::close);
  }

  static void sendBadMessage(FakeFcm fake) throws Exception {
    JsonObject message = new JsonObject().put("token", "contract-token")
        .put("notification", new JsonObject().put("title", "t").put("body", "b"))
        .put("data", data("zhangban://applications/{id}").put("kind", "no_such_kind"));
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(fake.baseUrl() + "/v1/projects/p/messages:send"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("message", message).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(1, fake.contractViolations().size());
    assertTrue(fake.contractViolations().get(0).contains("no_such_kind"), fake.contractViolations().toString());
  }
}
