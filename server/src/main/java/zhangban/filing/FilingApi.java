package zhangban.filing;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import zhangban.http.ApiException;
import zhangban.http.FileUploads;
import zhangban.http.Http;
import zhangban.identity.Principal;

/** Handlers of the filing, supervision and integration operations. */
public final class FilingApi {
  private static final Map<String, Action> ACTIONS = Map.ofEntries(
      Map.entry("submitApplication", Action.SUBMIT),
      Map.entry("resubmitApplication", Action.RESUBMIT),
      Map.entry("withdrawApplication", Action.WITHDRAW),
      Map.entry("acceptApplication", Action.ACCEPT),
      Map.entry("acceptApplicationWithMissing", Action.ACCEPT_WITH_MISSING),
      Map.entry("requestSupplement", Action.REQUEST_SUPPLEMENT),
      Map.entry("rejectApplication", Action.REJECT),
      Map.entry("startReview", Action.START_REVIEW),
      Map.entry("approveApplication", Action.APPROVE),
      Map.entry("denyApplication", Action.DENY),
      Map.entry("completeApplication", Action.COMPLETE));
  private static final Pattern CODE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");

  private final FilingService filing;
  private final Materials materials;
  private final Supervision supervision;
  private final ExternalTransactions transactions;
  private final java.nio.file.Path uploadsDir;
  private final long maxUploadBytes;

  public FilingApi(FilingService filing, Materials materials, Supervision supervision, ExternalTransactions transactions,
                   java.nio.file.Path uploadsDir, long maxUploadBytes) {
    this.filing = filing;
    this.transactions = transactions;
    this.uploadsDir = uploadsDir;
    this.maxUploadBytes = maxUploadBytes;
    this.materials = materials;
    this.supervision = supervision;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("listApplications").addHandler(Http.json(200, rc -> filing.list(Principal.of(rc),
        new FilingService.ListFilter(Http.query(rc, "state"), Http.query(rc, "warning"), Http.query(rc, "department"),
            Http.query(rc, "item"), Http.query(rc, "source"), Http.query(rc, "cursor"),
            Http.queryInt(rc, "limit").orElse(20)))));
    b.getRoute("createApplication").addHandler(Http.json(201, rc -> filing.create(Principal.of(rc),
        Http.header(rc, "Idempotency-Key").orElseThrow(), Http.body(rc))));
    b.getRoute("getApplication").addHandler(Http.json(200, rc -> filing.get(Principal.of(rc), id(rc))));
    b.getRoute("updateApplicationForm").addHandler(Http.json(200, rc -> filing.updateForm(Principal.of(rc), id(rc),
        Http.body(rc).getJsonObject("form"))));
    b.getRoute("getApplicationTimeline").addHandler(Http.json(200, rc -> filing.timeline(Principal.of(rc), id(rc),
        Http.query(rc, "cursor"), Http.queryInt(rc, "limit").orElse(100))));
    ACTIONS.forEach((operationId, action) -> b.getRoute(operationId).addHandler(Http.json(200, rc ->
        filing.act(Principal.of(rc), id(rc), action, Http.body(rc), Http.header(rc, "Idempotency-Key"),
            Http.ifMatch(rc)))));

    b.getRoute("listApplicationMaterials").addHandler(Http.json(200, rc -> materials.list(Principal.of(rc), id(rc))
        .map(items -> new JsonObject().put("items", items))));
    b.getRoute("downloadMaterial").addHandler(rc -> materials
        .content(Principal.of(rc), id(rc), Http.path(rc, "materialCode"))
        .onSuccess(c -> rc.response()
            .putHeader("Content-Type", "application/octet-stream")
            .putHeader("Content-Disposition", "attachment; filename*=UTF-8''"
                + URLEncoder.encode(c.fileName(), StandardCharsets.UTF_8).replace("+", "%20"))
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Cache-Control", "private, no-store")
            .end(c.bytes()))
        .onFailure(rc::fail));
    b.getRoute("removeMaterial").addHandler(rc -> materials
        .remove(Principal.of(rc), id(rc), Http.path(rc, "materialCode"))
        .onSuccess(v -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail));
    // The contract's multipart body is checked here, after the caller is known: the generic
    // validator would need the body read first.
    b.getRoute("uploadMaterial").setDoValidation(false).addHandler(Http.json(200, this::upload));

    b.getRoute("overdueReport").addHandler(Http.json(200, rc ->
        supervision.overdue(Principal.of(rc), Http.query(rc, "department"))));
    b.getRoute("recordIntegrationEvent").addHandler(Http.json(200, rc ->
        filing.integrationEvent(Principal.of(rc), Http.path(rc, "number"), Http.body(rc))));
    // 201 when the call registered the transaction, 200 when it moved it on or found it as asked
    b.getRoute("registerTransaction").addHandler(rc -> {
      io.vertx.core.Future<ExternalTransactions.Registered> f;
      try {
        f = transactions.register(Principal.of(rc), Http.path(rc, "number"), Http.body(rc));
      } catch (RuntimeException e) {
        rc.fail(e);
        return;
      }
      f.onSuccess(r -> Http.send(rc, r.created() ? 201 : 200, r.view())).onFailure(rc::fail);
    });
  }

  /**
   * Who may upload is settled before the body is read: the caller's token (the route's security),
   * then the application, the material and its state; only then is the file received.
   */
  private io.vertx.core.Future<JsonObject> upload(RoutingContext rc) {
    // the bearer check let the body flow again; hold it until the application has been looked at
    if (!rc.request().isEnded()) {
      rc.request().pause();
    }
    Principal p = Principal.of(rc);
    UUID id = Http.pathUuid(rc, "id");
    String code = rc.pathParam("materialCode");
    if (code == null || !CODE.matcher(code).matches()) {
      throw ApiException.invalid("/path/materialCode", "Must match " + CODE.pattern() + ".");
    }
    String contentType = Optional.ofNullable(rc.request().getHeader("Content-Type")).orElse("").toLowerCase();
    if (!contentType.startsWith("multipart/form-data")) {
      throw ApiException.unsupportedMediaType("Upload the file as multipart/form-data with one part named file.");
    }
    return materials.admit(p, id, code)
        .compose(maxBytes -> FileUploads.receive(rc, uploadsDir, "file", Math.min(maxBytes, maxUploadBytes)))
        .compose(f -> materials.upload(p, id, code,
            new Materials.Upload(f.file().toString(), f.fileName(), f.declaredType(), f.size())));
  }

  private static UUID id(RoutingContext rc) {
    return Http.pathUuid(rc, "id");
  }
}
