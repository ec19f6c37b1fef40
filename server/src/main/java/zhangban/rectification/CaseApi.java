package zhangban.rectification;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.Optional;
import zhangban.http.Http;
import zhangban.identity.Principal;

/** Handlers of rectification cases (差评整改): the queues, a case, its steps and its appeal. */
public final class CaseApi {
  private final CaseService cases;

  public CaseApi(CaseService cases) {
    this.cases = cases;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("listRectificationCases").addHandler(Http.json(200, rc -> cases.list(Principal.of(rc),
        new CaseService.ListFilter(Http.query(rc, "state"), Http.query(rc, "warning"), Http.query(rc, "department"),
            Http.query(rc, "appeal"), Http.query(rc, "escalated").map(Boolean::parseBoolean), Http.query(rc, "cursor"),
            Http.queryInt(rc, "limit").orElse(20)))));
    b.getRoute("getRectificationCase").addHandler(Http.json(200, rc -> cases.get(Principal.of(rc),
        Http.pathUuid(rc, "caseId"))));
    b.getRoute("claimRectificationCase").addHandler(Http.json(200, rc -> cases.claim(Principal.of(rc),
        Http.pathUuid(rc, "caseId"), key(rc), Http.ifMatch(rc))));
    b.getRoute("verifyRectificationCase").addHandler(Http.json(200, rc -> cases.verify(Principal.of(rc),
        Http.pathUuid(rc, "caseId"), Http.body(rc), key(rc), Http.ifMatch(rc))));
    b.getRoute("rectifyRectificationCase").addHandler(Http.json(200, rc -> cases.rectify(Principal.of(rc),
        Http.pathUuid(rc, "caseId"), Http.body(rc), key(rc), Http.ifMatch(rc))));
    b.getRoute("replyRectificationCase").addHandler(Http.json(200, rc -> cases.reply(Principal.of(rc),
        Http.pathUuid(rc, "caseId"), Http.body(rc), key(rc), Http.ifMatch(rc))));
    b.getRoute("appealRectificationCase").addHandler(Http.json(200, rc -> cases.appeal(Principal.of(rc),
        Http.pathUuid(rc, "caseId"), Http.body(rc), key(rc), Http.ifMatch(rc))));
    b.getRoute("decideRectificationAppeal").addHandler(Http.json(200, rc -> cases.decideAppeal(Principal.of(rc),
        Http.pathUuid(rc, "caseId"), Http.body(rc), key(rc), Http.ifMatch(rc))));
  }

  private static Optional<String> key(RoutingContext rc) {
    return Http.header(rc, "Idempotency-Key");
  }
}
