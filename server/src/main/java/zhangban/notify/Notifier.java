package zhangban.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import zhangban.db.Timestamps;
import zhangban.filing.ApplicationEvents;
import zhangban.push.Devices;
import zhangban.push.Outbox;
import zhangban.push.PushMessage;

/**
 * Turns application transitions into an inbox entry for the applicant and one push job per active
 * device, in the transition's own transaction. Preferences decide whether a push goes out; quiet
 * hours delay the non-urgent ones; the inbox keeps everything.
 */
public final class Notifier implements ApplicationEvents {
  /** Kind of notification for each action; absent actions notify nobody. */
  private static final Map<String, String> KINDS = Map.ofEntries(
      Map.entry("submit", "application_submitted"),
      Map.entry("resubmit", "application_submitted"),
      Map.entry("accept", "application_accepted"),
      Map.entry("accept_with_missing", "application_accepted"),
      Map.entry("request_supplement", "supplement_requested"),
      Map.entry("reject", "application_rejected"),
      Map.entry("start_review", "review_started"),
      Map.entry("approve", "application_approved"),
      Map.entry("deny", "application_denied"),
      Map.entry("complete", "application_completed"),
      Map.entry("withdraw", "application_withdrawn"));
  private static final Set<String> URGENT = Set.of("supplement_requested", "application_rejected", "application_denied");
  static final int MAX_PAYLOAD_BYTES = 4096;
  /** Room kept for the envelope FCM adds around title, body and data (Android and APNs blocks). */
  private static final int ENVELOPE_BYTES = 700;

  /**
   * One notice ($1–$5) to its recipients, user $6 or the officers, managers or region's managers
   * of $6 as audience $7 says ({@code notice_recipients}, V37). Writes their inbox entries and
   * answers beside each the user's preferences, active devices and unread count, in one round trip
   * whatever the number of recipients. The entries written here are not yet visible to the count
   * (one snapshot per statement), so the badge adds one.
   */
  private static final String FAN_OUT = """
      with recipient as (
        select subject from notice_recipients($7::text, $6::text) as subject),
      entry as (
        insert into notification (id, user_subject, kind, category, application_id, params, created_at)
        select gen_random_uuid(), subject, $1::text, $2::text, $3::uuid, $4::jsonb, $5::timestamptz from recipient
        returning id, user_subject)
      select e.id, e.user_subject, p.disabled_categories, p.quiet_start, p.quiet_end, p.time_zone,
        d.id as device_id, d.token, d.platform, d.locale,
        case when d.id is null then 0
          else (select count(*) from notification n where n.user_subject = e.user_subject and n.read_at is null)
        end as unread
      from entry e
      left join notification_preference p on p.user_subject = e.user_subject
      left join push_device d on d.user_subject = e.user_subject and d.active
      order by e.user_subject, d.created_at
      """;

  private final Templates templates;
  private final Outbox outbox;
  private final ZoneId zone;

  public Notifier(Templates templates, Outbox outbox, ZoneId zone) {
    this.templates = templates;
    this.outbox = outbox;
    this.zone = zone;
  }

  @Override
  public Future<Void> transitioned(SqlClient tx, Transition t) {
    String kind = KINDS.get(t.action());
    if (kind == null) {
      return Future.succeededFuture();
    }
    return notify(tx, t.applicantSubject(), kind, "progress", t.applicationId(), t.number(), params(t),
        URGENT.contains(kind), t.at());
  }

  /**
   * Writes one inbox entry for {@code subject} and, unless their preferences say otherwise, one push
   * job per active device, due at once when urgent, else after any quiet hours.
   */
  Future<Void> notify(SqlClient tx, String subject, String kind, String category, UUID applicationId,
                      String number, JsonObject params, boolean urgent, Instant at) {
    return notify(tx, new Notice(subject, kind, category, applicationId, number, params, urgent, at,
        "zhangban://applications/" + applicationId, "application-" + applicationId)).mapEmpty();
  }

  /**
   * What to tell one user (the subject is ignored when the notice goes to a group). {@code deepLink}
   * opens the right screen of the app; {@code collapseKey} lets a newer push of the same subject
   * replace an older one still on the phone.
   */
  public record Notice(String subject, String kind, String category, UUID applicationId, String number,
                       JsonObject params, boolean urgent, Instant at, String deepLink, String collapseKey) {}

  /**
   * Tells one user; an applicant Zhangban does not know (no subject) has no inbox here. Answers how
   * many pushes it queued: none when no device of theirs takes pushes of the notice's category.
   */
  public Future<Integer> notify(SqlClient tx, Notice n) {
    if (n.subject() == null) {
      return Future.succeededFuture(0);
    }
    return fanOut(tx, "user", n, n.subject());
  }

  /** Notifies every officer of {@code department} who uses the app. */
  public Future<Void> notifyOfficers(SqlClient tx, String department, Notice template) {
    return fanOut(tx, "officers", template, department).mapEmpty();
  }

  /** Notifies every manager who uses the app and whose region covers {@code department}. */
  public Future<Void> notifyManagers(SqlClient tx, String department, Notice template) {
    return fanOut(tx, "managers", template, department).mapEmpty();
  }

  /** Notifies every manager of {@code region} who uses the app. */
  public Future<Void> notifyRegionManagers(SqlClient tx, String region, Notice template) {
    return fanOut(tx, "region-managers", template, region).mapEmpty();
  }

