package zhangban.push;

import com.google.api.core.ApiFuture;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.ApsAlert;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Sends through the Firebase Admin SDK's async API; results are brought back to the calling
 * Vert.x context, so no event loop ever waits for FCM.
 */
public final class FcmGateway implements PushGateway {
  public static final int DEFAULT_SEND_THREADS = 32;
  private final FirebaseApp app;
  private final FcmTransport transport;
  private final FirebaseMessaging messaging;
  private final String description;

  /** With the SDK's HTTP calls on {@value #DEFAULT_SEND_THREADS} threads. */
  public FcmGateway(GoogleCredentials credentials, String projectId, String baseUrl, Duration timeout) {
    this(credentials, projectId, baseUrl, timeout, DEFAULT_SEND_THREADS);
  }

  /**
   * {@code sendThreads} bounds the SDK's blocking HTTP calls in flight; on two cores 16 to 32 drained
   * faster than the SDK's default 100 (fewer threads contending for the same CPU).
   */
  public FcmGateway(GoogleCredentials credentials, String projectId, String baseUrl, Duration timeout,
                    int sendThreads) {
    this(credentials, projectId, new FcmTransport(baseUrl, timeout, sendThreads), timeout, sendThreads,
        "FCM via the Firebase Admin SDK, project " + projectId
            + (baseUrl == null || baseUrl.isBlank() ? "" : ", base URL " + baseUrl));
  }

  /**
   * The SDK over any transport of google-http-client, e.g. one that answers in memory: what the SDK
   * costs per message without a network (the push drain benchmark measures it so).
   */
  public FcmGateway(GoogleCredentials credentials, String projectId,
                    com.google.api.client.http.HttpTransport transport, int sendThreads) {
    this(credentials, projectId, transport, Duration.ofSeconds(10), sendThreads,
        "the Firebase Admin SDK over " + transport.getClass().getName());
  }

  private FcmGateway(GoogleCredentials credentials, String projectId, com.google.api.client.http.HttpTransport transport,
                     Duration timeout, int sendThreads, String description) {
    FirebaseOptions.Builder options = FirebaseOptions.builder()
        .setCredentials(credentials)
        .setProjectId(projectId)
        .setHttpTransport(transport)
        .setThreadManager(new SendThreads(sendThreads))
        .setConnectTimeout((int) timeout.toMillis())
        .setReadTimeout((int) timeout.toMillis());
    // the same JSON as in production: Jackson, with what the SDK's own factory would write
    options.setJsonFactory(transport instanceof FcmTransport fcm ? fcm.jsonFactory() : new FcmJsonFactory());
    this.transport = transport instanceof FcmTransport fcm ? fcm : null;
    this.app = FirebaseApp.initializeApp(options.build(), "zhangban-push-" + UUID.randomUUID());
    this.messaging = FirebaseMessaging.getInstance(app);
    this.description = description;
  }

  @Override
  public Future<SendOutcome> send(PushMessage m) {
    Context context = Vertx.currentContext();
    Promise<SendOutcome> promise = Promise.promise();
    Executor back = context == null ? Runnable::run : task -> {
      try {
        context.runOnContext(v -> task.run());
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the process is stopping and its worker gave this send up: its lease was released
      }
    };
    ApiFuture<String> sent;
    try {
      sent = messaging.sendAsync(toFcm(m));
    } catch (RuntimeException e) {
      return Future.succeededFuture(new SendOutcome.Rejected("INVALID_MESSAGE", e.getMessage()));
    }
    sent.addListener(() -> {
      SendOutcome outcome;
      try {
        outcome = new SendOutcome.Sent(sent.get());
      } catch (java.util.concurrent.ExecutionException e) {
        outcome = classify(e.getCause());
      } catch (Exception e) {
        outcome = new SendOutcome.Retry("INTERRUPTED", Optional.empty(), String.valueOf(e.getMessage()));
      }
      promise.complete(outcome);
    }, back);
    return promise.future();
  }

