package zhangban.push;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.client.json.JsonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Firebase Admin SDK's HTTP transport, on HttpURLConnection like the SDK's default one (kept
 * alive and reused; cheapest per request of the JDK's clients, measured). Requests for {@code https://fcm.googleapis.com} go to {@code baseUrl} when one is set, so
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

  private final String baseUrl;
  private final int connectTimeoutMillis;
  private final FcmJsonFactory json = new FcmJsonFactory();

  static {
    noSilentPostRetry();
  }

  /**
   * The JDK's HttpURLConnection may send a POST a second time, unasked, when a kept-alive
   * connection fails before the answer. This transport streams with a fixed length, which already
   * rules that out; the property makes sure of it for every POST of the process. The worker retries
   * by itself, under the job's lease. The property is read once, when the JDK's HTTP client is
   * first loaded: call this at start-up, before any HTTP connection is made.
   */
  public static void noSilentPostRetry() {
    if (System.getProperty("sun.net.http.retryPost") == null) {
      System.setProperty("sun.net.http.retryPost", "false");
    }
  }

  /**
   * HttpURLConnection keeps only {@code http.maxConnections} idle connections per host (5 unless
   * set); with more sends in flight the rest would reconnect for every request. Raise it, unless
   * the operator set it, before the first connection is made.
   */
  public static void keepAlive(int connections) {
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", String.valueOf(connections));
    }
  }

  public FcmTransport(String baseUrl, Duration connectTimeout) {
    this.baseUrl = baseUrl == null || baseUrl.isBlank() ? FCM : baseUrl.replaceAll("/+$", "");
    this.connectTimeoutMillis = (int) connectTimeout.toMillis();
  }

  /**
   * The SDK's JSON factory to go with this transport (set both in the same FirebaseOptions): the
   * body the SDK serialises to count its length is the one this transport sends, not serialised
   * a second time.
   */
  public JsonFactory jsonFactory() {
    return json;
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) {
    String target = url.startsWith(FCM) ? baseUrl + url.substring(FCM.length()) : url;
    Request request = new Request(method, target);
    // the SDK counts this request's body next, on this thread
    json.keepNextBody(request.counted);
    return request;
  }

  private final class Request extends LowLevelHttpRequest {
    private final String method;
    private final String url;
    private final List<String[]> headers = new ArrayList<>();
    private Duration readTimeout = Duration.ofSeconds(20);
    private byte[] countedBody;
    final java.util.function.Consumer<byte[]> counted = body -> countedBody = body;

    Request(String method, String url) {
      this.method = method;
      this.url = url;
    }

    /**
     * The bytes to send: those the SDK counted when they are this request's JSON body and of the
     * length it counted (a retry of the same request counts nothing and serialises again).
     */
    private byte[] body() throws IOException {
      json.forget(counted);
      if (countedBody != null && countedBody.length == getContentLength()
          && getStreamingContent() instanceof JsonHttpContent content && content.getJsonFactory() == json) {
        return countedBody;
      }
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      getStreamingContent().writeTo(buffer);
      return buffer.toByteArray();
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
      HttpURLConnection conn = (HttpURLConnection) new URL(url).openConnection();
      conn.setRequestMethod(method);
      conn.setConnectTimeout(connectTimeoutMillis);
      conn.setReadTimeout((int) readTimeout.toMillis());
      conn.setInstanceFollowRedirects(false);
      for (String[] h : headers) {
        if (!RESTRICTED.contains(h[0].toLowerCase())) {
          conn.addRequestProperty(h[0], h[1]);
        }
      }
      if (getContentType() != null) {
        conn.setRequestProperty("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        conn.setRequestProperty("Content-Encoding", getContentEncoding());
      }
      if (getStreamingContent() == null) {
        json.forget(counted);
      } else {
        byte[] body = body();
        conn.setDoOutput(true);
        conn.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = conn.getOutputStream()) {
          out.write(body);
        }
      }
      return new Response(conn);
    }
  }

  private static final class Response extends LowLevelHttpResponse {
    private final HttpURLConnection conn;
    private final int status;
    private final List<String[]> headers = new ArrayList<>();

    Response(HttpURLConnection conn) throws IOException {
      this.conn = conn;
      this.status = conn.getResponseCode();
      boolean unavailable = status == 503;
      for (Map.Entry<String, List<String>> e : conn.getHeaderFields().entrySet()) {
        if (e.getKey() == null) {
          continue; // the status line
        }
        boolean retryAfter = e.getKey().equalsIgnoreCase("retry-after");
        for (String v : e.getValue()) {
          headers.add(new String[] {unavailable && retryAfter ? ORIGINAL_RETRY_AFTER : e.getKey(), v});
        }
      }
      if (unavailable) {
        headers.add(new String[] {"retry-after", NO_SDK_RETRY});
      }
    }

    @Override
    public InputStream getContent() throws IOException {
      InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
      return in == null ? InputStream.nullInputStream() : in;
    }

    @Override public String getContentEncoding() { return conn.getContentEncoding(); }
    @Override public long getContentLength() { return conn.getContentLengthLong(); }
    @Override public String getContentType() { return conn.getContentType(); }
    @Override public String getStatusLine() { return conn.getHeaderField(0); }
    @Override public int getStatusCode() { return status; }
    @Override public String getReasonPhrase() throws IOException { return conn.getResponseMessage(); }
    @Override public int getHeaderCount() { return headers.size(); }
    @Override public String getHeaderName(int i) { return headers.get(i)[0]; }
    @Override public String getHeaderValue(int i) { return headers.get(i)[1]; }

    @Override
    public void disconnect() {
      // keep the connection for reuse: the SDK reads the body to the end, which returns it to the pool
    }
  }
}
