package zhangban.notify;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import zhangban.config.Config;
import zhangban.push.FcmGateway;
import zhangban.push.PushGateway;
import zhangban.push.PushSettings;
import zhangban.push.RecordingGateway;

/** Chooses the push gateway from the configuration: real FCM with credentials, a recorder without. */
public final class Gateways {
  private static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/firebase.messaging");

  private Gateways() {}

  public static PushGateway fromConfig(Config.Push push) {
    if (!push.hasCredentials()) {
      return new RecordingGateway();
    }
    try (InputStream in = push.credentialsJson().isPresent()
        ? new ByteArrayInputStream(push.credentialsJson().get().getBytes(StandardCharsets.UTF_8))
        : Files.newInputStream(push.credentialsFile().orElseThrow())) {
      GoogleCredentials credentials = GoogleCredentials.fromStream(in).createScoped(SCOPES);
      String project = push.projectId().orElseGet(() -> credentials instanceof ServiceAccountCredentials sa
          ? sa.getProjectId() : null);
      if (project == null) {
        throw new IllegalStateException("Set FIREBASE_PROJECT_ID: the credentials do not name a project");
      }
      return new FcmGateway(credentials, project, push.fcmBaseUrl().orElse(null),
          Duration.ofMillis(push.sendTimeoutMillis()), push.sendThreads());
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the Firebase credentials", e);
    }
  }

  public static PushSettings settings(Config.Push push) {
    return new PushSettings(push.batchSize(), Duration.ofSeconds(push.leaseSeconds()),
        Duration.ofMillis(push.pollMillis()), push.maxAttempts(), Duration.ofMillis(push.backoffBaseMillis()),
        Duration.ofMillis(push.backoffMaxMillis()), push.ratePerSecond(),
        Duration.ofMillis(push.shutdownGraceMillis()), Duration.ofDays(push.deviceStaleDays()),
        Duration.ofMillis(push.pruneIntervalMillis()), workerId());
  }

  /** The SMS provider configured: Tencent Cloud SMS, or one that keeps the messages (development, tests). */
  public static zhangban.sms.SmsGateway sms(io.vertx.core.Vertx vertx, Config.Sms sms) {
    if (!sms.sendsForReal()) {
      return new zhangban.sms.RecordingSmsGateway();
    }
    return new zhangban.sms.TencentSmsGateway(vertx, new zhangban.sms.TencentSmsGateway.Settings(
        sms.secretId().orElseThrow(), sms.secretKey().orElseThrow(), sms.sdkAppId().orElseThrow(), sms.signName(),
        sms.region(), sms.endpoint(), 10, 8));
  }

  /**
   * The template of each kind of message; a recording gateway without SMS_TEMPLATES names each
   * message by its kind.
   */
  public static java.util.Map<String, String> smsTemplates(Config.Sms sms) {
    if (!sms.templates().isEmpty() || sms.sendsForReal()) {
      return sms.templates();
    }
    return java.util.Map.of("rating_invitation", "rating_invitation", "rating_reminder", "rating_reminder",
        "case_reply", "case_reply");
  }

  /** How the SMS worker claims and retries, beside the push worker (the same batch, lease and poll). */
  public static zhangban.outbox.OutboxSettings smsSettings(Config.Sms sms, Config.Push push) {
    return new zhangban.outbox.OutboxSettings(push.batchSize(), Duration.ofSeconds(push.leaseSeconds()),
        Duration.ofMillis(push.pollMillis()), sms.maxAttempts(), Duration.ofMillis(sms.backoffBaseMillis()),
        Duration.ofMillis(sms.backoffMaxMillis()), sms.ratePerSecond(), Duration.ofMillis(push.shutdownGraceMillis()),
        workerId());
  }

  /** This process among the workers sharing an outbox: its host and a random part. */
  public static String workerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
