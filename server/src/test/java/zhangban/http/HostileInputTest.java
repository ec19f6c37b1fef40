package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.Poll;
import zhangban.support.TestServer;

/**
 * What an attacker sends without caring for the protocol: bodies that end early or stall, headers
 * that never finish, bytes that are not UTF-8, forged cursors and numbers, requests the HTTP layer
 * cannot parse. Each is answered with problem+json (or the connection closed, where nothing can be
 * answered), changes nothing and leaves no file behind.
 */
class HostileInputTest {
  static TestServer server;
  static Api api;
  static String citizen;
  static String manager;
  static String draftId;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("HTTP_HEADER_TIMEOUT_SECONDS", "2", "HTTP_IDLE_TIMEOUT_SECONDS", "3"));
    api = server.api;
    citizen = server.token("citizen-zhang");
    manager = server.token("manager-sun");
    draftId = api.post("/applications").token(citizen).idempotencyKey("hostile-draft-1")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- uploads: nothing is spooled before the caller is known, nothing is left after ----------

  static byte[] truncatedMultipart(int fileBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF")
        .getBytes(StandardCharsets.US_ASCII));
    out.writeBytes("0".repeat(fileBytes).getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray(); // no closing boundary
  }

  static String uploadHead(String application, String token, int length) {
    return "PUT /applications/" + application + "/materials/id_card HTTP/1.1\r\nHost: localhost\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
        + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + length + "\r\n\r\n";
  }

  @Test
  void aTruncatedUploadIsAnsweredAndLeavesNoFile() throws IOException {
    Map<String, Long> before = server.snapshot();
    byte[] body = truncatedMultipart(2 * 1024 * 1024);
    // without a token: refused before any byte of the body is read
    Raw r = exchange(uploadHead("00000000-0000-0000-0000-000000000001", null, body.length), body);
    r.expectProblem(401);
    // with the applicant's token: the body ends before its file part does
    r = exchange(uploadHead(draftId, citizen, body.length), body);
    r.expectProblem(400);
    assertTrue(r.body.contains("/body/file"), r.body);
    assertEquals(before, server.snapshot());
    Poll.until("the spool files are removed", () -> spooled().isEmpty());
    // someone else's application: refused before the body, nothing spooled
    r = exchange(uploadHead(draftId, server.token("citizen-li"), body.length), body);
    r.expectProblem(404);
    assertEquals(List.of(), spooled());
  }

  @Test
  void anUploadCutOffOrStalledLeavesNoFile() throws Exception {
    byte[] body = truncatedMultipart(1024 * 1024);
    // the client goes away half way through
    try (Socket s = socket()) {
      sendHalfAnUpload(s, body);
    }
    Poll.until("the cut-off upload's spool file is removed", () -> spooled().isEmpty());
    // the client stalls half way through: the idle timeout (3 s here) closes the connection
    try (Socket s = socket()) {
      sendHalfAnUpload(s, body);
      s.setSoTimeout(15_000);
      long start = System.nanoTime();
      assertEquals(-1, drain(s.getInputStream()), "the server closes the stalled connection");
      assertTrue(System.nanoTime() - start < 12_000_000_000L);
    }
    Poll.until("the stalled upload's spool file is removed", () -> spooled().isEmpty());
  }

  @Test
  void theStartUpSweepRemovesWhatAKilledProcessLeftAndNothingBeingWritten() throws IOException {
    Path dir = Files.createTempDirectory("zb-sweep");
    Path left = Files.writeString(dir.resolve("upload-left"), "half a file");
    Files.setLastModifiedTime(left, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
    Path live = Files.writeString(dir.resolve("upload-live"), "being written");
    FileUploads.sweep(dir, java.time.Duration.ofMinutes(10));
    assertEquals(false, Files.exists(left));
    assertEquals(true, Files.exists(live), "a sibling's upload in progress is left alone");
  }

  /** The head of an upload of more than {@code body}, then half of it, until it is being spooled. */
  static void sendHalfAnUpload(Socket s, byte[] body) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(uploadHead(draftId, citizen, body.length + 1000).getBytes(StandardCharsets.US_ASCII));
    out.write(body, 0, body.length / 2);
    out.flush();
    Poll.until("the upload is being spooled", () -> !spooled().isEmpty());
  }

  @Test
  void headersThatNeverFinishAreCutOff() throws Exception {
    try (Socket s = socket()) {
      long start = System.nanoTime();
      s.getOutputStream().write("GET /items HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(trickledUntilClosed(s, 20), "a connection trickling its headers for 10 s is closed");
      assertTrue(System.nanoTime() - start < 10_500_000_000L);
    }
    // a request sent at once is served as always
    api.get("/items").token(citizen).send().expect(200);
  }

  @Test
  void theNextRequestOnAKeptAliveConnectionHasADeadlineToo() throws Exception {
    try (Socket s = socket()) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertTrue(s.getInputStream().read(new byte[4096]) > 0, "the first request is answered");
      long start = System.nanoTime();
      out.write("GET /items HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(trickledUntilClosed(s, 24), "trickling the next request's headers for 12 s is cut off "
          + "(deadline 2 s, at most twice)");
      assertTrue(System.nanoTime() - start < 12_500_000_000L);
    }
  }

  /**
   * Sends a byte every half second, {@code bytes} times at most (which keeps the idle timeout from
   * firing); answers whether the server closed the connection meanwhile.
   */
  static boolean trickledUntilClosed(Socket s, int bytes) throws InterruptedException, IOException {
    OutputStream out = s.getOutputStream();
    for (int i = 0; i < bytes; i++) {
      try {
        out.write('X');
        out.flush();
      } catch (IOException e) {
        return true;
      }
      Thread.sleep(500);
    }
    s.setSoTimeout(100);
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  // ---- validation stays linear and bounded --------------------------------------------------

  @Test
  void hundredsOfUnknownPropertiesGetABoundedErrorList() {
    JsonObject body = new JsonObject().put("itemCode", "MZ-HY-001");
    for (int i = 0; i < 900; i++) {
      body.put("k" + i, 0);
    }
    Map<String, Long> before = server.snapshot();
    Api.Response r = api.post("/applications").token(citizen).idempotencyKey("hostile-keys-1").json(body).expect(400);
    assertEquals(Problems.MAX_FIELD_ERRORS, r.json().getJsonArray("errors").size());
    assertEquals(900 - Problems.MAX_FIELD_ERRORS, r.json().getInteger("omittedErrors"));
    assertTrue(r.body().length() < 20_000, "the reply is small: " + r.body().length() + " bytes");
    assertEquals(before, server.snapshot());
  }

  @Test
  void anObjectOfThousandsOfMembersIsRefusedBeforeValidation() {
    JsonObject form = new JsonObject();
    for (int i = 0; i < 20_000; i++) {
      form.put("k" + i, 0);
    }
    Map<String, Long> before = server.snapshot();
    // at the top, and nested where the contract leaves the object open (the form)
    for (JsonObject body : List.of(form.copy().put("itemCode", "MZ-HY-001"),
        new JsonObject().put("itemCode", "MZ-HY-001").put("form", form))) {
      Api.Response r = api.post("/applications").token(citizen).idempotencyKey("hostile-keys-" + UUID.randomUUID())
          .json(body).expect(400);
      assertEquals(1, r.json().getJsonArray("errors").size());
      assertEquals(body.containsKey("form") ? "/form" : "/", r.pointers().get(0));
      assertTrue(r.json().getString("detail").contains("at most " + JsonShape.MAX_OBJECT_MEMBERS + " members"));
    }
    assertEquals(before, server.snapshot());
  }

  // ---- bytes that are not UTF-8 ---------------------------------------------------------------

  @Test
  void textThatIsNotValidUtf8IsRefusedWithItsPointer() throws IOException {
    String id = api.post("/applications").token(citizen).idempotencyKey("hostile-utf8-draft")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json().getString("id");
    Map<String, Long> before = server.snapshot();
    // an overlong NUL (C0 80) in a note: PostgreSQL would refuse it with a 500
    Raw r = post("/applications/" + id + "/submit", citizen, bytes("{\"note\":\"a", 0xC0, 0x80, "b\"}"), "k-hostile-1");
    r.expectProblem(400);
    assertTrue(r.body.contains("\"pointer\":\"/note\""), r.body);
    // an encoded surrogate (ED A0 80) and a stray FF: stored as "?" before
    r = post("/applications/" + id + "/withdraw", citizen, bytes("{\"note\":\"a", 0xED, 0xA0, 0x80, "b\"}"), "k-hostile-2");
    r.expectProblem(400);
    assertTrue(r.body.contains("\"pointer\":\"/note\""), r.body);
    r = put("/applications/" + id + "/form", citizen, bytes("{\"form\":{\"partnerName\":\"李", 0xFF, "\"}}"));
    r.expectProblem(400);
    assertTrue(r.body.contains("\"pointer\":\"/form/partnerName\""), r.body);
    String admin = server.token("admin-zhou");
    r = post("/departments", admin, bytes("{\"code\":\"HOSTILE\",\"name\":\"a", 0xED, 0xA0, 0x80, "b\"}"), null);
    r.expectProblem(400);
    assertTrue(r.body.contains("\"pointer\":\"/name\""), r.body);
    // and in the query string
    Api.Response q = api.get("/applications?state=%FF").token(citizen).send().expect(400);
    assertEquals(List.of("/query/state"), q.pointers());
    q = api.get("/items?q=%C0%80").send().expect(400);
    assertEquals(List.of("/query/q"), q.pointers());
    assertEquals(before, server.snapshot());
    assertEquals("draft", api.get("/applications/" + id).token(citizen).send().expect(200).json().getString("state"));
    // valid UTF-8 beyond ASCII goes through as always
    assertEquals("李娜", api.put("/applications/" + id + "/form").token(citizen)
        .json(new JsonObject().put("form", new JsonObject().put("partnerName", "李娜"))).expect(200).json()
        .getJsonObject("form").getString("partnerName"));
  }

  // ---- forged cursors and numbers ------------------------------------------------------------

  @Test
  void aCursorBeyondTheRangeOfTimeIsABadRequest() {
    for (String key : List.of("+294277-01-01T00:00:00Z|" + UUID.randomUUID(), "-4714-01-01T00:00:00Z|" + UUID.randomUUID(),
        "1900-01-01T00:00:00Z|" + UUID.randomUUID(), "2026-11-25T02:00:00Z|1-1-1-1-1", "2026-11-25T02:00:00Z")) {
      String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
      api.get("/applications?cursor=" + cursor).token(citizen).send().expect(400);
      api.get("/me/notifications?cursor=" + cursor).token(citizen).send().expect(400);
      api.get("/rectification-cases?cursor=" + cursor).token(manager).send().expect(400);
    }
    // one the server issued still pages
    String real = Cursors.encode("2026-11-25T02:00:00Z|" + UUID.randomUUID());
    api.get("/applications?cursor=" + real).token(citizen).send().expect(200);
  }

  @Test
  void aLimitThatIsNotAWholeNumberInDigitsIsABadRequest() {
    for (String limit : List.of("1e2", "1.0", "%205", "5%20", "0x10", "+5", "１０")) {
      for (String path : List.of("/applications", "/me/notifications")) {
        Api.Response r = api.get(path + "?limit=" + limit).token(citizen).send().expect(400);
        assertEquals(List.of("/query/limit"), r.pointers(), path + "?limit=" + limit);
      }
      Api.Response r = api.get("/rectification-cases?limit=" + limit).token(manager).send().expect(400);
      assertEquals(List.of("/query/limit"), r.pointers());
    }
    api.get("/applications?limit=5").token(citizen).send().expect(200);
  }

  // ---- what the HTTP layer refuses is problem+json too ---------------------------------------

  @Test
  void requestsTheHttpLayerCannotParseAreAnsweredAsProblems() throws IOException {
    String longUri = "GET /items?q=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    exchange(longUri, new byte[0]).expectProblem(414);
    String bigToken = "GET /me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + "a".repeat(17_000) + "\r\n\r\n";
    exchange(bigToken, new byte[0]).expectProblem(431);
    // 64 KB and more of headers: an answer, not a reset connection
    String huge = "GET /items HTTP/1.1\r\nHost: localhost\r\nX-Filler: " + "a".repeat(70_000) + "\r\n\r\n";
    exchange(huge, new byte[0]).expectProblem(431);
    for (String head : List.of(
        "POST /applications HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n",
        "POST /applications HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n",
        "GET /items HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\n\r\n",
        "GET /items HTTP/1.1\r\nHost: localhost\r\nX-A: a\u0000b\r\n\r\n")) {
      exchange(head, new byte[0]).expectProblem(400);
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------

  static List<String> spooled() {
    try (Stream<Path> files = Files.list(server.config.uploadsDir())) {
      return files.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof Integer b) {
        out.write(b);
      } else {
        out.writeBytes(p.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  static Raw post(String path, String token, byte[] json, String key) throws IOException {
    return exchange("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n"
        + (key == null ? "" : "Idempotency-Key: " + key + "\r\n")
        + "Content-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n", json);
  }

  static Raw put(String path, String token, byte[] json) throws IOException {
    return exchange("PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n", json);
  }

  static Socket socket() throws IOException {
    return new Socket("127.0.0.1", server.api.port());
  }

  /** An answer read off the wire: the status line's code, the headers, the body as text. */
  record Raw(int status, String head, String body) {
    void expectProblem(int expected) {
      assertEquals(expected, status, () -> head + "\n\n" + body);
      assertTrue(head.toLowerCase().contains("content-type: application/problem+json"), head);
      JsonObject p = new JsonObject(body);
      assertEquals(expected, p.getInteger("status"));
      assertTrue(p.getString("type").startsWith("https://zhangban.gov.cn/problems/"), body);
    }
  }

  /** Sends the head and body as they are (no Connection: close asked), reads one answer. */
  static Raw exchange(String head, byte[] body) throws IOException {
    try (Socket s = socket()) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // refused before the body was taken: the answer is there to read
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (true) {
        int end = headEnd(got.toByteArray());
        if (end >= 0) {
          String headText = new String(got.toByteArray(), 0, end, StandardCharsets.ISO_8859_1);
          int length = contentLength(headText);
          while (got.size() < end + 4 + length) {
            int n = in.read(buf);
            if (n < 0) {
              break;
            }
            got.write(buf, 0, n);
          }
          String bodyText = new String(got.toByteArray(), end + 4, got.size() - end - 4, StandardCharsets.UTF_8);
          int status = Integer.parseInt(headText.split(" ", 3)[1]);
          if (status == 100) {
            got = new ByteArrayOutputStream();
            got.writeBytes(bodyText.getBytes(StandardCharsets.UTF_8));
            continue;
          }
          return new Raw(status, headText, bodyText);
        }
        int n = in.read(buf);
        if (n < 0) {
          throw new IOException("closed without an answer; got: " + got);
        }
        got.write(buf, 0, n);
      }
    }
  }

  private static int drain(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    int n;
    try {
      while ((n = in.read(buf)) >= 0) {
        // what the server says before closing does not matter here
      }
    } catch (java.net.SocketException e) {
      return -1; // reset: closed as well
    }
    return n;
  }

  private static int headEnd(byte[] b) {
    for (int i = 0; i + 3 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }
}
