package zhangban.notify;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.db.Timestamps;
import zhangban.sms.PhoneVault;

/**
 * What the SMS provider tells afterwards (docs/sms.md): status reports, which settle each message
 * as delivered or not, and replies, of which an unsubscribe word puts the number on the opt-out
 * list. Numbers in them are used only to hash the replier's; nothing here keeps or logs one.
 */
public final class SmsCallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(SmsCallbacks.class);
  /** The replies that mean "send me nothing more" (回复TD退订), compared in upper case without blanks. */
  static final Set<String> UNSUBSCRIBE = Set.of("TD", "T", "N", "0000", "退订");
  private static final DateTimeFormatter RECEIVED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /**
   * The reports $1 (serial numbers), $2 (delivered or not), $3 (when received), $4 (the provider's
   * words when not) on the messages sent under those serial numbers, at $5; answers how many it
   * found. A later report of the same message wins.
   */
  private static final String RECEIPTS = """
      update sms_job j
      set status = case when v.delivered then 'delivered' else 'undelivered' end,
          receipt_at = v.received_at,
          last_error = case when v.delivered then null else v.error end,
          updated_at = $5
      from unnest($1::text[], $2::boolean[], $3::timestamptz[], $4::text[]) as v(serial, delivered, received_at, error)
      where j.provider_serial = v.serial and j.status in ('sent', 'delivered', 'undelivered')
      """;
  /** The number with look-up hash $1 gets nothing more from $2 on ($3: what said so). */
  private static final String OPT_OUT = """
      insert into sms_opt_out (phone_hash, at, source) values ($1, $2, $3)
      on conflict (phone_hash) do nothing
      """;

  private final Pool pool;
  private final Optional<PhoneVault> phones;
  private final Clock clock;
  private final ZoneId providerZone;

  public SmsCallbacks(Pool pool, Optional<PhoneVault> phones, Clock clock) {
    this.pool = pool;
    this.phones = phones;
    this.clock = clock;
    this.providerZone = ZoneId.of("Asia/Shanghai"); // Tencent writes Beijing time
  }

  static final JsonObject TAKEN = new JsonObject().put("result", 0).put("errmsg", "OK");

  public Future<JsonObject> receipts(JsonArray reports) {
    List<String> serials = new ArrayList<>();
    List<Boolean> delivered = new ArrayList<>();
    List<OffsetDateTime> at = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Instant now = clock.instant();
    for (int i = 0; i < reports.size(); i++) {
      JsonObject r = reports.getJsonObject(i);
      boolean ok = "SUCCESS".equalsIgnoreCase(r.getString("report_status"));
      serials.add(r.getString("sid"));
      delivered.add(ok);
      at.add(Timestamps.utc(received(r.getString("user_receive_time")).orElse(now)));
      errors.add(ok ? null : (r.getString("errmsg", "") + " " + r.getString("description", "")).trim());
    }
    if (serials.isEmpty()) {
      return Future.succeededFuture(TAKEN);
    }
    return pool.preparedQuery(RECEIPTS).execute(Tuple.of(serials.toArray(String[]::new),
            delivered.toArray(Boolean[]::new), at.toArray(OffsetDateTime[]::new), errors.toArray(String[]::new),
            Timestamps.utc(now)))
        .map(rows -> {
          if (rows.rowCount() < serials.size()) {
            LOG.info("{} of {} SMS reports named no message sent from here", serials.size() - rows.rowCount(),
                serials.size());
          }
          return TAKEN;
        });
  }

  public Future<JsonObject> reply(JsonObject reply) {
    String word = reply.getString("text", "").replaceAll("\\s", "").toUpperCase(Locale.ROOT);
    if (!UNSUBSCRIBE.contains(word) || phones.isEmpty()) {
      return Future.succeededFuture(TAKEN);
    }
    String nation = reply.getString("nationcode", "86");
    String mobile = reply.getString("mobile");
    Optional<String> e164 = PhoneVault.normalize("86".equals(nation) ? mobile : "+" + nation + mobile);
    if (e164.isEmpty()) {
      LOG.info("An unsubscribe reply from a number that is not one was ignored");
      return Future.succeededFuture(TAKEN);
    }
    return pool.preparedQuery(OPT_OUT).execute(Tuple.of(Buffer.buffer(phones.get().lookup(e164.get())),
        Timestamps.utc(clock.instant()), "reply " + word)).map(TAKEN);
  }

  private Optional<Instant> received(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(text, RECEIVED).atZone(providerZone).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
