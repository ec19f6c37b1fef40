package zhangban.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * Rating without the app: a department's officer or hall system makes a single-use link for a
 * stage; whoever holds it rates that stage as the applicant, once, without an account, until the
 * window closes or the link is withdrawn. Every refusal is a clear problem and changes nothing.
 */
class RatingLinkTest {
  static TestServer server;
  static Api api;
  static RatingFixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("PUBLIC_BASE_URL", "https://zhangban.example.gov.cn"));
    api = server.api;
    fx = new RatingFixtures(server, new PushFixtures(server, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A completed application of a fresh citizen, and a link for its completion made by the demo officer. */
  record Linked(String subject, String applicationId, JsonObject link) {
    String token() {
      return link.getString("token");
    }
  }

  static Linked linked(String channel) {
    String subject = "citizen-link-" + UUID.randomUUID();
    String id = fx.completed(subject);
    JsonObject link = api.post("/applications/" + id + "/rating-links").token(fx.officer())
        .json(new JsonObject().put("stage", "completed").put("channel", channel)).expect(201).json();
    return new Linked(subject, id, link);
  }

  static Api.Response rateByLink(String token, JsonObject body) {
    return api.post("/public/rating-links/" + token + "/rating").json(body);
  }

  static JsonObject poor() {
    return new JsonObject().put("level", 1).put("tags", new JsonArray().add("service_attitude"))
        .put("dictionaryVersion", fx.dictionaryVersion()).put("comment", "窗口人员态度差");
  }

  static String type(Api.Response r) {
    return r.json().getString("type").replace("https://zhangban.gov.cn/problems/", "");
  }

  @Test
  void aLinkShowsTheTransactionWithoutPersonalDataAndTheOfflineTags() {
    Linked l = linked("qr");
    assertEquals("https://zhangban.example.gov.cn/rate/#" + l.token(), l.link().getString("url"));
    assertEquals("2026-12-02T02:00:00Z", l.link().getString("expiresAt"), "until the stage's window closes");
    JsonObject view = api.get("/public/rating-links/" + l.token()).send().expect(200).json();
    assertEquals(PushFixtures.ITEM_NAME, view.getString("itemName"));
    assertEquals("2026-11-25", view.getString("reachedOn"));
    String name = server.row("select applicant_name from application where id = $1::uuid", l.applicationId())
        .getString("applicant_name");
    assertEquals(name.substring(0, name.offsetByCodePoints(0, 1)) + "*".repeat(name.codePointCount(0, name.length()) - 1),
        view.getString("applicantName"), "the first character only");
    assertEquals(2, view.getInteger("reasonRequiredUpTo"), "a 差评 names its reason (the national default)");
    assertFalse(view.encode().contains(l.subject()), "no subject");
    assertFalse(view.encode().contains(l.applicationId()), "no application id");
    assertTrue(view.getJsonObject("dictionary").getJsonArray("tags").stream()
        .allMatch(t -> "offline".equals(((JsonObject) t).getString("group"))), "the tags of in-person service");
  }

  @Test
  void aPoorRatingByLinkIsTheApplicantsOpensTheCaseAndSaysWhenTheyWillBeContacted() {
    Linked l = linked("sms");
    JsonObject result = rateByLink(l.token(), poor()).expect(201).json();
    assertTrue(result.getBoolean("poor"));
    assertEquals("sms", result.getString("channel"));
    assertEquals("2026-11-26", result.getString("contactBy"), "the verify deadline: one working day");
    assertEquals(result, rateByLink(l.token(), poor()).expect(201).json(), "the same request again: the same rating");

    JsonObject mine = api.get("/applications/" + l.applicationId() + "/ratings").token(fx.citizen(l.subject()))
        .send().expect(200).json();
    JsonObject rating = mine.getJsonArray("ratings").getJsonObject(0);
    assertEquals("sms", rating.getString("channel"));
    assertEquals("applicant", rating.getString("source"));
    assertEquals("open", rating.getJsonObject("case").getString("state"), "the same rectification as any 差评");
    assertEquals(1, server.count("select count(*) from rating where application_id = $1::uuid", l.applicationId()));
  }

  @Test
  void aUsedLinkAndASecondRatingThroughAnotherChannelAreRefused() {
    Linked l = linked("qr");
    rateByLink(l.token(), new JsonObject().put("level", 5)).expect(201);
    Map<String, Long> before = server.snapshot();
    assertEquals("rating-link-used", type(rateByLink(l.token(), new JsonObject().put("level", 4)).expect(409)));
    assertEquals("rating-link-used", type(api.get("/public/rating-links/" + l.token()).send().expect(409)));
    assertEquals("already-rated", type(fx.rate(fx.citizen(l.subject()), l.applicationId(),
        fx.withVersion(RatingFixtures.rating(4))).expect(409)));
    assertEquals(before, server.snapshot());

    Linked rated = linked("sms");
    fx.rate(fx.citizen(rated.subject()), rated.applicationId(), fx.withVersion(RatingFixtures.rating(5))).expect(201);
    assertEquals("rating-link-used", type(rateByLink(rated.token(), new JsonObject().put("level", 3)).expect(409)));
  }

  @Test
  void aWithdrawnLinkIsGoneAndWithdrawingAgainIsNoError() {
    Linked l = linked("sms");
    String path = "/applications/" + l.applicationId() + "/rating-links/" + l.link().getString("id");
    api.delete(path).token(fx.officer("officer-elsewhere", "GAJ")).send().expect(404);
    api.delete(path).token(fx.citizen(l.subject())).send().expect(403);
    api.delete(path).token(fx.officer()).send().expect(204);
    api.delete(path).token(fx.officer()).send().expect(204);
    Map<String, Long> before = server.snapshot();
    assertEquals("rating-link-revoked", type(api.get("/public/rating-links/" + l.token()).send().expect(410)));
    assertEquals("rating-link-revoked", type(rateByLink(l.token(), new JsonObject().put("level", 5)).expect(410)));
    assertEquals(before, server.snapshot());
  }

  @Test
  void aLinkPastItsWindowHasExpired() {
    Linked l = linked("qr");
    server.clock.advance(Duration.ofDays(8));
    try {
      Map<String, Long> before = server.snapshot();
      Api.Response gone = rateByLink(l.token(), new JsonObject().put("level", 5)).expect(410);
      assertEquals("rating-link-expired", type(gone));
      assertEquals("2026-12-02T02:00:00Z", gone.json().getString("expiredAt"));
      assertEquals(before, server.snapshot());
    } finally {
      server.clock.advance(Duration.ofDays(-8));
    }
  }

  @Test
  void aForgedOrMangledTokenIsUnknown() {
    Linked l = linked("qr");
    String forged = (l.token().charAt(0) == 'A' ? 'B' : 'A') + l.token().substring(1);
    Map<String, Long> before = server.snapshot();
    assertEquals("rating-link-unknown", type(api.get("/public/rating-links/" + forged).send().expect(404)));
    assertEquals("rating-link-unknown", type(rateByLink(forged, new JsonObject().put("level", 5)).expect(404)));
    api.get("/public/rating-links/" + l.token().substring(1)).send().expect(400);
    api.get("/public/rating-links/" + l.token() + "%27%3B--").send().expect(400);
    assertEquals(before, server.snapshot());
  }

  @Test
  void theRulesOfEveryRatingApplyToALinkRating() {
    Linked l = linked("sms");
    Map<String, Long> before = server.snapshot();
    rateByLink(l.token(), new JsonObject().put("level", 1)).expect(422); // a 差评 needs a reason
    rateByLink(l.token(), new JsonObject().put("level", 2).put("tags", new JsonArray().add("efficiency"))
        .put("dictionaryVersion", fx.dictionaryVersion())).expect(422); // an online tag for an SMS rating
    rateByLink(l.token(), new JsonObject().put("level", 9)).expect(400);
    rateByLink(l.token(), new JsonObject().put("level", 5).put("stage", "accepted")).expect(400);
    assertEquals(before, server.snapshot());
  }

  @Test
  void onlyTheDepartmentsOfficersAndSystemsMakeLinksForAStageThatIsOpen() {
    String subject = "citizen-link-rules-" + UUID.randomUUID();
    String id = fx.completed(subject);
    JsonObject qr = new JsonObject().put("channel", "qr");
    Map<String, Long> before = server.snapshot();
    api.post("/applications/" + id + "/rating-links").token(fx.citizen(subject)).json(qr).expect(403);
    api.post("/applications/" + id + "/rating-links").token(fx.manager()).json(qr).expect(403);
    api.post("/applications/" + id + "/rating-links").token(fx.officer("officer-elsewhere", "GAJ")).json(qr).expect(404);
    api.post("/applications/" + id + "/rating-links").token(fx.officer()).json(qr.copy().put("stage", "accepted"))
        .expect(422);
    assertEquals(before, server.snapshot());
    api.post("/applications/" + id + "/rating-links").token(fx.integration("hall-system", "MZJ")).json(qr).expect(201);

    String submitted = fx.filing.submitted(subject);
    assertEquals("stage-not-reached", type(api.post("/applications/" + submitted + "/rating-links")
        .token(fx.officer()).json(qr).expect(409)));
  }

  @Test
  void theQrCodeDecodesToTheLinkInPngAndSvg() throws Exception {
    Linked l = linked("qr");
    Api.Response png = api.get("/public/rating-links/" + l.token() + "/qr?size=300").send().expect(200);
    assertEquals("image/png", png.header("Content-Type"));
    var image = ImageIO.read(new ByteArrayInputStream(png.body().getBytes()));
    assertEquals(300, image.getWidth());
    // a generated code, upright with its quiet zone: read as such (the default search can miss one)
    String decoded = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(
        new BufferedImageLuminanceSource(image))), Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE,
        com.google.zxing.DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    assertEquals(l.link().getString("url"), decoded);

    Api.Response svg = api.get("/public/rating-links/" + l.token() + "/qr?format=svg").send().expect(200);
    assertTrue(svg.header("Content-Type").startsWith("image/svg+xml"));
    assertTrue(svg.body().toString().startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"256\""));
    api.get("/public/rating-links/" + l.token() + "/qr?size=5000").send().expect(400);
    rateByLink(l.token(), new JsonObject().put("level", 5)).expect(201);
    assertEquals("rating-link-used", type(api.get("/public/rating-links/" + l.token() + "/qr").send().expect(409)));
  }

  @Test
  void nothingOfTheTokenIsKeptButItsDigest() {
    Linked l = linked("qr");
    assertEquals(1, server.count("select count(*) from rating_link where token_digest = sha256(convert_to($1, 'UTF8'))",
        l.token()), "its SHA-256 digest");
    assertEquals(0, server.count("select count(*) from rating_link r where r::text like $1", "%" + l.token() + "%"),
        "and nothing else of it");
  }
}
