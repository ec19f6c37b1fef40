package zhangban.push;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Device registrations: a user has many devices; a token belongs to one user at a time, so
 * registering it for another user moves it, and pushes queued for the previous owner are dropped.
 */
public final class Devices {
  /** Active devices a user keeps; registering one more retires the least recently refreshed. */
  public static final int MAX_ACTIVE_PER_USER = 10;

  /** An active device as the sender needs it (read with the notice, {@code Notifier}). */
  public record Device(UUID id, String token, String platform, String locale) {}

  /**
   * One registration of user $1 at a time, till the transaction ends: the cap on active devices
   * counts what the others registered (a user with no row yet has none to lock).
   */
  private static final String LOCK_USER = "select pg_advisory_xact_lock(hashtextextended($1, 0))";
  private static final String BY_ID = "select user_subject, token, active from push_device where id = $1 for update";
  private static final String RETIRE_OTHER_HOLDERS = """
      update push_device set active = false, retired_reason = 'token moved to another device', updated_at = $3
      where token = $1 and id <> $2 and active
      returning id
      """;
  private static final String UPSERT = """
      insert into push_device (id, user_subject, token, platform, app_version, locale, active, created_at, updated_at)
      values ($1, $2, $3, $4, $5, $6, true, $7, $7)
      on conflict (id) do update set user_subject = excluded.user_subject, token = excluded.token,
        created_at = case when push_device.user_subject = excluded.user_subject then push_device.created_at
                          else excluded.created_at end,
        platform = excluded.platform, app_version = excluded.app_version, locale = excluded.locale,
        active = true, retired_reason = null, updated_at = excluded.updated_at
      returning id, user_subject, token, platform, app_version, locale, active, created_at, updated_at
      """;
  private static final String DROP_QUEUED = """
      update push_job set status = 'permanent-failure', last_error = $2, lease_until = null, updated_at = $3
      where device_id = $1 and status in ('pending', 'temporary-failure')
      """;
  /** Only the jobs still aimed at the dead token: the device may already have a fresh one. */
  private static final String DROP_QUEUED_FOR_TOKEN = """
      update push_job set status = 'permanent-failure', last_error = $3, lease_until = null, updated_at = $4
      where device_id = $1 and token = $2 and status in ('pending', 'temporary-failure')
      """;
  private static final String RETARGET_QUEUED = """
      update push_job set token = $2, updated_at = $3
      where device_id = $1 and status in ('pending', 'temporary-failure')
      """;
  private static final String UNREGISTER = """
      update push_device set active = false, retired_reason = 'unregistered', updated_at = $3
      where id = $1 and user_subject = $2 and active
      returning id
      """;
  /**
   * When user $1 registers device $4: their other active devices beyond the $2 most recently
   * refreshed are retired, so a user's list and fan-out stay bounded.
   */
  private static final String RETIRE_BEYOND_LIMIT = """
      update push_device set active = false, retired_reason = 'replaced by newer devices', updated_at = $3
      where id in (select id from push_device where user_subject = $1 and active and id <> $4
                   order by updated_at desc, created_at desc, id offset $2)
      returning id
      """;
  private static final String LIST = """
      select id, user_subject, token, platform, app_version, locale, active, created_at, updated_at
      from push_device where user_subject = $1 and active order by created_at
      """;
  private static final String RETIRE_STALE = """
      update push_device set active = false, retired_reason = 'stale: not refreshed since ' || updated_at::date,
        updated_at = $2
      where active and updated_at < $1
      returning id
      """;
  private static final String RETIRE_TOKEN = """
      update push_device set active = false, retired_reason = $3, updated_at = $4
      where id = $1 and token = $2 and active
      """;

  /**
   * Registers or refreshes a device; call inside a transaction. Empty when the installation id is
   * another user's active device and the caller does not hold its registration token: an id is
   * no proof of being on that phone (anyone can send one), the token is (FCM gives it to that app
   * installation only). So another user signing in on the same phone takes the installation over,
   * and nobody else can move it, see it or learn anything of it.
   */
  public Future<Optional<JsonObject>> register(SqlClient tx, String subject, UUID deviceId, String token,
                                               String platform, String appVersion, String locale, Instant now) {
    var at = now.atOffset(ZoneOffset.UTC);
    return tx.preparedQuery(LOCK_USER).execute(Tuple.of(subject))
        .compose(locked -> tx.preparedQuery(BY_ID).execute(Tuple.of(deviceId))).compose(rows -> {
      Optional<Row> existing = rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
      if (existing.isPresent() && !existing.get().getString("user_subject").equals(subject)
          && existing.get().getBoolean("active") && !existing.get().getString("token").equals(token)) {
        return Future.succeededFuture(Optional.<JsonObject>empty());
      }
      return write(tx, subject, deviceId, token, platform, appVersion, locale, at, existing).map(Optional::of);
    });
  }

