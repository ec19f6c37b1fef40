package zhangban.filing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
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
    String citizen = server.token("citizen-zhang");
    String id = api.post("/applications").token(citizen).idempotencyKey("create-" + UUID.randomUUID())
        .json(new JsonObject().put("itemCode", "MZ-HY-001").put("form", new JsonObject().put("partnerName", "李娜")
            .put("appointmentDate", "2026-12-01").put("venue", "futian")))
        .expect(201).json().getString("id");
    for (String material : new String[] {"id_card", "household_register"}) {
      api.put("/applications/" + id + "/materials/" + material).token(citizen)
          .multipart(MultipartForm.create().binaryFileUpload("file", "doc.pdf", Buffer.buffer("%PDF-1.4\n% doc\n"),
              "application/pdf")).expect(200);
    }
    String number = api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("submit-" + id)
        .send().expect(200).json().getString("number");
    assertEquals("ZB20261125100000000", number);
    assertEquals(number, api.get("/applications/" + id).token(citizen).send().expect(200).json().getString("number"));

    String integration = server.token("integration-zhujian");
    JsonObject event = new JsonObject().put("eventId", "e-" + UUID.randomUUID()).put("action", "accept");
    api.post("/integration/applications/ZB" + "9".repeat(27) + "/events").token(integration).json(event).expect(404);
    api.post("/integration/applications/ZB" + "9".repeat(28) + "/events").token(integration).json(event).expect(400);
  }
}
