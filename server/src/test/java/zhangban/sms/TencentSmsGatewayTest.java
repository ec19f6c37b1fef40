package zhangban.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.outbox.Outcome;
import zhangban.support.FakeSms;

/**
 * The real Tencent Cloud SMS SDK against a stub of its API on loopback: what it sends (the app,
 * signature, template, parameters, number and reference, signed with the configured key) and what
 * each of Tencent's answers becomes for the outbox worker.
 */
class TencentSmsGatewayTest {
  static final String SECRET_ID = "AKIDzhangbanTEST";
  static Vertx vertx;
  static FakeSms stub;
  static TencentSmsGateway gateway;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    stub = new FakeSms();
    gateway = new TencentSmsGateway(vertx, settings(stub.endpoint()));
  }

  static TencentSmsGateway.Settings settings(URI endpoint) {
    return new TencentSmsGateway.Settings(SECRET_ID, "secret-key", "1400000001", "掌办", "ap-guangzhou",
        Optional.of(endpoint), 5, 2);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    stub.close();
    vertx.close().await();
  }

  static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no outcome within 30 s", e);
    }
  }

  static Outcome send(String phone) {
    return await(gateway.send(new SmsMessage(phone, "2000001", List.of("结婚登记预约", "https://zb.example/rate/#t"),
        "job-1")));
  }

  @Test
  void aTemplatedMessageGoesSignedWithItsParametersAndReference() {
    Outcome sent = send("+8613800001111");
    assertInstanceOf(Outcome.Sent.class, sent);
    assertTrue(((Outcome.Sent) sent).receipt().startsWith("serial-"), sent.toString());
    JsonObject request = stub.received().get(stub.received().size() - 1);
    assertEquals("1400000001", request.getString("SmsSdkAppId"));
    assertEquals("掌办", request.getString("SignName"));
    assertEquals("2000001", request.getString("TemplateId"));
    assertEquals(new JsonArray().add("结婚登记预约").add("https://zb.example/rate/#t"), request.getJsonArray("TemplateParamSet"));
    assertEquals("job-1", request.getString("SessionContext"));
    String auth = stub.authorizations().get(stub.authorizations().size() - 1);
    assertTrue(auth.startsWith("TC3-HMAC-SHA256 Credential=" + SECRET_ID + "/") && auth.endsWith("| SendSms"), auth);
  }

  @Test
  void limitsAreRetriedABadNumberIsGoneAndAnUnapprovedTemplateIsRejected() {
    stub.answer("+8613800002222", "LimitExceeded.PhoneNumberDailyLimit");
    stub.answer("+8613800003333", "InvalidParameterValue.IncorrectPhoneNumber");
    stub.answer("+8613800004444", "Error:FailedOperation.TemplateIncorrectOrUnapproved");
    stub.answer("+8613800005555", "Error:InternalError.Timeout");
    assertEquals("LimitExceeded.PhoneNumberDailyLimit", ((Outcome.Retry) send("+8613800002222")).code());
    assertEquals("InvalidParameterValue.IncorrectPhoneNumber", ((Outcome.Gone) send("+8613800003333")).code());
    assertEquals("FailedOperation.TemplateIncorrectOrUnapproved", ((Outcome.Rejected) send("+8613800004444")).code());
    assertEquals("InternalError.Timeout", ((Outcome.Retry) send("+8613800005555")).code());
  }

  @Test
  void aProviderThatCannotBeReachedIsTriedAgain() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    TencentSmsGateway unreachable = new TencentSmsGateway(vertx, settings(URI.create("http://127.0.0.1:" + closed)));
    try {
      Outcome o = await(unreachable.send(new SmsMessage("+8613800006666", "2000001", List.of(), "job-2")));
      assertInstanceOf(Outcome.Retry.class, o, o.toString());
    } finally {
      unreachable.close();
    }
  }

  @Test
  void aNumberIsShownMasked() {
    assertEquals("138****1111", new SmsMessage("+8613800001111", "t", List.of(), "r").maskedPhone());
    assertEquals("138****1111", new SmsMessage("13800001111", "t", List.of(), "r").maskedPhone());
  }
}