  private Future<JsonObject> write(SqlClient tx, String subject, UUID deviceId, String token, String platform,
                                   String appVersion, String locale, java.time.OffsetDateTime at,
                                   Optional<Row> existing) {
    Future<?> queued = Future.succeededFuture();
    if (existing.isPresent() && !existing.get().getString("user_subject").equals(subject)) {
      queued = tx.preparedQuery(DROP_QUEUED).execute(Tuple.of(deviceId, "device moved to another user", at));
    } else if (existing.isPresent() && !existing.get().getString("token").equals(token)) {
      queued = tx.preparedQuery(RETARGET_QUEUED).execute(Tuple.of(deviceId, token, at));
    }
    return queued.compose(v -> tx.preparedQuery(RETIRE_OTHER_HOLDERS).execute(Tuple.of(token, deviceId, at)))
        .compose(moved -> dropQueued(tx, moved, "token moved to another device", at))
        .compose(v -> tx.preparedQuery(UPSERT).execute(Tuple.of(deviceId, subject, token, platform, appVersion,
            locale, at)))
        .compose(rows -> tx.preparedQuery(RETIRE_BEYOND_LIMIT)
            .execute(Tuple.of(subject, MAX_ACTIVE_PER_USER - 1, at, deviceId))
            .compose(retired -> dropQueued(tx, retired, "replaced by newer devices", at))
            .map(n -> json(rows.iterator().next())));
  }

  /** False when the user has no such active device. */
  public Future<Boolean> unregister(SqlClient tx, String subject, UUID deviceId, Instant now) {
    var at = now.atOffset(ZoneOffset.UTC);
    return tx.preparedQuery(UNREGISTER).execute(Tuple.of(deviceId, subject, at)).compose(rows -> rows.size() == 0
        ? Future.succeededFuture(false)
        : tx.preparedQuery(DROP_QUEUED).execute(Tuple.of(deviceId, "device unregistered", at)).map(true));
  }

  public Future<JsonArray> list(SqlClient c, String subject) {
    return c.preparedQuery(LIST).execute(Tuple.of(subject)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  /** Retires devices not refreshed since {@code before} and drops their queued jobs; answers how many. */
  Future<Integer> retireStale(io.vertx.sqlclient.Pool pool, Instant before, Instant now) {
    var at = now.atOffset(ZoneOffset.UTC);
    return pool.withTransaction(tx -> tx.preparedQuery(RETIRE_STALE)
        .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), at))
        .compose(rows -> dropQueued(tx, rows, "device stale", at)));
  }

  /** Drops what is queued for each device in {@code retired} (rows with an id), for {@code reason}; answers how many devices. */
  private static Future<Integer> dropQueued(SqlClient tx, io.vertx.sqlclient.RowSet<Row> retired, String reason,
                                            java.time.OffsetDateTime at) {
    List<Tuple> drops = new ArrayList<>();
    retired.forEach(r -> drops.add(Tuple.of(r.getUUID("id"), reason, at)));
    return drops.isEmpty() ? Future.succeededFuture(0)
        : tx.preparedQuery(DROP_QUEUED).executeBatch(drops).map(drops.size());
  }

  /**
   * The token is dead at FCM: never send to it again, and drop what is queued for it. When the
   * device has registered a new token meanwhile (the answer came for a send in flight), the device
   * stays active and the jobs aimed at its new token stay queued.
   */
  Future<Void> retire(SqlClient tx, UUID deviceId, String token, String reason, Instant now) {
    var at = now.atOffset(ZoneOffset.UTC);
    return tx.preparedQuery(RETIRE_TOKEN).execute(Tuple.of(deviceId, token, reason, at))
        .compose(v -> tx.preparedQuery(DROP_QUEUED_FOR_TOKEN)
            .execute(Tuple.of(deviceId, token, "token retired: " + reason, at)))
        .mapEmpty();
  }

  static JsonObject json(Row r) {
    return new JsonObject()
        .put("deviceId", r.getUUID("id").toString())
        .put("platform", r.getString("platform"))
        .put("appVersion", r.getString("app_version"))
        .put("locale", r.getString("locale"))
        .put("tokenSuffix", suffix(r.getString("token")))
        .put("registeredAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString());
  }

  private static String suffix(String token) {
    return token.length() <= 6 ? token : token.substring(token.length() - 6);
  }
}
