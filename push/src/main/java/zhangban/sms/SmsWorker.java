package zhangban.sms;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import zhangban.outbox.OutboxJob;
import zhangban.outbox.OutboxSettings;
import zhangban.outbox.OutboxWorker;
import zhangban.outbox.Outcome;
import zhangban.outbox.Sender;
import zhangban.outbox.TableQueue;

/**
 * Drains {@code sms_job} to the SMS provider with the shared {@link OutboxWorker}: this class holds
 * the queue's statements, opens each number only to send it, and picks the province's approved
 * template for each kind of message ({@code templates}: kind to template id). A kind without a
 * template is a dead letter, not a retry: the province must approve and configure it first.
 */
public final class SmsWorker extends VerticleBase {
  /** The channel the writers of sms_job NOTIFY. */
  public static final String CHANNEL = "zhangban_sms";

  /**
   * As push_job's claim; a job whose number opted out since it was queued (a retry waiting its
   * backoff, say) is settled as opted-out instead of being sent.
   */
  static final String CLAIM = """
      with due as (
        select id from sms_job
        where (status in ('pending', 'temporary-failure') and next_attempt_at <= $1)
           or (status = 'sending' and lease_until < $1 and not (leased_by = $4 and id = any($5::bigint[])))
        order by next_attempt_at, id
        limit $2
        for update skip locked
      )
      update sms_job j
      set status = case when exists (select 1 from sms_opt_out o where o.phone_hash = j.phone_hash)
                     then 'opted-out' else 'sending' end,
          lease_until = $3, leased_by = $4, attempts = j.attempts + 1, updated_at = $1
      from due where j.id = due.id
      returning j.id, j.kind, j.phone, j.params, j.attempts, j.status
      """;
  private static final String SENT = """
      update sms_job j set status = 'sent', provider_serial = v.serial, last_error = null, lease_until = null,
        updated_at = $3
      from unnest($1::bigint[], $2::text[]) as v(id, serial)
      where j.id = v.id and j.leased_by = $4 and j.status = 'sending'
      """;
  private static final String FAILED = """
      update sms_job set status = $2, next_attempt_at = $3, last_error = $4, lease_until = null, updated_at = $5
      where id = $1 and leased_by = $6 and status = 'sending'
      """;
  private static final String RELEASE = """
      update sms_job set status = 'temporary-failure', next_attempt_at = $2, lease_until = null,
        last_error = 'released at shutdown', updated_at = $2
      where leased_by = $1 and status = 'sending'
      """;
  private static final String QUEUE_DEPTH = """
      select count(*) as n, min(created_at) as oldest from sms_job where status in ('pending', 'temporary-failure')
      """;
  /** As push_worker's: this worker's row refreshed, the workers seen within the window counted. */
  private static final String HEARTBEAT = """
      with beat as (
        insert into sms_worker (id, seen_at) values ($1, now())
        on conflict (id) do update set seen_at = now()
      ), gone as (
        delete from sms_worker where seen_at < now() - interval '1 hour'
      )
      select count(*) + 1 as live from sms_worker where id <> $1 and seen_at > now() - $2::bigint * interval '1 millisecond'
      """;
  private static final String LEAVE = "delete from sms_worker where id = $1";

  private final OutboxWorker<Job> worker;

  public SmsWorker(Pool pool, PgConnectOptions listenOptions, SmsGateway gateway, PhoneVault phones,
                   Map<String, String> templates, OutboxSettings settings, Clock clock, MeterRegistry registry) {
    this.worker = new OutboxWorker<>(pool, listenOptions, new Queue(), new Provider(gateway, phones, templates),
        settings, clock, registry);
  }

  @Override
  public Future<?> start() {
    return worker.start(vertx);
  }

  @Override
  public Future<?> stop() {
    return worker.stop();
  }

  /** A claimed message: its kind, the sealed number and the template's parameters. */
  record Job(long id, String kind, String sealedPhone, List<String> params, int attempts) implements OutboxJob {}

  private record Provider(SmsGateway gateway, PhoneVault phones, Map<String, String> templates) implements Sender<Job> {
    @Override
    public List<Future<Outcome>> send(List<Job> jobs) {
      return jobs.stream().map(this::send).toList();
    }

    private Future<Outcome> send(Job j) {
      String template = templates.get(j.kind());
      if (template == null) {
        return Future.succeededFuture(new Outcome.Rejected("no-template",
            "No approved template is configured for " + j.kind() + " (SMS_TEMPLATES)."));
      }
      String phone;
      try {
        phone = phones.decrypt(j.sealedPhone());
      } catch (IllegalArgumentException e) {
        return Future.succeededFuture(new Outcome.Rejected("phone-unreadable", e.getMessage()));
      }
      return gateway.send(new SmsMessage(phone, template, j.params(), "sms-" + j.id()));
    }

    @Override
    public String describe() {
      return gateway.describe();
    }
  }

  /** {@code sms_job} and {@code sms_worker}. */
  private static final class Queue extends TableQueue<Job> {
    Queue() {
      super(new Statements(CLAIM, SENT, FAILED, RELEASE, HEARTBEAT, LEAVE, QUEUE_DEPTH));
    }

    @Override
    public String name() {
      return "sms";
    }

    @Override
    public String channel() {
      return CHANNEL;
    }

    @Override
    protected Job job(Row r) {
      if (!"sending".equals(r.getString("status"))) {
        return null; // opted out: settled by the claim
      }
      List<String> params = new ArrayList<>();
      ((JsonArray) r.getJson("params")).forEach(p -> params.add(String.valueOf(p)));
      return new Job(r.getLong("id"), r.getString("kind"), r.getString("phone"), params, r.getInteger("attempts"));
    }
  }
}
