package zhangban.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import zhangban.support.FakePlatform;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * A platform that wants OAuth2 client credentials: one token serves every request until the
 * platform stops taking it, then a new one is fetched and the refused records go again. In batch
 * mode, a record the platform rejects inside a batch dies alone.
 */
class PlatformOAuth2Test {
  @Test
  void oneTokenServesUntilRefusedThenANewOneIsFetched() {
    try (FakePlatform platform = FakePlatform.start("gbt-39046-2020").requireOAuth2();
         TestServer server = TestServer.start(PlatformDeliveryTest.env(platform))) {
      PushFixtures fx = new PushFixtures(server, null);
      fx.submitted("citizen-oauth-" + UUID.randomUUID());
      fx.submitted("citizen-oauth-" + UUID.randomUUID());
      PlatformDeliveryTest.drained(server);
      assertEquals(1, platform.tokensIssued());

      platform.revokeTokens();
      String id = fx.submitted("citizen-oauth-" + UUID.randomUUID());
      PlatformDeliveryTest.drained(server);
      assertEquals(2, platform.tokensIssued());
      String number = server.row("select number from application where id = $1::uuid", id).getString("number");
      assertEquals(1, platform.accepted().stream().filter(a -> a.key().equals("application_received:" + number)).count());
      assertEquals(0, platform.resends());
    }
  }

  @Test
  void aRecordRejectedInsideABatchDiesAloneAndTheRestOfTheBatchIsAccepted() {
    try (FakePlatform platform = FakePlatform.start("gbt-39046-2020");
         TestServer server = TestServer.start(PlatformDeliveryTest.env(platform))) {
      PushFixtures fx = new PushFixtures(server, null);
      // five records wait out an outage, then go in one batch, one of which the platform rejects
      platform.failNext(-1, 503, null);
      java.util.List<String> numbers = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String id = fx.submitted("citizen-batched-" + i);
        numbers.add(server.row("select number from application where id = $1::uuid", id).getString("number"));
      }
      zhangban.support.Poll.until("five records waiting",
          () -> server.count("select count(*) from platform_report where status = 'temporary-failure'") == 5);
      platform.clear().reject("application_received:" + numbers.get(2), "E201", "缺少必填项");
      zhangban.support.Poll.until("the batch answered", () -> {
        server.clock.advance(java.time.Duration.ofSeconds(1));
        return server.count("select count(*) from platform_report where status in ('sent', 'dead')") == 5;
      });
      assertEquals(5, platform.largestBatch(), "in one request");
      JsonObject dead = server.row("select application_number, last_error from platform_report where status = 'dead'");
      assertEquals(numbers.get(2), dead.getString("application_number"));
      assertEquals("platform-E201: 缺少必填项", dead.getString("last_error"));
      assertEquals(4, platform.accepted().size(), "the rest of the batch accepted");
      assertEquals(0, platform.resends());
    }
  }
}
