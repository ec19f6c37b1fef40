package zhangban.push;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.client.json.JsonFactory;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The Firebase Admin SDK's HTTP transport, on a Vert.x HTTP client with its own event loop: the
 * SDK's send threads hand each request to it and wait for the whole answer. Per request it costs
 * less CPU than the JDK's HttpURLConnection did (docs/benchmarks/push-drain.md has the numbers).
 * Connections are kept alive, as many as there are send threads. Requests for
 * {@code https://fcm.googleapis.com} go to {@code baseUrl} when one is set, so that operators can
 * point the real SDK at a stub FCM for load tests, and tests at a fake one. An HTTPS proxy set with
 * the JVM's {@code https.proxyHost} and {@code https.proxyPort} is used as the JDK's client would.
 *
 * <p>The SDK retries a 503 by itself, up to four times and up to a minute apart, which could outlast
 * the worker's lease and let another process send the same job. So a 503 reaches the SDK with a
 * Retry-After it will not wait for (it gives up at once), and the worker, which keeps the
 * original value under {@value #ORIGINAL_RETRY_AFTER}, is the one place that decides retries.
 * This client never sends a request twice by itself either.
 */
public final class FcmTransport extends HttpTransport {
  static final String FCM = "https://fcm.googleapis.com";
  static final String ORIGINAL_RETRY_AFTER = "x-zhangban-original-retry-after";
  private static final String NO_SDK_RETRY = "86400";
  private static final long GUARD_MILLIS = 10_000;
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final String baseUrl;
  private final int connectTimeoutMillis;
  private final FcmJsonFactory json = new FcmJsonFactory();
  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Context context;

  /**
   * The JDK's HttpURLConnection may send a POST a second time, unasked, when a kept-alive
   * connection fails before the answer. FCM sends no longer go through it, but other POSTs of the
   * process may (the credentials fetching access tokens); the property rules that out for all of
   * them. It is read once, when the JDK's HTTP client is first loaded: call this at start-up,
   * before any HTTP connection is made.
   */
  public static void noSilentPostRetry() {
    if (System.getProperty("sun.net.http.retryPost") == null) {
      System.setProperty("sun.net.http.retryPost", "false");
    }
  }

  /** {@code connections}: kept-alive connections to FCM, one per SDK send thread. */
  public FcmTransport(String baseUrl, Duration connectTimeout, int connections) {
    this.baseUrl = baseUrl == null || baseUrl.isBlank() ? FCM : baseUrl.replaceAll("/+$", "");
    this.connectTimeoutMillis = (int) connectTimeout.toMillis();
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    HttpClientOptions options = new HttpClientOptions().setConnectTimeout(connectTimeoutMillis);
    String proxyHost = System.getProperty("https.proxyHost");
    if (proxyHost != null && !proxyHost.isBlank()) {
      options.setProxyOptions(new ProxyOptions().setType(ProxyType.HTTP).setHost(proxyHost)
          .setPort(Integer.parseInt(System.getProperty("https.proxyPort", "443"))));
    }
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections));
    this.context = vertx.getOrCreateContext();
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
    private long readTimeoutMillis = 20_000;
    private byte[] countedBody;
    final Consumer<byte[]> counted = body -> countedBody = body;

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
        this.readTimeoutMillis = readTimeoutMillis;
      }
    }

    /**
     * Waits for the whole answer. A silent peer fails the request after the read timeout (the
     * client's idle timeout); no timeout is set on obtaining a pooled connection, because in Vert.x
     * 5.0.7 that timer can fire after the connection was handed over ("Promise already completed"),
     * and with it a drain under load once left a round of sends unanswered. With one connection per
     * send thread a request never waits long for one.
     */
    @Override
    public LowLevelHttpResponse execute() throws IOException {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setAbsoluteURI(url)
          .setIdleTimeout(readTimeoutMillis).setFollowRedirects(false);
      for (String[] h : headers) {
        if (!RESTRICTED.contains(h[0].toLowerCase())) {
          options.addHeader(h[0], h[1]);
        }
      }
      if (getContentType() != null) {
        options.putHeader("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        options.putHeader("Content-Encoding", getContentEncoding());
      }
      Buffer body;
      if (getStreamingContent() == null) {
        json.forget(counted);
        body = null;
      } else {
        body = Buffer.buffer(body());
      }
      // started on the event loop, so that the body handler is set before the answer can arrive
      Promise<Response> answered = Promise.promise();
      context.runOnContext(v -> client.request(options)
          .compose(req -> body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> new Response(resp, b.getBytes())))
          .onComplete(answered));
      try {
        // the client's timeouts end a silent request first; this only guards against one never completed
        return answered.future().toCompletionStage().toCompletableFuture()
            .get(connectTimeoutMillis + readTimeoutMillis + GUARD_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while sending to " + url);
      } catch (TimeoutException e) {
        throw new SocketTimeoutException("no answer from " + url);
      } catch (ExecutionException e) {
        // to the SDK every failure to get an answer is an I/O error, which the worker retries
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof TimeoutException) {
          SocketTimeoutException timeout = new SocketTimeoutException(cause.getMessage());
          timeout.initCause(cause);
          throw timeout;
        }
        throw new IOException(String.valueOf(cause), cause);
      }
    }
  }

  private static final class Response extends LowLevelHttpResponse {
    private final int status;
    private final String reason;
    private final String version;
    private final byte[] body;
    private final List<String[]> headers = new ArrayList<>();
    private final String contentType;
    private final String contentEncoding;

    Response(HttpClientResponse resp, byte[] body) {
      this.status = resp.statusCode();
      this.reason = resp.statusMessage();
      this.version = resp.version() == HttpVersion.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1";
      this.body = body;
      this.contentType = resp.getHeader("Content-Type");
      this.contentEncoding = resp.getHeader("Content-Encoding");
      boolean unavailable = status == 503;
      for (Map.Entry<String, String> e : resp.headers()) {
        boolean retryAfter = e.getKey().equalsIgnoreCase("retry-after");
        headers.add(new String[] {unavailable && retryAfter ? ORIGINAL_RETRY_AFTER : e.getKey(), e.getValue()});
      }
      if (unavailable) {
        headers.add(new String[] {"retry-after", NO_SDK_RETRY});
      }
    }

    @Override public InputStream getContent() { return new ByteArrayInputStream(body); }
    @Override public String getContentEncoding() { return contentEncoding; }
    @Override public long getContentLength() { return body.length; }
    @Override public String getContentType() { return contentType; }
    @Override public String getStatusLine() { return version + " " + status + " " + reason; }
    @Override public int getStatusCode() { return status; }
    @Override public String getReasonPhrase() { return reason; }
    @Override public int getHeaderCount() { return headers.size(); }
    @Override public String getHeaderName(int i) { return headers.get(i)[0]; }
    @Override public String getHeaderValue(int i) { return headers.get(i)[1]; }
  }

  /** Stops the transport's event loop and closes its connections. */
  public void close() {
    vertx.close();
  }
}
