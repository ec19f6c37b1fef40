package zhangban.push;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Firebase Admin SDK's HTTP transport, on the JDK's HTTP client (connection reuse, HTTP/2 to
 * FCM). Requests for {@code https://fcm.googleapis.com} go to {@code baseUrl} when one is set, so
 * that operators can point the real SDK at a stub FCM for load tests, and tests at a fake one.
 *
 * <p>The SDK retries a 503 by itself, up to four times and up to a minute apart, which could outlast
 * the worker's lease and let another process send the same job. So a 503 reaches the SDK with a
 * Retry-After it will not wait for (it gives up at once), and the worker, which keeps the
 * original value under {@value #ORIGINAL_RETRY_AFTER}, is the one place that decides retries.
 */
public final class FcmTransport extends HttpTransport {
  static final String FCM = "https://fcm.googleapis.com";
  static final String ORIGINAL_RETRY_AFTER = "x-zhangban-original-retry-after";
  private static final String NO_SDK_RETRY = "86400";
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final HttpClient client;
  private final String baseUrl;

  public FcmTransport(String baseUrl, Duration connectTimeout) {
    this.baseUrl = baseUrl == null || baseUrl.isBlank() ? FCM : baseUrl.replaceAll("/+$", "");
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
    if (!this.baseUrl.startsWith("https:")) {
      b.version(HttpClient.Version.HTTP_1_1);
    }
    this.client = b.build();
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) {
    String target = url.startsWith(FCM) ? baseUrl + url.substring(FCM.length()) : url;
    return new Request(method, target);
  }

  private final class Request extends LowLevelHttpRequest {
    private final String method;
    private final String url;
    private final List<String[]> headers = new ArrayList<>();
    private Duration readTimeout = Duration.ofSeconds(20);

    Request(String method, String url) {
      this.method = method;
      this.url = url;
    }

    @Override
    public void addHeader(String name, String value) {
      headers.add(new String[] {name, value});
    }

    @Override
    public void setTimeout(int connectTimeout, int readTimeoutMillis) {
      if (readTimeoutMillis > 0) {
        readTimeout = Duration.ofMillis(readTimeoutMillis);
      }
    }

    @Override
    public LowLevelHttpResponse execute() throws IOException {
      HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
      if (getStreamingContent() != null) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        getStreamingContent().writeTo(out);
        body = HttpRequest.BodyPublishers.ofByteArray(out.toByteArray());
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(readTimeout).method(method, body);
      for (String[] h : headers) {
        if (!RESTRICTED.contains(h[0].toLowerCase())) {
          b.header(h[0], h[1]);
        }
      }
      if (getContentType() != null) {
        b.setHeader("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        b.setHeader("Content-Encoding", getContentEncoding());
      }
      try {
        return new Response(client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted", e);
      }
    }
  }

  private static final class Response extends LowLevelHttpResponse {
    private final HttpResponse<InputStream> response;
    private final List<String[]> headers = new ArrayList<>();

    Response(HttpResponse<InputStream> response) {
      this.response = response;
      boolean unavailable = response.statusCode() == 503;
      for (Map.Entry<String, List<String>> e : response.headers().map().entrySet()) {
        boolean retryAfter = e.getKey().equalsIgnoreCase("retry-after");
        for (String v : e.getValue()) {
          headers.add(new String[] {unavailable && retryAfter ? ORIGINAL_RETRY_AFTER : e.getKey(), v});
        }
      }
      if (unavailable) {
        headers.add(new String[] {"retry-after", NO_SDK_RETRY});
      }
    }

    @Override public InputStream getContent() { return response.body(); }
    @Override public String getContentEncoding() { return response.headers().firstValue("content-encoding").orElse(null); }
    @Override public long getContentLength() { return response.headers().firstValueAsLong("content-length").orElse(-1); }
    @Override public String getContentType() { return response.headers().firstValue("content-type").orElse(null); }
    @Override public String getStatusLine() { return "HTTP/1.1 " + response.statusCode(); }
    @Override public int getStatusCode() { return response.statusCode(); }
    @Override public String getReasonPhrase() { return ""; }
    @Override public int getHeaderCount() { return headers.size(); }
    @Override public String getHeaderName(int i) { return headers.get(i)[0]; }
    @Override public String getHeaderValue(int i) { return headers.get(i)[1]; }

    @Override
    public void disconnect() throws IOException {
      response.body().close();
    }
  }
}
