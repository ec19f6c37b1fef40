package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;

/**
 * Whatever a client sends, a malformed request gets the right 4xx as problem+json, names the
 * offending field where it is a validation failure, changes nothing, and never causes a 5xx.
 */
class MalformedInputTest {
  static TestServer server;
  static Api api;
  static String citizen;
  static String draftId;

  static final Buffer PDF = Buffer.buffer("%PDF-1.4\n% test document\n");
  static final Buffer JPEG = bytes(new int[] {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00});
  static final Buffer PNG = bytes(new int[] {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D});

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
    citizen = server.token("citizen-zhang");
    draftId = api.post("/applications").token(citizen).idempotencyKey("malformed-draft-1")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Buffer bytes(int[] values) {
    Buffer b = Buffer.buffer();
    for (int v : values) {
      b.appendByte((byte) v);
    }
    return b;
  }

  /** {@code head} followed by filler up to {@code size} bytes. */
  static Buffer sized(Buffer head, int size) {
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) 'x');
    System.arraycopy(head.getBytes(), 0, out, 0, head.length());
    return Buffer.buffer(out);
  }

  /** Runs a request that must be refused and proves it changed no table. */
  static Api.Response unchanged(Supplier<Api.Response> request) {
    Map<String, Long> before = server.snapshot();
    Api.Response r = request.get();
    assertEquals(before, server.snapshot(), "a refused request must change nothing");
    return r;
  }

  static Api.Response create(String key, Object body) {
    return api.post("/applications").token(citizen).idempotencyKey(key).json(body);
  }

  static Api.Response upload(String material, MultipartForm form) {
    return api.put("/applications/" + draftId + "/materials/" + material).token(citizen).multipart(form);
  }

  static MultipartForm file(String name, Buffer content, String type) {
    return MultipartForm.create().binaryFileUpload("file", name, content, type);
  }

  static String key() {
    return "k-" + UUID.randomUUID();
  }

  // ---- JSON bodies ---------------------------------------------------------------------------

  @Test
  void invalidJsonIsABadRequest() {
    unchanged(() -> create(key(), "{\"itemCode\": \"MZ-HY-001\"")).expect(400);
    unchanged(() -> create(key(), "{itemCode: 'MZ-HY-001'}")).expect(400);
  }

  @Test
  void aJsonArrayInsteadOfAnObjectIsABadRequest() {
    unchanged(() -> create(key(), "[{\"itemCode\": \"MZ-HY-001\"}]")).expect(400);
  }

  @Test
  void aWronglyTypedFieldIsNamedByItsPointer() {
    Api.Response r = unchanged(() -> create(key(), "{\"itemCode\": 5}")).expect(400);
    assertEquals(List.of("/itemCode"), r.pointers());
    assertEquals("https://zhangban.gov.cn/problems/validation", r.json().getString("type"));
  }

  @Test
  void aMissingRequiredFieldIsNamedByItsPointer() {
    Api.Response r = unchanged(() -> create(key(), new JsonObject().put("form", new JsonObject()))).expect(400);
    assertEquals(List.of("/itemCode"), r.pointers());
  }

  @Test
  void anUnknownFieldIsRefused() {
    Api.Response r = unchanged(() -> create(key(),
        new JsonObject().put("itemCode", "MZ-HY-001").put("priority", "high"))).expect(400);
    assertEquals(List.of("/priority"), r.pointers());
  }

  @Test
  void aLargeBodyIsCheckedLikeASmallOne() {
    // bodies of more than 64 KB are validated on a worker thread, smaller ones where they arrive
    String large = "x".repeat(InlineRequestValidator.INLINE_BODY_BYTES + 1000);
    Api.Response r = unchanged(() -> create(key(),
        new JsonObject().put("itemCode", "MZ-HY-001").put("priority", large))).expect(400);
    assertEquals(List.of("/priority"), r.pointers());
    // one that fits the contract gets past it, to the item's own form rules
    r = unchanged(() -> create(key(), new JsonObject().put("itemCode", "MZ-HY-001")
        .put("form", new JsonObject().put("note", large)))).expect(422);
    assertEquals(List.of("/form/note"), r.pointers());
  }

  @Test
  void aMissingIdempotencyKeyIsNamedAsAHeader() {
    Api.Response r = unchanged(() -> api.post("/applications").token(citizen)
        .json(new JsonObject().put("itemCode", "MZ-HY-001"))).expect(400);
    assertEquals(List.of("/header/Idempotency-Key"), r.pointers());
  }

  @Test
  void aTooShortIdempotencyKeyIsRefused() {
    Api.Response r = unchanged(() -> create("short", new JsonObject().put("itemCode", "MZ-HY-001"))).expect(400);
    assertEquals(List.of("/header/Idempotency-Key"), r.pointers());
  }

  @Test
  void aHeaderIsReadAsTheTextSentNotAsJson() {
    // the quotes are part of the key, and the contract's pattern has no place for them
    Api.Response r = unchanged(() -> create("\"quoted-key-" + UUID.randomUUID() + "\"",
        new JsonObject().put("itemCode", "MZ-HY-001"))).expect(400);
    assertEquals(List.of("/header/Idempotency-Key"), r.pointers());
  }

  @Test
  void aBodyThatIsNotJsonIsAnUnsupportedMediaType() {
    Api.Response r = unchanged(() -> api.post("/applications").token(citizen).idempotencyKey(key())
        .header("Content-Type", "text/plain").raw(Buffer.buffer("itemCode=MZ-HY-001"))).expect(415);
    assertEquals("https://zhangban.gov.cn/problems/unsupported-media-type", r.json().getString("type"));
  }

  @Test
  void aJsonBodyOverTheLimitWithContentLengthIsTooLarge() {
    String big = "{\"itemCode\": \"MZ-HY-001\", \"form\": {\"partnerName\": \"" + "x".repeat(1024 * 1024) + "\"}}";
    // refused on its Content-Length while the client is still sending: the client must get the
    // answer, not a reset connection, every time
    for (int i = 0; i < 10; i++) {
      Api.Response r = unchanged(() -> create(key(), big)).expect(413);
      assertTrue(r.json().getString("detail").contains("1048576"), r.json().encode());
    }
    // and on an operation whose body is optional
    String note = "{\"note\": \"" + "x".repeat(1024 * 1024) + "\"}";
    unchanged(() -> api.post("/applications/" + draftId + "/withdraw").token(citizen).json(note)).expect(413);
  }

  @Test
  void aChunkedJsonBodyOverTheLimitIsTooLarge() {
    String big = "{\"itemCode\": \"MZ-HY-001\", \"form\": {\"partnerName\": \"" + "x".repeat(1024 * 1024) + "\"}}";
    RawResponse r = unchangedRaw(() -> raw(HttpMethod.POST, "/applications", Map.of(
        "Authorization", "Bearer " + citizen, "Idempotency-Key", key(), "Content-Type", "application/json"),
        Buffer.buffer(big), true));
    r.expectProblem(413);
    assertTrue(r.body().toJsonObject().getString("detail").contains("1048576"), r.body().toString());
  }

  @Test
  void anEmptyJsonBodyOnAnOperationThatNeedsOneIsABadRequest() {
    unchanged(() -> api.post("/applications").token(citizen).idempotencyKey(key())
        .header("Content-Type", "application/json").raw(Buffer.buffer())).expect(400);
  }

  // ---- parameters ----------------------------------------------------------------------------

  @Test
  void anApplicationIdThatIsNotAUuidIsNamedByItsPointer() {
    Api.Response r = api.get("/applications/not-a-uuid").token(citizen).send().expect(400);
    assertEquals(List.of("/path/id"), r.pointers());
  }

  @Test
  void anItemCodeWithIllegalCharactersIsABadRequest() {
    Api.Response r = api.get("/items/%20bad").send().expect(400);
    assertEquals(List.of("/path/code"), r.pointers());
  }

  @Test
  void aCalendarYearOutOfRangeIsABadRequest() {
    assertEquals(List.of("/path/year"), api.get("/calendar/1999").send().expect(400).pointers());
    assertEquals(List.of("/path/year"), api.get("/calendar/99999").send().expect(400).pointers());
  }

  @Test
  void aLimitOutOfRangeOrNotANumberIsNamedByItsPointer() {
    for (String limit : List.of("0", "101", "abc")) {
      Api.Response r = api.get("/items?limit=" + limit).send().expect(400);
      assertEquals(List.of("/query/limit"), r.pointers(), "limit=" + limit);
      r = api.get("/applications?limit=" + limit).token(citizen).send().expect(400);
      assertEquals(List.of("/query/limit"), r.pointers(), "limit=" + limit);
    }
  }

  @Test
  void aCursorThisServerDidNotIssueIsABadRequest() {
    // not even the cursor alphabet
    assertEquals(List.of("/query/cursor"), api.get("/items?cursor=%21%21").send().expect(400).pointers());
    // the alphabet, but not base64
    api.get("/items?cursor=A").send().expect(400);
    // base64 of something that is no cursor of the application list
    api.get("/applications?cursor=" + Cursors.encode("not|a-cursor")).token(citizen).send().expect(400);
    api.get("/applications?cursor=A").token(citizen).send().expect(400);
    // base64 of a NUL byte, which no code contains
    api.get("/items?cursor=AA").send().expect(400);
    // a dead letter's id past any a bigint holds
    String admin = server.token("admin-zhou");
    for (String list : List.of("/admin/push/dead-letters", "/admin/sms/dead-letters",
        "/admin/platform-reports/dead-letters")) {
      assertEquals(List.of("/query/cursor"), api.get(list + "?cursor=9999999999999999999").token(admin).send()
          .expect(400).pointers(), list);
    }
  }

  @Test
  void anUnknownPathIsNotFound() {
    Api.Response r = api.get("/no/such/thing").send().expect(404);
    assertEquals("https://zhangban.gov.cn/problems/not-found", r.json().getString("type"));
  }

  @Test
  void aMethodTheResourceDoesNotTakeIsNotAllowed() {
    Api.Response r = unchanged(() -> api.delete("/items").token(server.token("admin-zhou")).send()).expect(405);
    assertEquals("https://zhangban.gov.cn/problems/method-not-allowed", r.json().getString("type"));
  }

  // ---- uploads -------------------------------------------------------------------------------

  @Test
  void aFileOverTheMaterialsLimitIsTooLarge() {
    // photo takes files up to 2097152 bytes
    Api.Response r = unchanged(() -> upload("photo", file("photo.jpg", sized(JPEG, 2097153), "image/jpeg")))
        .expect(413);
    assertTrue(r.json().getString("detail").contains("2097152"), r.json().encode());
  }

  @Test
  void aFileOfATypeTheMaterialDoesNotTakeIsUnsupported() {
    // household_register takes pdf and jpeg only
    unchanged(() -> upload("household_register", file("register.png", PNG, "image/png"))).expect(415);
    unchanged(() -> upload("id_card", file("notes.txt", Buffer.buffer("just some text\n"), "text/plain")))
        .expect(415);
  }

  @Test
  void aFileWhoseBytesBelieItsDeclaredTypeIsUnsupported() {
    unchanged(() -> upload("id_card", file("card.jpg", PDF, "image/jpeg"))).expect(415);
  }

  @Test
  void anEmptyFileIsABadRequest() {
    unchanged(() -> upload("id_card", file("empty.pdf", Buffer.buffer(), "application/pdf"))).expect(400);
  }

  @Test
  void aMultipartBodyWithoutAFilePartIsABadRequest() {
    Api.Response r = unchanged(() -> upload("id_card", MultipartForm.create().attribute("note", "no file here")))
        .expect(400);
    assertEquals(List.of("/body/file"), r.pointers());
    r = unchanged(() -> upload("id_card", MultipartForm.create()
        .binaryFileUpload("document", "card.pdf", PDF, "application/pdf"))).expect(400);
    assertEquals(List.of("/body/file"), r.pointers());
  }

  @Test
  void anUploadSentAsJsonIsAnUnsupportedMediaType() {
    unchanged(() -> api.put("/applications/" + draftId + "/materials/id_card").token(citizen)
        .json(new JsonObject().put("file", "JVBERi0xLjQK"))).expect(415);
  }

  @Test
  void anUploadForAMaterialTheItemDoesNotHaveIsNotFound() {
    unchanged(() -> upload("marriage_certificate", file("c.pdf", PDF, "application/pdf"))).expect(404);
  }

  @Test
  void aMaterialCodeWithIllegalCharactersIsABadRequest() {
    Api.Response r = unchanged(() -> upload("id%20card", file("c.pdf", PDF, "application/pdf"))).expect(400);
    assertEquals(List.of("/path/materialCode"), r.pointers());
    r = unchanged(() -> upload("-id_card", file("c.pdf", PDF, "application/pdf"))).expect(400);
    assertEquals(List.of("/path/materialCode"), r.pointers());
  }

  @Test
  void aWellFormedUploadStillWorksAfterAllThat() {
    // the control: the refusals above are about the input, not a broken upload path
    Map<String, Long> before = server.snapshot();
    api.put("/applications/" + draftId + "/materials/photo").token(citizen)
        .multipart(file("photo.png", PNG, "image/png")).expect(200);
    assertEquals(before.get("application_material") + 1, server.snapshot().get("application_material"));
  }

  @Test
  void anUploadOverTheServersUploadLimitIsTooLarge() {
    try (TestServer small = TestServer.start(Map.of("MAX_UPLOAD_BYTES", "300000", "MAX_BODY_BYTES", "4096"))) {
      String token = small.token("citizen-zhang");
      String id = small.api.post("/applications").token(token).idempotencyKey("small-draft-1")
          .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
      Map<String, Long> before = small.snapshot();
      // id_card itself would take 5 MiB, the server takes 300000 bytes
      Api.Response r = small.api.put("/applications/" + id + "/materials/id_card").token(token)
          .multipart(file("card.pdf", sized(PDF, 400_000), "application/pdf")).expect(413);
      assertEquals("https://zhangban.gov.cn/problems/payload-too-large", r.json().getString("type"));
      // the same by hand, with its Content-Length and chunked
      String boundary = "zb-boundary-1";
      Buffer multipart = Buffer.buffer("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
          + "filename=\"card.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
          .appendBuffer(sized(PDF, 400_000)).appendString("\r\n--" + boundary + "--\r\n");
      for (boolean chunked : new boolean[] {false, true}) {
        rawTo(small, HttpMethod.PUT, "/applications/" + id + "/materials/id_card", Map.of(
            "Authorization", "Bearer " + token, "Content-Type", "multipart/form-data; boundary=" + boundary),
            multipart, chunked).expectProblem(413);
      }
      // a JSON body between MAX_BODY_BYTES and MAX_UPLOAD_BYTES, sent chunked: too large as JSON
      String json = "{\"itemCode\": \"MZ-HY-001\", \"form\": {\"partnerName\": \"" + "x".repeat(10_000) + "\"}}";
      rawTo(small, HttpMethod.POST, "/applications", Map.of("Authorization", "Bearer " + token,
          "Idempotency-Key", "small-chunked-1", "Content-Type", "application/json"), Buffer.buffer(json), true)
          .expectProblem(413);
      rawTo(small, HttpMethod.POST, "/applications", Map.of("Authorization", "Bearer " + token,
          "Idempotency-Key", "small-length-1", "Content-Type", "application/json"), Buffer.buffer(json), false)
          .expectProblem(413);
      assertEquals(before, small.snapshot());
      // and the small server still takes a small file
      small.api.put("/applications/" + id + "/materials/id_card").token(token)
          .multipart(file("card.pdf", PDF, "application/pdf")).expect(200);
    }
  }

  // ---- no input makes the server fail --------------------------------------------------------

  @Test
  void noMalformedInputCausesAServerError() {
    Map<String, Long> before = server.snapshot();
    Map<String, Buffer> bodies = new LinkedHashMap<>();
    bodies.put("deeply nested arrays", Buffer.buffer("[".repeat(5000) + "]".repeat(5000)));
    bodies.put("deeply nested objects", Buffer.buffer("{\"a\":".repeat(5000) + "1" + "}".repeat(5000)));
    bodies.put("deeply nested form", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\",\"form\":"
        + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001)));
    bodies.put("huge number", Buffer.buffer("{\"itemCode\":" + "9".repeat(5000) + "}"));
    bodies.put("huge number in the form", Buffer.buffer(
        "{\"itemCode\":\"MZ-HY-001\",\"form\":{\"guests\":" + "9".repeat(900) + "}}"));
    bodies.put("huge exponent", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\",\"form\":{\"guests\":1e999999999}}"));
    bodies.put("NUL in the item code", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\\u0000\"}"));
    bodies.put("NUL in a form value", Buffer.buffer(
        "{\"itemCode\":\"MZ-HY-001\",\"form\":{\"partnerName\":\"李\\u0000娜\"}}"));
    bodies.put("NUL in a form key", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\",\"form\":{\"a\\u0000b\":\"x\"}}"));
    bodies.put("raw NUL byte", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\u0000\"}"));
    bodies.put("lone surrogate", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\",\"form\":{\"partnerName\":\"\\ud800\"}}"));
    bodies.put("invalid UTF-8", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\",\"form\":{\"partnerName\":\"")
        .appendBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE}).appendString("\"}}"));
    bodies.put("empty", Buffer.buffer());
    bodies.put("whitespace", Buffer.buffer("   \n"));
    bodies.put("null", Buffer.buffer("null"));
    bodies.put("a string", Buffer.buffer("\"MZ-HY-001\""));
    bodies.put("a number", Buffer.buffer("42"));
    bodies.put("trailing garbage", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\"} trailing"));
    bodies.put("duplicate keys", Buffer.buffer("{\"itemCode\":\"MZ-HY-001\",\"itemCode\":5}"));
    bodies.put("BOM", Buffer.buffer(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})
        .appendString("{\"itemCode\":\"NO-SUCH-ITEM\"}"));
    bodies.forEach((what, body) -> {
      Api.Response r = api.post("/applications").token(citizen).idempotencyKey(key())
          .header("Content-Type", "application/json").raw(body);
      assertTrue(r.status() >= 400 && r.status() < 500, () -> what + " answered " + r.status() + ": " + r.body());
    });
    // the same bodies on an operation whose body is optional, and on the form of the draft
    bodies.forEach((what, body) -> {
      Api.Response r = api.put("/applications/" + draftId + "/form").token(citizen)
          .header("Content-Type", "application/json").raw(body);
      assertTrue(r.status() >= 400 && r.status() < 500, () -> "form: " + what + " answered " + r.status() + ": " + r.body());
    });
    String nobody = UUID.randomUUID().toString();
    bodies.forEach((what, body) -> {
      Api.Response r = api.post("/applications/" + nobody + "/withdraw").token(citizen)
          .header("Content-Type", "application/json").raw(body);
      assertTrue(r.status() >= 400 && r.status() < 500, () -> "withdraw: " + what + " answered " + r.status() + ": " + r.body());
    });
    // odd text in places the contract leaves open
    for (String path : List.of("/items?q=%00", "/items?q=%25%00%5C", "/items?q=%FF%FE", "/items?q=" + "%E7%BB%93".repeat(30),
        "/items/MZ-HY-001%00", "/items?cursor=AA", "/items?cursor=" + Cursors.encode("MZ\u0000"),
        "/calendar/deadline?start=2026-02-30&workingDays=5", "/calendar/deadline?start=2026-02-13&workingDays=-1",
        "/calendar/deadline?start=9999999-01-01&workingDays=5", "/calendar/deadline?start=2100-12-31&workingDays=365",
        "/applications?state=%00", "/applications?cursor=" + Cursors.encode("\u0000|\u0000"),
        "/applications/00000000-0000-0000-0000-000000000000%00")) {
      Api.Response r = api.get(path).token(citizen).send();
      assertTrue(r.status() < 500, () -> path + " answered " + r.status() + ": " + r.body());
    }
    assertEquals(before, server.snapshot());
  }

  @Test
  void textTheDatabaseCannotStoreIsRefusedWithItsPointer() {
    String id = api.post("/applications").token(citizen).idempotencyKey(key())
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
    Map<String, Long> before = server.snapshot();
    // withdrawing a draft would succeed and keep the note in the timeline
    Api.Response r = api.post("/applications/" + id + "/withdraw").token(citizen)
        .json("{\"note\":\"a\\u0000b\"}").expect(400);
    assertEquals(List.of("/note"), r.pointers());
    r = api.put("/applications/" + id + "/form").token(citizen)
        .json("{\"form\":{\"partnerName\":\"李\\u0000娜\"}}").expect(400);
    assertEquals(List.of("/form/partnerName"), r.pointers());
    // a lone surrogate is no character: it must not be stored as "?"
    r = api.put("/applications/" + id + "/form").token(citizen)
        .json("{\"form\":{\"partnerName\":\"李\\ud800\"}}").expect(400);
    assertEquals(List.of("/form/partnerName"), r.pointers());
    r = api.get("/items?q=%00").send().expect(400);
    assertEquals(List.of("/query/q"), r.pointers());
    assertEquals(before, server.snapshot());
    // a pair of surrogates is one character, and welcome
    assertEquals("李\uD83D\uDE00", api.put("/applications/" + id + "/form").token(citizen)
        .json("{\"form\":{\"partnerName\":\"李\\ud83d\\ude00\"}}").expect(200).json()
        .getJsonObject("form").getString("partnerName"));
    assertEquals("draft", api.get("/applications/" + id).token(citizen).send().expect(200).json().getString("state"));
  }

  // ---- raw HTTP, for what the web client will not send ---------------------------------------

  /** A response read off the wire, checked for the problem format by hand. */
  record RawResponse(int status, MultiMap headers, Buffer body) {
    RawResponse expectProblem(int expected) {
      assertEquals(expected, status, () -> "Unexpected status; body: " + body);
      String type = headers.get("Content-Type");
      assertTrue(type != null && type.startsWith("application/problem+json"), () -> "problem+json expected, got " + type);
      JsonObject p = body.toJsonObject();
      assertEquals(expected, p.getInteger("status"));
      assertTrue(p.getString("type") != null && p.getString("title") != null);
      return this;
    }
  }

  static RawResponse unchangedRaw(Supplier<RawResponse> request) {
    Map<String, Long> before = server.snapshot();
    RawResponse r = request.get();
    assertEquals(before, server.snapshot(), "a refused request must change nothing");
    return r;
  }

  static RawResponse raw(HttpMethod method, String path, Map<String, String> headers, Buffer body, boolean chunked) {
    return rawTo(server, method, path, headers, body, chunked);
  }

  /** Sends {@code body} in 16 KiB writes, either chunked or with its Content-Length. */
  static RawResponse rawTo(TestServer target, HttpMethod method, String path, Map<String, String> headers,
                           Buffer body, boolean chunked) {
    HttpClient client = target.app.vertx().createHttpClient();
    try {
      return client.request(new RequestOptions().setMethod(method).setHost("localhost")
              .setPort(target.api.port()).setURI(path))
          .compose(req -> {
            headers.forEach(req::putHeader);
            if (chunked) {
              req.setChunked(true);
            } else {
              req.putHeader("Content-Length", String.valueOf(body.length()));
            }
            writeInPieces(req, body);
            return req.response();
          })
          .compose(resp -> resp.body().map(b -> new RawResponse(resp.statusCode(), resp.headers(), b)))
          .await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    } finally {
      client.close();
    }
  }

  private static void writeInPieces(HttpClientRequest req, Buffer body) {
    int piece = 16 * 1024;
    for (int i = 0; i < body.length(); i += piece) {
      req.write(body.getBuffer(i, Math.min(body.length(), i + piece)));
    }
    req.end();
  }

}