  /**
   * The inbox entries and push jobs of notice {@code n} for its {@code recipients} ('user',
   * 'officers', 'managers', 'region-managers'; {@code whom} names the user, the department or the
   * region, {@link #FAN_OUT}): two
   * statements (entries, then jobs), not five per recipient, so a department of fifty officers does
   * not hold the transaction for fifty chains of round trips.
   */
  private Future<Integer> fanOut(SqlClient tx, String recipients, Notice n, String whom) {
    Tuple args = Tuple.of(n.kind(), n.category(), n.applicationId(),
        n.params().copy().put("deepLink", n.deepLink()), Timestamps.utc(n.at()), whom).addString(recipients);
    return tx.preparedQuery(FAN_OUT).execute(args).compose(rows -> {
      List<Outbox.Job> jobs = new ArrayList<>();
      for (Row r : rows) {
        UUID device = r.getUUID("device_id");
        if (device == null) {
          continue;
        }
        Preferences.Choice prefs = Preferences.of(r);
        if (!prefs.pushes(n.category())) {
          continue;
        }
        Instant due = n.urgent() ? n.at() : prefs.endOfQuietHours(n.at(), prefs.timeZone().orElse(zone));
        Devices.Device d = new Devices.Device(device, r.getString("token"), r.getString("platform"),
            r.getString("locale"));
        int badge = (int) (long) r.getLong("unread") + 1;
        jobs.add(new Outbox.Job(device, message(d, n, r.getUUID("id"), badge), n.kind(), due, n.applicationId()));
      }
      return outbox.enqueue(tx, jobs, n.at());
    });
  }

  PushMessage message(Devices.Device d, Notice n, UUID notificationId, int badge) {
    Templates.Text text = templates.render(n.kind(), d.locale(), n.params());
    Map<String, String> data = new LinkedHashMap<>();
    data.put("kind", n.kind());
    data.put("notificationId", notificationId.toString());
    if (n.applicationId() != null) {
      data.put("applicationId", n.applicationId().toString()); // a weekly bulletin is about none
    }
    if (n.number() != null) {
      data.put("number", n.number());
    }
    String state = n.params().getString("state");
    if (state != null) {
      data.put("state", state);
    }
    data.put("deepLink", n.deepLink());
    String body = fit(text.title(), text.body(), data);
    return new PushMessage(d.token(), text.title(), body, data, n.collapseKey(), n.urgent(), badge);
  }

  /** Shortens the body so that the whole message stays within FCM's 4096-byte payload. */
  static String fit(String title, String body, Map<String, String> data) {
    int used = ENVELOPE_BYTES + utf8(title);
    for (Map.Entry<String, String> e : data.entrySet()) {
      used += utf8(e.getKey()) + utf8(e.getValue()) + 6;
    }
    int room = MAX_PAYLOAD_BYTES - used;
    if (utf8(body) <= room) {
      return body;
    }
    StringBuilder sb = new StringBuilder();
    int size = utf8("…");
    for (int i = 0; i < body.length(); ) {
      int cp = body.codePointAt(i);
      int n = utf8(new String(Character.toChars(cp)));
      if (size + n > room) {
        break;
      }
      sb.appendCodePoint(cp);
      size += n;
      i += Character.charCount(cp);
    }
    return sb.append('…').toString();
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The values templates may use; material names come localized from the item's guide. */
  private static JsonObject params(Transition t) {
    JsonObject p = new JsonObject()
        .put("item", t.itemName())
        .put("number", t.number() == null ? "" : t.number())
        .put("state", t.toState());
    JsonObject d = t.details();
    if (d.containsKey("deadline")) {
      p.put("deadline", d.getString("deadline"));
    }
    if (d.containsKey("reason")) {
      p.put("reason", d.getString("reason"));
    }
    if (d.containsKey("items")) {
      List<String> zh = new ArrayList<>();
      List<String> en = new ArrayList<>();
      d.getJsonArray("items").forEach(o -> {
        JsonObject item = (JsonObject) o;
        String code = item.getString("materialCode");
        zh.add(materialName(t.materials(), code, "name") + "（" + item.getString("reason") + "）");
        en.add(materialName(t.materials(), code, "nameEn") + " (" + item.getString("reason") + ")");
      });
      p.put("materials", new JsonObject().put("zh-CN", String.join("；", zh)).put("en", String.join("; ", en)));
    }
    if (d.containsKey("missingMaterials")) {
      List<String> zh = new ArrayList<>();
      List<String> en = new ArrayList<>();
      d.getJsonArray("missingMaterials").forEach(c -> {
        zh.add(materialName(t.materials(), String.valueOf(c), "name"));
        en.add(materialName(t.materials(), String.valueOf(c), "nameEn"));
      });
      String by = d.getString("supplementDeadline", "");
      p.put("missing", new JsonObject()
          .put("zh-CN", "请于 " + by + " 前补交：" + String.join("、", zh) + "。")
          .put("en", "Please supply by " + by + ": " + String.join(", ", en) + "."));
    }
    return p;
  }

  /** The material's name in {@code field} (name, nameEn), falling back to the Chinese name, then the code. */
  private static String materialName(JsonArray materials, String code, String field) {
    for (int i = 0; i < materials.size(); i++) {
      if (materials.getJsonObject(i).getString("code").equals(code)) {
        return materials.getJsonObject(i).getString(field, materials.getJsonObject(i).getString("name"));
      }
    }
    return code;
  }
}
