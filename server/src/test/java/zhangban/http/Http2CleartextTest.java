package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.api.Contract;
import zhangban.support.TestServer;

/**
 * Java's HttpClient (what the generated {@code native} clients use) asks to upgrade to HTTP/2 over
 * cleartext on its first request. The server speaks HTTP/1.1 only (TLS and HTTP/2 end at the
 * ingress), so the client stays on HTTP/1.1 and every answer, large or small, arrives whole, also
 * with many requests at once on the client's connections.
 */
class Http2CleartextTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aClientAskingForH2cIsAnsweredInHttp11AndEveryBodyArrivesWhole() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    URI contract = URI.create("http://localhost:" + server.api.port() + "/openapi.yaml");
    URI missing = URI.create("http://localhost:" + server.api.port() + "/no-such-path");
    String expected = Contract.text();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      answers.add(client.sendAsync(HttpRequest.newBuilder(i % 4 == 3 ? missing : contract).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    }
    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<String> r = answers.get(i).get();
      assertEquals(HttpClient.Version.HTTP_1_1, r.version(), "request " + i);
      if (i % 4 == 3) {
        assertEquals(404, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
      } else {
        assertEquals(200, r.statusCode());
        assertEquals(expected, r.body(), "request " + i + ": the whole contract");
      }
    }
  }
}
