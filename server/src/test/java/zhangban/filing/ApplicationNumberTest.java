package zhangban.filing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/** Application numbers keep their shape past 10^8 applications: the sequence grows, the contract allows it. */
class ApplicationNumberTest {
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theHundredMillionthApplicationGetsANineDigitSequenceTheContractAccepts() {
    server.update("select setval('application_number_seq', 99999999)");
    String id = new PushFixtures(server, null).submitted("citizen-zhang");
    String citizen = server.token("citizen-zhang");
    String number = api.get("/applications/" + id).token(citizen).send().expect(200).json().getString("number");
    assertEquals("ZB20261125100000000", number);

    String integration = server.token("integration-zhujian");
    JsonObject event = new JsonObject().put("eventId", "e-" + UUID.randomUUID()).put("action", "accept");
    api.post("/integration/applications/ZB" + "9".repeat(27) + "/events").token(integration).json(event).expect(404);
    // a number of another system may have up to 50 characters (GB/T 39046-2020), no more
    api.post("/integration/applications/ZB" + "9".repeat(48) + "/events").token(integration).json(event).expect(404);
    api.post("/integration/applications/ZB" + "9".repeat(49) + "/events").token(integration).json(event).expect(400);
  }
}
