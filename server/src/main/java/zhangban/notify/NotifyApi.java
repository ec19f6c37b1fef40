package zhangban.notify;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.UUID;
import zhangban.http.ApiException;
import zhangban.http.Http;
import zhangban.identity.Principal;
import zhangban.identity.Role;
import zhangban.push.Devices;
import zhangban.push.PushAdmin;

/** Handlers of devices, inbox, preferences and the push operator's view. */
public final class NotifyApi {
  private final Pool pool;
  private final Devices devices;
  private final Inbox inbox;
  private final Preferences preferences;
  private final PushAdmin pushAdmin;
  private final StaffDirectory staff;
  private final Clock clock;

  public NotifyApi(Pool pool, Devices devices, Inbox inbox, Preferences preferences, PushAdmin pushAdmin,
                   StaffDirectory staff, Clock clock) {
    this.pool = pool;
    this.devices = devices;
    this.inbox = inbox;
    this.preferences = preferences;
    this.pushAdmin = pushAdmin;
    this.staff = staff;
    this.clock = clock;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("listDevices").addHandler(Http.json(200, rc -> devices.list(pool, Principal.of(rc).subject())
        .map(items -> new JsonObject().put("items", items))));
    b.getRoute("registerDevice").addHandler(Http.json(200, rc -> {
      Principal p = Principal.of(rc);
      JsonObject in = Http.body(rc);
      UUID id = Http.pathUuid(rc, "deviceId");
      return pool.withTransaction(tx -> devices.register(tx, p.subject(), id, in.getString("token"),
              in.getString("platform"), in.getString("appVersion"), in.getString("locale", Templates.DEFAULT_LOCALE),
              clock.instant())
          .map(registered -> registered.orElseThrow(() -> zhangban.http.ApiException.notFound(
              "No such device of yours. This installation id is registered to someone else: sign out there, "
                  + "or register the token this app installation holds.")))
          .compose(device -> staff.registered(tx, p).map(device)));
    }));
    b.getRoute("unregisterDevice").addHandler(rc -> {
      String subject = Principal.of(rc).subject();
      UUID id = Http.pathUuid(rc, "deviceId");
      pool.withTransaction(tx -> devices.unregister(tx, subject, id, clock.instant()))
          .onSuccess(found -> {
            if (found) {
              rc.response().setStatusCode(204).end();
            } else {
              rc.fail(ApiException.notFound("No device " + id + "."));
            }
          })
          .onFailure(rc::fail);
    });
    b.getRoute("listNotifications").addHandler(Http.json(200, rc -> inbox.list(Principal.of(rc).subject(),
        Http.query(rc, "locale").orElse(Templates.DEFAULT_LOCALE),
        Http.query(rc, "unread").map(Boolean::parseBoolean).orElse(false),
        Http.query(rc, "cursor").orElse(null), Http.queryInt(rc, "limit").orElse(20))));
    b.getRoute("unreadNotificationCount").addHandler(Http.json(200, rc -> inbox.unread(Principal.of(rc).subject())
        .map(n -> new JsonObject().put("unreadCount", n))));
    b.getRoute("markNotificationRead").addHandler(Http.json(200, rc -> inbox.markRead(Principal.of(rc).subject(),
        Http.pathUuid(rc, "notificationId"), clock.instant())
        .map(n -> new JsonObject().put("unreadCount", n))));
    b.getRoute("markAllNotificationsRead").addHandler(Http.json(200, rc -> inbox.markAllRead(
        Principal.of(rc).subject(), clock.instant())
        .map(n -> new JsonObject().put("unreadCount", 0).put("marked", n))));
    b.getRoute("getNotificationPreferences").addHandler(Http.json(200, rc ->
        preferences.load(pool, Principal.of(rc).subject()).map(Preferences.Choice::toJson)));
    b.getRoute("putNotificationPreferences").addHandler(Http.json(200, rc -> {
      JsonObject in = Http.body(rc);
      JsonObject quiet = in.getJsonObject("quietHours");
      if (quiet != null && quiet.getString("start").equals(quiet.getString("end"))) {
        throw ApiException.unprocessable("Quiet hours must not start and end at the same time.",
            new io.vertx.core.json.JsonArray().add(ApiException.fieldError("/quietHours/end", "Same as the start.")));
      }
      if (in.containsKey("timeZone") && Preferences.zone(in.getString("timeZone")).isEmpty()) {
        throw ApiException.unprocessable("The time zone is not one the server knows.",
            new io.vertx.core.json.JsonArray().add(ApiException.fieldError("/timeZone",
                "Not an IANA time zone, e.g. Asia/Shanghai or Europe/Berlin.")));
      }
      return preferences.save(pool, Principal.of(rc).subject(), in, clock.instant()).map(Preferences.Choice::toJson);
    }));
    b.getRoute("pushStats").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      return pushAdmin.stats();
    }));
    b.getRoute("listDeadLetters").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      return pushAdmin.deadLetters(Http.query(rc, "cursor").map(Long::parseLong).orElse(null),
          Http.queryInt(rc, "limit").orElse(20));
    }));
    b.getRoute("requeueDeadLetters").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      io.vertx.core.json.JsonArray ids = Http.body(rc).getJsonArray("ids");
      Long[] idArray = ids == null ? null : ids.stream().map(o -> ((Number) o).longValue()).toArray(Long[]::new);
      return pushAdmin.requeue(idArray).map(n -> new JsonObject().put("requeued", n));
    }));
  }

  private static void requireAdmin(RoutingContext rc) {
    if (!Principal.of(rc).has(Role.ADMIN)) {
      throw ApiException.forbidden("The push operator's view is for administrators.");
    }
  }

}
