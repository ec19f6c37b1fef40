package zhangban.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import zhangban.support.FakeFcm;
import zhangban.support.Poll;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/**
 * Two replicas (two App instances, each with its own worker and its own FcmGateway) share one
 * database: every job goes out exactly once, and the jobs of a worker that died are taken up when
 * its lease runs out, not before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushConcurrencyTest {
  static final int LOAD = 3000;
  static final int ORPHANS = 300;
  static final Map<String, String> ENV = Map.of("PUSH_POLL_MS", "200", "PUSH_LEASE_SECONDS", "60");

  /** The worker's own claim, run here as a process that then dies would run it. */
  static final String CLAIM = PushWorker.CLAIM;

  static FakeFcm fake;
  static TestServer first;
  static TestServer second;
  static PushFixtures fx;

  @BeforeAll
  static void start() {
    fake = FakeFcm.start();
    first = TestServer.startWithGateway(ENV, PushFixtures.gateway(fake, Duration.ofSeconds(10)));
    second = first.sibling(ENV, PushFixtures.gateway(fake, Duration.ofSeconds(10)));
    fx = new PushFixtures(first, fake);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {second, first, fake}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // keep closing the rest
      }
    }
  }

  static final String INSERT_DEVICES = """
      insert into push_device (id, user_subject, token, platform, locale, active, created_at, updated_at)
      select gen_random_uuid(), $1::text || n, $2::text || n, 'android', 'zh-CN', true, $3, $3
      from generate_series(1, $4::int) as n
      """;
  static final String INSERT_JOBS = """
      insert into push_job (device_id, token, kind, message, status, next_attempt_at, created_at, updated_at)
      select d.id, d.token, 'application_submitted',
             jsonb_build_object('title', '申请已提交', 'body', '负载测试 ' || d.token, 'collapseKey', 'load',
               'highPriority', false, 'badge', 1,
               'data', jsonb_build_object('kind', 'application_submitted', 'notificationId', gen_random_uuid()::text,
                 'synthetic', 'true')),
             'pending', $2, $2, $2
      from push_device d where d.user_subject like $1::text || '%'
      """;

  static long waiting() {
    return first.count("select count(*) from push_job where status in ('pending', 'sending', 'temporary-failure')");
  }

  @Test
  @Order(1)
  void twoWorkersDeliverThousandsOfJobsEachExactlyOnce() {
    var now = first.clock.instant().atOffset(ZoneOffset.UTC);
    first.update(INSERT_DEVICES, "load-", "tok-", now, LOAD);
    assertEquals(LOAD, first.update(INSERT_JOBS, "load-", now));
    first.update("select pg_notify('zhangban_push', '')");

    Poll.until(Duration.ofSeconds(90), "every load job to be sent", () -> waiting() == 0,
        () -> first.rows("select status, count(*) as n from push_job group by status"));

    assertEquals(LOAD, first.count("select count(*) from push_job where token like 'tok-%' and status = 'sent'"));
    List<String> notOnce = new ArrayList<>();
    for (int n = 1; n <= LOAD; n++) {
      int delivered = fake.deliveredCount("tok-" + n);
      int asked = fake.receivedCount("tok-" + n);
      if (delivered != 1 || asked != 1) {
        notOnce.add("tok-" + n + " delivered " + delivered + ", asked " + asked);
      }
    }
    assertEquals(0, notOnce.size(), notOnce.size() + " tokens not delivered exactly once, e.g. "
        + notOnce.subList(0, Math.min(10, notOnce.size())));
    assertEquals(LOAD, fake.received().stream().filter(r -> r.token().startsWith("tok-")).count());
    assertEquals(0, first.count("select count(*) from push_job where token like 'tok-%' and attempts <> 1"),
        "each job was claimed once");
    List<JsonObject> byWorker = first.rows(
        "select leased_by, count(*) as n from push_job where token like 'tok-%' group by leased_by");
    assertEquals(2, byWorker.size(), "both workers took part: " + byWorker);

    // both replicas tell the operator the same
    JsonObject viaFirst = first.api.get("/admin/push/stats").token(fx.admin()).send().expect(200).json();
    String adminOfSecond = second.tokens.token("admin-zhou", "周杰", List.of("admin"), null, null);
    JsonObject viaSecond = second.api.get("/admin/push/stats").token(adminOfSecond).send().expect(200).json();
    assertEquals(viaFirst.getJsonObject("byStatus"), viaSecond.getJsonObject("byStatus"));
    assertTrue(viaFirst.getJsonObject("byStatus").getLong("sent") >= LOAD);
  }

  @Test
  @Order(2)
  void jobsLeasedByAWorkerThatDiedAreDeliveredOnceWhenTheLeaseRunsOut() throws Exception {
    Instant now = first.clock.instant();
    Instant leaseEnd = now.plusSeconds(60);
    // a process claims a batch and dies before sending any of it: queued and claimed in one
    // transaction, so the live workers never see these jobs pending
    int claimed = first.app.pool().withTransaction(tx -> tx.preparedQuery(INSERT_DEVICES)
            .execute(Tuple.of("orphan-", "orphan-tok-", now.atOffset(ZoneOffset.UTC), ORPHANS))
            .compose(v -> tx.preparedQuery(INSERT_JOBS).execute(Tuple.of("orphan-", now.atOffset(ZoneOffset.UTC))))
            .compose(v -> tx.preparedQuery(CLAIM).execute(Tuple.of(now.atOffset(ZoneOffset.UTC), ORPHANS,
                leaseEnd.atOffset(ZoneOffset.UTC), "dead-worker", new Long[0])))
            .map(rows -> rows.rowCount()))
        .await(30, TimeUnit.SECONDS);
    assertEquals(ORPHANS, claimed);
    String orphans = "select count(*) from push_job where token like 'orphan-tok-%'";
    assertEquals(ORPHANS, first.count(orphans + " and status = 'sending' and leased_by = 'dead-worker'"));
    first.update("select pg_notify('zhangban_push', '')");

    // the live workers leave them alone while the lease holds
    fx.probe();
    first.clock.advance(Duration.ofSeconds(59));
    fx.probe();
    first.clock.set(leaseEnd);
    fx.probe();
    assertEquals(ORPHANS, first.count(orphans + " and status = 'sending' and leased_by = 'dead-worker'"));
    assertEquals(0, fake.received().stream().filter(r -> r.token().startsWith("orphan-tok-")).count());

    // past the lease, they are taken up and delivered exactly once
    first.clock.advance(Duration.ofSeconds(1));
    Poll.until("the orphaned jobs to be sent", () -> first.count(orphans + " and status = 'sent'") == ORPHANS,
        () -> first.rows("select status, leased_by, count(*) as n from push_job where token like 'orphan-tok-%'"
            + " group by status, leased_by"));
    for (int n = 1; n <= ORPHANS; n++) {
      assertEquals(1, fake.deliveredCount("orphan-tok-" + n), "orphan-tok-" + n);
      assertEquals(1, fake.receivedCount("orphan-tok-" + n), "orphan-tok-" + n);
    }
    assertEquals(0, first.count(orphans + " and (leased_by = 'dead-worker' or attempts <> 2)"),
        "taken over by the live workers, on a second attempt");
  }

  @Test
  @Order(100)
  void nothingIsLostAndNothingIsSentTwice() {
    fx.assertEverythingSettledOnce();
  }
}