  static Message toFcm(PushMessage m) {
    AndroidConfig.Builder android = AndroidConfig.builder()
        .setPriority(m.highPriority() ? AndroidConfig.Priority.HIGH : AndroidConfig.Priority.NORMAL);
    ApnsConfig.Builder apns = ApnsConfig.builder()
        .putHeader("apns-priority", m.highPriority() ? "10" : "5")
        .setAps(Aps.builder().setAlert(ApsAlert.builder().setTitle(m.title()).setBody(m.body()).build())
            .setBadge(m.badge()).setSound("default").build());
    if (m.collapseKey() != null) {
      android.setCollapseKey(m.collapseKey());
      apns.putHeader("apns-collapse-id", m.collapseKey());
    }
    return Message.builder()
        .setToken(m.token())
        .setNotification(Notification.builder().setTitle(m.title()).setBody(m.body()).build())
        .putAllData(m.data())
        .setAndroidConfig(android.build())
        .setApnsConfig(apns.build())
        .build();
  }

  static SendOutcome classify(Throwable t) {
    if (t instanceof FirebaseMessagingException e) {
      MessagingErrorCode code = e.getMessagingErrorCode();
      String detail = e.getMessage();
      if (code == MessagingErrorCode.UNREGISTERED || code == MessagingErrorCode.INVALID_ARGUMENT
          || code == MessagingErrorCode.SENDER_ID_MISMATCH) {
        return new SendOutcome.TokenRejected(code.name(), detail);
      }
      if (code == MessagingErrorCode.QUOTA_EXCEEDED || code == MessagingErrorCode.UNAVAILABLE
          || code == MessagingErrorCode.INTERNAL) {
        return new SendOutcome.Retry(code.name(), retryAfter(e.getHttpResponse()), detail);
      }
      int status = e.getHttpResponse() == null ? 0 : e.getHttpResponse().getStatusCode();
      if (code == null && (status == 0 || status >= 500 || status == 429)) {
        // no FCM error code: a transport failure or a bare 5xx
        return new SendOutcome.Retry(status == 0 ? "IO_ERROR" : "HTTP_" + status,
            retryAfter(e.getHttpResponse()), detail);
      }
      return new SendOutcome.Rejected(code == null ? e.getErrorCode().name() : code.name(), detail);
    }
    if (t instanceof IOException || (t != null && t.getCause() instanceof IOException)) {
      return new SendOutcome.Retry("IO_ERROR", Optional.empty(), t.getMessage());
    }
    return new SendOutcome.Retry("UNKNOWN", Optional.empty(), t == null ? "unknown" : t.toString());
  }

  /** Retry-After (FCM sends seconds). */
  static Optional<Duration> retryAfter(IncomingHttpResponse response) {
    if (response == null || response.getHeaders() == null) {
      return Optional.empty();
    }
    boolean rewritten = response.getHeaders().keySet().stream()
        .anyMatch(k -> k.equalsIgnoreCase(FcmTransport.ORIGINAL_RETRY_AFTER));
    boolean unavailable = response.getStatusCode() == 503;
    String header = unavailable || rewritten ? FcmTransport.ORIGINAL_RETRY_AFTER : "retry-after";
    for (var e : response.getHeaders().entrySet()) {
      if (e.getKey().equalsIgnoreCase(header) && e.getValue() != null) {
        Object v = e.getValue() instanceof java.util.List<?> l && !l.isEmpty() ? l.get(0) : e.getValue();
        return zhangban.outbox.RetryAfter.parse(String.valueOf(v), java.time.Instant.now());
      }
    }
    return Optional.empty();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    app.delete();
    if (transport != null) {
      transport.close();
    }
  }

  /** The SDK's executor: a fixed number of threads for its blocking HTTP calls. */
  private static final class SendThreads extends com.google.firebase.ThreadManager {
    private final int threads;

    SendThreads(int threads) {
      this.threads = threads;
    }

    @Override
    protected java.util.concurrent.ExecutorService getExecutor(FirebaseApp app) {
      return java.util.concurrent.Executors.newFixedThreadPool(threads, getThreadFactory());
    }

    @Override
    protected void releaseExecutor(FirebaseApp app, java.util.concurrent.ExecutorService executor) {
      executor.shutdownNow();
    }

    @Override
    protected java.util.concurrent.ThreadFactory getThreadFactory() {
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      return r -> {
        Thread t = new Thread(r, "fcm-send-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
    }
  }
}
