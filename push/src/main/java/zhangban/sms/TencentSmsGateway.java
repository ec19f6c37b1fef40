package zhangban.sms;

import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.sms.v20210111.SmsClient;
import com.tencentcloudapi.sms.v20210111.models.SendSmsRequest;
import com.tencentcloudapi.sms.v20210111.models.SendSmsResponse;
import com.tencentcloudapi.sms.v20210111.models.SendStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import zhangban.outbox.Outcome;

/**
 * SMS through Tencent Cloud (短信, API 2021-01-11) with its official SDK, which signs each request
 * (TC3-HMAC-SHA256) and speaks the API. The SDK blocks: its calls run on a worker pool of their
 * own. The endpoint can point at a stub for tests and load.
 *
 * <p>What an answer means (Tencent's error codes): {@code Ok} is sent; {@code LimitExceeded.*}
 * (per-number and per-app limits), {@code InternalError.*}, {@code RequestLimitExceeded} and I/O
 * failures are tried again; an invalid number is gone (never sent to again); anything else
 * (an unapproved signature or template, bad parameters, credentials) is rejected: a dead letter
 * with the provider's reason.
 */
public final class TencentSmsGateway implements SmsGateway {
  /** What a province configures: its credentials, its SMS app, its approved signature, where to send. */
  public record Settings(String secretId, String secretKey, String sdkAppId, String signName, String region,
                         Optional<URI> endpoint, int timeoutSeconds, int threads) {}

  private static final Set<String> GONE = Set.of("InvalidParameterValue.IncorrectPhoneNumber",
      "FailedOperation.PhoneNumberInBlacklist", "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber");

  private final SmsClient client;
  private final Settings settings;
  private final WorkerExecutor executor;

  public TencentSmsGateway(Vertx vertx, Settings settings) {
    this.settings = settings;
    HttpProfile http = new HttpProfile();
    http.setReqMethod(HttpProfile.REQ_POST);
    http.setConnTimeout(settings.timeoutSeconds());
    http.setReadTimeout(settings.timeoutSeconds());
    http.setWriteTimeout(settings.timeoutSeconds());
    settings.endpoint().ifPresent(e -> {
      http.setProtocol("http".equals(e.getScheme()) ? HttpProfile.REQ_HTTP : HttpProfile.REQ_HTTPS);
      http.setEndpoint(e.getAuthority());
    });
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    this.client = new SmsClient(new Credential(settings.secretId(), settings.secretKey()), settings.region(), profile);
    this.executor = vertx.createSharedWorkerExecutor("zhangban-sms", settings.threads());
  }

  @Override
  public Future<Outcome> send(SmsMessage message) {
    SendSmsRequest request = new SendSmsRequest();
    request.setSmsSdkAppId(settings.sdkAppId());
    request.setSignName(settings.signName());
    request.setTemplateId(message.templateId());
    request.setTemplateParamSet(message.params().toArray(String[]::new));
    request.setPhoneNumberSet(new String[] {message.phone()});
    request.setSessionContext(message.reference());
    return executor.executeBlocking(() -> outcome(client.SendSms(request)), false)
        .recover(err -> Future.succeededFuture(failure(err)));
  }

  private static Outcome outcome(SendSmsResponse response) {
    SendStatus[] statuses = response.getSendStatusSet();
    if (statuses == null || statuses.length == 0) {
      return new Outcome.Retry("NoStatus", Optional.empty(), "an answer without a status, request " + response.getRequestId());
    }
    SendStatus s = statuses[0];
    return "Ok".equals(s.getCode()) ? new Outcome.Sent(s.getSerialNo()) : classify(s.getCode(), s.getMessage());
  }

  private static Outcome failure(Throwable err) {
    if (err instanceof TencentCloudSDKException e && e.getErrorCode() != null && !e.getErrorCode().isEmpty()) {
      return classify(e.getErrorCode(), e.getMessage());
    }
    return new Outcome.Retry("Unreachable", Optional.empty(), PhoneVault.scrub(String.valueOf(err.getMessage())));
  }

  /** What the provider said, with any number in its words masked: the outbox keeps and logs it. */
  static Outcome classify(String code, String providerMessage) {
    String message = PhoneVault.scrub(providerMessage);
    if (GONE.contains(code)) {
      return new Outcome.Gone(code, message);
    }
    if (code.startsWith("LimitExceeded") || code.startsWith("InternalError") || code.equals("RequestLimitExceeded")
        || code.startsWith("ResourceUnavailable")) {
      return new Outcome.Retry(code, Optional.empty(), message);
    }
    return new Outcome.Rejected(code, message);
  }

  @Override
  public String describe() {
    return "Tencent Cloud SMS, app " + settings.sdkAppId() + " signed " + settings.signName()
        + settings.endpoint().map(e -> " via " + e).orElse("");
  }

  @Override
  public void close() {
    executor.close();
  }
}
