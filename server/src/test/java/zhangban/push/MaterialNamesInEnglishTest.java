package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * English pushes name the materials by the English names the guide gives them, and by their Chinese
 * names where it gives none.
 */
class MaterialNamesInEnglishTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final String ITEM = "QA-EN-PUSH";
  static final String ITEM_NAME = "英文推送测试事项";

  static FakeFcm fake;
  static TestServer server;
  static Api api;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    server = TestServer.startWithGateway(Map.of("PUSH_POLL_MS", "100"),
        PushFixtures.gateway(fake, Duration.ofSeconds(10)));
    api = server.api;
    fx = new PushFixtures(server, fake);
    JsonObject item = new JsonObject()
        .put("code", ITEM).put("name", ITEM_NAME).put("department", "MZJ").put("kind", "public_service")
        .put("promisedDays", 3).put("legalDays", 10).put("visitsNeeded", 0).put("fullyOnline", true)
        .put("materials", new JsonArray()
            .add(material("id_card", "居民身份证", false).put("nameEn", "Identity card"))
            .add(material("household_register", "户口簿", true).put("nameEn", "Household register"))
            .add(material("photo", "证件照", false)));
    JsonArray materials = api.post("/items").token(fx.admin()).json(item).expect(201).json().getJsonArray("materials");
    assertEquals("Identity card", materials.getJsonObject(0).getString("nameEn"));
    assertFalse(materials.getJsonObject(2).containsKey("nameEn"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  static JsonObject material(String code, String name, boolean tolerance) {
    return new JsonObject().put("code", code).put("name", name).put("required", true)
        .put("toleranceAllowed", tolerance).put("acceptedTypes", new JsonArray().add("application/pdf"))
        .put("maxBytes", 1048576);
  }

  /** A submitted application for the test item with the given materials uploaded; answers its id. */
  static String submitted(String subject, List<String> uploaded) {
    String id = api.post("/applications").token(fx.citizen(subject)).idempotencyKey("create-" + UUID.randomUUID())
        .json(new JsonObject().put("itemCode", ITEM)).expect(201).json().getString("id");
    uploaded.forEach(code -> fx.upload(subject, id, code));
    api.post("/applications/" + id + "/submit").token(fx.citizen(subject)).idempotencyKey("submit-" + id)
        .send().expect(200);
    return id;
  }

  /** Title and body of the push of {@code kind} to {@code token} (sends in flight together arrive in any order). */
  static JsonObject pushed(String token, String kind) {
    return fake.bodiesFor(token).stream().map(b -> b.getJsonObject("message"))
        .filter(m -> kind.equals(m.getJsonObject("data").getString("kind"))).findFirst().orElseThrow()
        .getJsonObject("notification");
  }

  @Test
  void aSupplementRequestNamesTheMaterialsInEnglishOrElseInChinese() {
    String subject = "citizen-english-" + UUID.randomUUID();
    String enToken = "en-materials-" + UUID.randomUUID();
    String zhToken = "zh-materials-" + UUID.randomUUID();
    fx.register(subject, UUID.randomUUID(), enToken, "ios", "en");
    fx.register(subject, UUID.randomUUID(), zhToken, "android", "zh-CN");

    String id = submitted(subject, List.of("id_card", "household_register", "photo"));
    server.clock.advance(Duration.ofMinutes(1));
    String number = fx.officerAct(id, "request-supplement", new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("materialCode", "id_card").put("reason", "照片不清晰"))
        .add(new JsonObject().put("materialCode", "photo").put("reason", "背景不是白色")))).getString("number");
    Poll.until("the supplement push on both devices",
        () -> fake.deliveredCount(enToken) == 2 && fake.deliveredCount(zhToken) == 2);

    String enBody = "Your application for " + ITEM_NAME + " (" + number + ") needs: Identity card (照片不清晰); "
        + "证件照 (背景不是白色).";
    assertEquals(new JsonObject().put("title", "Materials needed").put("body", enBody),
        pushed(enToken, "supplement_requested"));
    assertEquals("您的“" + ITEM_NAME + "”申请（" + number + "）需补正以下材料：居民身份证（照片不清晰）；证件照（背景不是白色）。",
        pushed(zhToken, "supplement_requested").getString("body"));
    assertEquals(enBody, api.get("/me/notifications?locale=en").token(fx.citizen(subject)).send().expect(200)
        .items().getJsonObject(0).getString("body"), "the English inbox says the same");
  }

  @Test
  void anAcceptanceWithMissingMaterialsNamesThemInEnglish() {
    String subject = "citizen-english-" + UUID.randomUUID();
    String enToken = "en-missing-" + UUID.randomUUID();
    fx.register(subject, UUID.randomUUID(), enToken, "android", "en");

    String id = submitted(subject, List.of("id_card", "photo"));
    String by = server.clock.instant().atZone(SHANGHAI).toLocalDate().plusDays(2).toString();
    server.clock.advance(Duration.ofMinutes(1));
    JsonObject accepted = fx.officerAct(id, "accept-with-missing", new JsonObject()
        .put("missingMaterials", new JsonArray().add("household_register")).put("supplementDeadline", by));
    Poll.until("the acceptance push", () -> fake.deliveredCount(enToken) == 2);

    assertEquals("Your application for " + ITEM_NAME + " (" + accepted.getString("number") + ") was accepted and "
        + "will be decided by " + accepted.getString("deadline") + ". Please supply by " + by + ": Household register.",
        pushed(enToken, "application_accepted").getString("body"));
  }
}
