package zhangban;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zhangban.support.TestServer;

/**
 * The production way of running: the embedded PostgreSQL keeps its files in DATA_DIR, so a server
 * started again on the same folder finds every application, event and file, and loads the demo
 * data only the first time.
 */
class RestartTest {
  static final Buffer ID_CARD = Buffer.buffer("%PDF-1.4\n% 身份证 restart test\n\u0000\u0001\u00ff binary tail");
  static final Buffer REGISTER = Buffer.buffer("%PDF-1.4\n% household register\n");

  private Path dataDir;

  @AfterEach
  void removeDataDir() throws IOException {
    if (dataDir != null && Files.isDirectory(dataDir)) {
      try (Stream<Path> paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aRestartOnTheSameDataDirKeepsApplicationsTimelinesAndFilesAndLoadsDemoDataOnce() {
    String id;
    String number;
    JsonObject before;
    JsonArray timelineBefore;
    JsonArray materialsBefore;
    long demoUsers;
    long applications;
    long ratings;
    long departments;
    long items;

    try (TestServer first = TestServer.startEmbedded(Map.of("DEMO_DATA", "true"))) {
      dataDir = first.dataDir;
      assertTrue(Files.isDirectory(dataDir.resolve("postgres")), "the embedded PostgreSQL lives in DATA_DIR");
      String citizen = first.token("citizen-zhang");
      String officer = first.token("officer-minzheng");
      id = first.api.post("/applications").token(citizen).idempotencyKey("create-" + UUID.randomUUID())
          .json(new JsonObject().put("itemCode", "MZ-HY-001").put("form", new JsonObject()
              .put("partnerName", "李娜").put("appointmentDate", "2026-12-20").put("venue", "nanshan")))
          .expect(201).json().getString("id");
      upload(first, citizen, id, "id_card", ID_CARD);
      upload(first, citizen, id, "household_register", REGISTER);
      number = first.api.post("/applications/" + id + "/submit").token(citizen).idempotencyKey("submit-" + id)
          .send().expect(200).json().getString("number");
      first.api.post("/applications/" + id + "/accept").token(officer).send().expect(200);

      before = first.api.get("/applications/" + id).token(citizen).send().expect(200).json();
      timelineBefore = first.api.get("/applications/" + id + "/timeline").token(citizen).send().expect(200).items();
      materialsBefore = first.api.get("/applications/" + id + "/materials").token(citizen).send().expect(200).items();
      demoUsers = first.count("select count(*) from demo_user");
      departments = first.count("select count(*) from department");
      items = first.count("select count(*) from service_item");
      applications = first.count("select count(*) from application");
      ratings = first.count("select count(*) from rating");
      assertEquals(17, demoUsers);
      assertEquals(361, applications, "the demo history and the one filed here");
      assertTrue(ratings > 250, "the demo history is rated: " + ratings);
      assertEquals(ratings, first.count("select coalesce(sum(active + defaulted + excluded_count), 0) from stat_rollup"
          + " where dim = 'dept' and grain = 'day'"), "its statistics were built");
      assertEquals(3, timelineBefore.size());
    }

    try (TestServer second = TestServer.startEmbedded(dataDir, Map.of("DEMO_DATA", "true"))) {
      assertEquals(dataDir, second.dataDir);
      String citizen = second.token("citizen-zhang");
      JsonObject after = second.api.get("/applications/" + id).token(citizen).send().expect(200).json();
      assertEquals(number, after.getString("number"));
      assertEquals("accepted", after.getString("state"));
      assertEquals("2026-12-02", after.getString("deadline"));
      assertEquals(before, after);
      assertEquals(timelineBefore,
          second.api.get("/applications/" + id + "/timeline").token(citizen).send().expect(200).items());
      assertEquals(materialsBefore,
          second.api.get("/applications/" + id + "/materials").token(citizen).send().expect(200).items());
      assertEquals(ID_CARD, second.api.get("/applications/" + id + "/materials/id_card/content").token(citizen)
          .send().expect(200).body());
      assertEquals(REGISTER, second.api.get("/applications/" + id + "/materials/household_register/content")
          .token(citizen).send().expect(200).body());

      assertEquals(demoUsers, second.count("select count(*) from demo_user"), "demo users are not loaded twice");
      assertEquals(departments, second.count("select count(*) from department"));
      assertEquals(items, second.count("select count(*) from service_item"));
      assertEquals(applications, second.count("select count(*) from application"), "the demo history is not loaded twice");
      assertEquals(ratings, second.count("select count(*) from rating"));

      // numbering goes on after the restart instead of starting again
      String officer = second.token("officer-minzheng");
      String next = second.api.post("/applications").token(citizen).idempotencyKey("create-" + UUID.randomUUID())
          .json(new JsonObject().put("itemCode", "MZ-HY-001").put("form", new JsonObject()
              .put("partnerName", "王芳").put("appointmentDate", "2026-12-21").put("venue", "futian")))
          .expect(201).json().getString("id");
      upload(second, citizen, next, "id_card", ID_CARD);
      upload(second, citizen, next, "household_register", REGISTER);
      String nextNumber = second.api.post("/applications/" + next + "/submit").token(citizen)
          .idempotencyKey("submit-" + next).send().expect(200).json().getString("number");
      assertNotEquals(number, nextNumber);
      assertTrue(nextNumber.compareTo(number) > 0, nextNumber + " after " + number);
      assertEquals(200, second.api.get("/applications/" + next).token(officer).send().status());
    }
  }

  private static void upload(TestServer s, String token, String id, String material, Buffer bytes) {
    s.api.put("/applications/" + id + "/materials/" + material).token(token)
        .multipart(MultipartForm.create().binaryFileUpload("file", material + ".pdf", bytes, "application/pdf"))
        .expect(200);
  }
}
