package zhangban.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import zhangban.http.ApiException;
import zhangban.http.Http;
import zhangban.identity.Principal;
import zhangban.identity.Role;
import zhangban.sms.SmsAdmin;

/**
 * Handlers of the SMS operations: the provider's callbacks (authenticated by the key in their URL,
 * the contract's smsCallbackKey) and the administrators' view of the SMS outbox.
 */
public final class SmsApi {
  private final SmsCallbacks callbacks;
  private final SmsAdmin admin;

  public SmsApi(SmsCallbacks callbacks, SmsAdmin admin) {
    this.callbacks = callbacks;
    this.admin = admin;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("receiveSmsReceipts").addHandler(Http.json(200, rc -> callbacks.receipts(rc.body().asJsonArray())));
    b.getRoute("receiveSmsReply").addHandler(Http.json(200, rc -> callbacks.reply(Http.body(rc))));
    b.getRoute("smsStats").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      return admin.stats();
    }));
    b.getRoute("listSmsDeadLetters").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      return admin.deadLetters(Http.query(rc, "cursor").map(Long::parseLong).orElse(null),
          Http.queryInt(rc, "limit").orElse(20));
    }));
    b.getRoute("requeueSmsDeadLetters").addHandler(Http.json(200, rc -> {
      requireAdmin(rc);
      JsonArray ids = Http.body(rc).getJsonArray("ids");
      Long[] idArray = ids == null ? null : ids.stream().map(o -> ((Number) o).longValue()).toArray(Long[]::new);
      return admin.requeue(idArray).map(n -> new JsonObject().put("requeued", n));
    }));
  }

  private static void requireAdmin(RoutingContext rc) {
    if (!Principal.of(rc).has(Role.ADMIN)) {
      throw ApiException.forbidden("The SMS operator's view is for administrators.");
    }
  }
}
