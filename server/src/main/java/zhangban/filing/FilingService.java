package zhangban.filing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import zhangban.db.Timestamps;
import zhangban.calendar.CalendarStore;
import zhangban.calendar.WorkdayCalendar;
import zhangban.catalog.CatalogStore;
import zhangban.catalog.FormDefinition;
import zhangban.db.Idempotency;
import zhangban.http.ApiException;
import zhangban.http.ProblemType;
import zhangban.http.Cursors;
import zhangban.http.Http;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/**
 * Filing commands. Each is atomic, a transaction or (a new draft) one statement: the state change,
 * its timeline event and the idempotency record commit together or not at all.
 */
public final class FilingService {
  private static final java.time.format.DateTimeFormatter NUMBER_DATE = java.time.format.DateTimeFormatter.BASIC_ISO_DATE;

  private final Pool pool;
  private final FilingStore store = new FilingStore();
  private final CatalogStore catalog;
  private final CalendarStore calendar;
  private final Idempotency idempotency;
  private final Deadlines deadlines;
  private final Clock clock;
  private final ZoneId zone;
  private final ApplicationEvents events;

  public FilingService(Pool pool, CatalogStore catalog, CalendarStore calendar, Idempotency idempotency,
                       double warningRatio, int supplementNoticeDays, Clock clock, ZoneId zone,
                       ApplicationEvents events) {
    this.events = events;
    this.pool = pool;
    this.catalog = catalog;
    this.calendar = calendar;
    this.idempotency = idempotency;
    this.deadlines = new Deadlines(warningRatio, supplementNoticeDays);
    this.clock = clock;
    this.zone = zone;
  }

  FilingStore store() {
    return store;
  }

  Pool pool() {
    return pool;
  }

  ApplicationEvents events() {
    return events;
  }

  LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  Instant now() {
    return clock.instant();
  }

  JsonObject view(Principal p, ApplicationRow a) {
    return a.toJson(today(), Access.allowedActions(p, a));
  }

  // ---- reads ----------------------------------------------------------------------------------

  public Future<JsonObject> get(Principal p, UUID id) {
    return visible(pool, p, id).map(a -> view(p, a));
  }

  Future<ApplicationRow> visible(SqlClient c, Principal p, UUID id) {
    return store.byId(c, id).map(found -> found.filter(a -> Access.canSee(p, a)).orElseThrow(() -> notFound(id)));
  }

  /** As {@link #visible}, with the item version's guide (its materials), unlocked. */
  Future<ApplicationRow> visibleWithGuide(SqlClient c, Principal p, UUID id) {
    return store.withGuide(c, id).map(found -> found.filter(a -> Access.canSee(p, a)).orElseThrow(() -> notFound(id)));
  }

  /** A page of the timeline after the cursor (a sequence number), {@code limit} events at most. */
  public Future<JsonObject> timeline(Principal p, UUID id, Optional<String> cursor, int limit) {
    int after = cursor.map(Cursors::decodeSequence).orElse(0);
    return visible(pool, p, id).compose(a -> store.timeline(pool, id, after, limit + 1)).map(events -> {
      boolean more = events.size() > limit;
      JsonArray items = new JsonArray(events.getList().subList(0, Math.min(limit, events.size())));
      String next = more ? Cursors.encodeSequence(items.getJsonObject(items.size() - 1).getInteger("seq")) : null;
      return new JsonObject().put("items", items).put("nextCursor", next).put("hasMore", more);
    });
  }

  public record ListFilter(Optional<String> state, Optional<String> warning, Optional<String> department,
                           Optional<String> item, Optional<String> source, Optional<String> cursor, int limit) {}

  public Future<JsonObject> list(Principal p, ListFilter f) {
    String scopeSubject = null;
    String scopeUscc = null;
    String department = f.department().orElse(null);
    boolean includeDrafts;
    if (p.has(Role.MANAGER) || p.has(Role.OFFICER)) {
      department = p.departmentScope(f.department(), "queue").orElse(null);
      includeDrafts = false;
    } else if (p.isApplicant()) {
      scopeSubject = p.subject();
      scopeUscc = p.has(Role.ENTERPRISE) ? p.uscc().orElse(null) : null;
      includeDrafts = true;
    } else {
      throw ApiException.forbidden("This role has no applications to list.");
    }
    java.time.OffsetDateTime afterAt = null;
    UUID afterId = null;
    if (f.cursor().isPresent()) {
      Cursors.TimeAndId after = Cursors.decodeTimeAndId(f.cursor().get());
      afterAt = after.at();
      afterId = after.id();
    }
    FilingStore.ListQuery q = new FilingStore.ListQuery(scopeSubject, scopeUscc, department, p.regionDepartments(),
        includeDrafts,
        f.state().orElse(null), f.item().orElse(null), f.source().orElse(null), today(), f.warning().orElse(null),
        afterAt, afterId,
        f.limit() + 1);
    return store.list(pool, q).map(rows -> {
      boolean more = rows.size() > f.limit();
      List<ApplicationRow> page = more ? rows.subList(0, f.limit()) : rows;
      JsonArray items = new JsonArray();
      page.forEach(a -> items.add(view(p, a)));
      String next = null;
      if (more) {
        ApplicationRow last = page.get(page.size() - 1);
        next = Cursors.encodeTimeAndId(Timestamps.utc(last.createdAt), last.id);
      }
      return new JsonObject().put("items", items).put("nextCursor", next).put("hasMore", next != null);
    });
  }

  // ---- commands -------------------------------------------------------------------------------

  /**
   * A new draft for an item (citizen or enterprise member): one read (the reply kept under the key, the item as it is now), the rules
   * checked on it, then one statement that writes the draft, its first event and its reply
   * (known before the write: a new draft is what the insert stores) only if the key is still
   * unused. A request that lost the key to another at the same moment reads again and answers
   * the winner's reply.
   */
  public Future<JsonObject> create(Principal p, String key, JsonObject in) {
    if (!p.isApplicant()) {
      throw ApiException.forbidden("Only citizens and enterprise members file applications.");
    }
    return create(p, key, in, Idempotency.hash("createApplication", "", in), 1);
  }

  private static final int CREATE_ATTEMPTS = 3;

  private Future<JsonObject> create(Principal p, String key, JsonObject in, String hash, int attempt) {
    String itemCode = in.getString("itemCode");
    JsonObject form = in.getJsonObject("form", new JsonObject());
    return store.beforeDraft(pool, p.subject(), key, itemCode).compose(r -> {
      if (r.getString("stored_operation") != null) {
        Idempotency.check(r.getString("stored_operation"), r.getString("stored_hash"), "createApplication", hash);
        if (r.getInteger("stored_status") == 0) {
          return Future.succeededFuture(null); // still being answered: read again
        }
        return Future.succeededFuture((JsonObject) r.getJson("stored_body"));
      }
      if (r.getString("item_code") == null) {
        throw ApiException.notFound("No service item " + itemCode + ".");
      }
      JsonObject item = CatalogStore.item(r);
      if (!"active".equals(item.getString("status"))) {
        throw new ApiException(ProblemType.ITEM_RETIRED,
            "Service item " + itemCode + " is retired and takes no new applications.", null);
      }
      JsonArray problems = new FormDefinition(item.getJsonArray("attributes")).problems(form, false);
      if (!problems.isEmpty()) {
        throw ApiException.unprocessable("The form does not fit the item's form definition.", problems);
      }
      boolean enterprise = p.has(Role.ENTERPRISE);
      ApplicationRow a = new ApplicationRow(UUID.randomUUID(), itemCode, item.getInteger("version"),
          item.getString("name"), item.getString("department"), p.subject(), p.name().orElse(null),
          enterprise ? "enterprise" : "citizen", enterprise ? p.uscc().orElseThrow() : null, form,
          now().truncatedTo(ChronoUnit.MICROS));
      JsonObject reply = view(p, a);
      return store.insertDraft(pool, a, p.primaryRole(), new JsonObject().put("itemVersion", a.itemVersion), key,
          hash, reply).map(written -> written ? reply : null);
    }).recover(t -> t instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? Future.succeededFuture(null) : Future.failedFuture(t))
        .compose(reply -> {
          if (reply != null) {
            return Future.succeededFuture(reply);
          }
          if (attempt >= CREATE_ATTEMPTS) {
            throw new ApiException(ProblemType.REQUEST_IN_PROGRESS,
                "A request with this Idempotency-Key is still being answered; try again shortly.", null);
          }
          return create(p, key, in, hash, attempt + 1);
        });
  }

  public Future<JsonObject> updateForm(Principal p, UUID id, JsonObject form) {
    return pool.withTransaction(tx -> lockVisible(tx, p, id).compose(a -> {
      if (!Access.isApplicantOf(p, a)) {
        throw ApiException.forbidden("Only the applicant edits the form.");
      }
      if (a.state != ApplicationState.DRAFT && a.state != ApplicationState.SUPPLEMENT_REQUESTED) {
        throw conflict(p, a, "The form can be changed only in a draft or while supplements are awaited.");
      }
      JsonArray problems = new FormDefinition(a.attributes).problems(form, false);
      if (!problems.isEmpty()) {
        throw ApiException.unprocessable("The form does not fit the item's form definition.", problems);
      }
      a.form = form;
      a.updatedAt = now();
      return store.update(tx, a).map(v -> {
        a.version++;
        return view(p, a);
      });
    }));
  }

  /**
   * Takes {@code action} on behalf of {@code p}; with a key, a retry replays the first result; when
   * {@code ifMatch} names a version, only on that version (else 412).
   */
  public Future<JsonObject> act(Principal p, UUID id, Action action, JsonObject in, Optional<String> key,
                                Optional<Integer> ifMatch) {
    String operation = "act:" + action.wire();
    String hash = Idempotency.hash(operation, id.toString(), in);
    return pool.withTransaction(tx -> claim(tx, p.subject(), key, operation, hash).compose(replay -> {
      if (replay.isPresent()) {
        return Future.succeededFuture(replay.get());
      }
      return lockVisible(tx, p, id)
          .compose(a -> {
            Http.checkVersion(ifMatch, a.version);
            return transition(tx, p, a, action, in, p.subject(), p.primaryRole());
          })
          .compose(json -> key.isPresent()
              ? idempotency.complete(tx, p.subject(), key.get(), 200, json).map(json)
              : Future.succeededFuture(json));
    }));
  }

  /**
   * An existing approval system reports an action on an application of its department.
   * Idempotent by the event id: the same event returns the first result.
   */
  public Future<JsonObject> integrationEvent(Principal client, String number, JsonObject event) {
    if (!client.has(Role.INTEGRATION)) {
      throw ApiException.forbidden("Only integration clients report external events.");
    }
    if (client.isWindowTablet()) {
      throw ApiException.forbidden("A window's tablet rates visits; it reports no events.");
    }
    Action action = Action.fromWire(event.getString("action"));
    String operation = "integration:" + number;
    String key = "event:" + event.getString("eventId");
    String hash = Idempotency.hash(operation, number, event);
    JsonObject in = new JsonObject();
    for (String f : List.of("note", "reason", "missingMaterials", "supplementDeadline", "result")) {
      if (event.containsKey(f)) {
        in.put(f, event.getValue(f));
      }
    }
    if (event.containsKey("supplementItems")) {
      in.put("items", event.getValue("supplementItems"));
    }
    String actor = event.getString("officer", client.subject());
    return pool.withTransaction(tx -> claim(tx, client.subject(), Optional.of(key), operation, hash).compose(replay -> {
      if (replay.isPresent()) {
        return Future.succeededFuture(replay.get());
      }
      return store.lockByNumber(tx, number).compose(found -> {
        ApplicationRow a = found.filter(x -> Access.isDepartmentOf(client, x))
            .orElseThrow(() -> ApiException.notFound("No application " + number + "."));
        if (a.handledElsewhere()) {
          throw new ApiException(ProblemType.HANDLED_ELSEWHERE, "Application " + number + " was registered by the "
              + a.source + " system that handles it, not reported on by events.", null);
        }
        return catalog.department(tx, a.department).compose(dept -> {
          if (!dept.map(d -> d.getBoolean("usesExternalSystem")).orElse(false)) {
            throw ApiException.forbidden("Department " + a.department + " does not process in an external system.");
          }
          return transition(tx, client, a, action, in, actor, Role.INTEGRATION.wire());
        });
      }).compose(json -> idempotency.complete(tx, client.subject(), key, 200, json).map(json));
    }));
  }

  private Future<Optional<JsonObject>> claim(SqlClient tx, String subject, Optional<String> key, String op, String hash) {
    if (key.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return idempotency.claim(tx, subject, key.get(), op, hash).map(r -> r.map(Idempotency.Replay::body));
  }

  Future<ApplicationRow> lockVisible(SqlClient tx, Principal p, UUID id) {
    return store.lock(tx, id).map(found -> found.filter(a -> Access.canSee(p, a)).orElseThrow(() -> notFound(id)));
  }

  private Future<JsonObject> transition(SqlClient tx, Principal p, ApplicationRow a, Action action, JsonObject in,
                                        String actor, String actorRole) {
    if (a.handledElsewhere()) {
      throw new ApiException(ProblemType.HANDLED_ELSEWHERE, "Application " + a.number + " was registered by the "
          + a.source + " system that handles it; only that system moves it on.", null);
    }
    if (!Access.mayAct(p, a, action)) {
      throw ApiException.forbidden(action.party() == Action.Party.APPLICANT
          ? "Only the applicant may " + action.wire() + "."
          : "Only the department handling the application may " + action.wire() + ".");
    }
    if (!action.allowedFrom(a.state)) {
      throw conflict(p, a, "Cannot " + action.wire() + " an application that is " + a.state.wire() + ".");
    }
    ApplicationState from = a.state;
    Instant now = now();
    LocalDate today = today();
    return effect(tx, a, action, in, now, today).compose(details -> {
      a.state = action.to();
      a.updatedAt = now;
      return store.update(tx, a)
          .compose(v -> store.addEvent(tx, a.id, action.wire(), from, a.state, actor, actorRole,
              in.getString("note"), details, now))
          .compose(v -> events.transitioned(tx, new ApplicationEvents.Transition(a.id, a.number, a.itemName,
              a.applicantSubject, a.department, action.wire(), from.wire(), a.state.wire(), details, a.materials, actor,
              now, a.source)))
          .map(v -> {
            a.version++;
            return view(p, a);
          });
    });
  }

  /**
   * An electronic licence is described by {@code licence} (name, number, holder, validity, issuer);
   * the reference alone ({@code licenceRef}) is accepted until 2027-06-30 (docs/api.md).
   */
  private static void checkLicence(JsonObject result) {
    JsonObject licence = result.getJsonObject("licence");
    if ("electronic_licence".equals(result.getString("kind")) && licence == null && result.getString("licenceRef") == null) {
      throw ApiException.unprocessable("An electronic licence needs its name, number, holder, validity and issuer.",
          new JsonArray().add(ApiException.fieldError("/result/licence", "Required for an electronic licence.")));
    }
    if (licence == null) {
      return;
    }
    JsonArray errors = new JsonArray();
    String until = licence.getString("validUntil");
    if (until != null && LocalDate.parse(until).isBefore(LocalDate.parse(licence.getString("validFrom")))) {
      errors.add(ApiException.fieldError("/result/licence/validUntil", "On or after validFrom."));
    }
    String issuer = licence.getString("issuerUscc");
    if (issuer != null) {
      Principal.checkUscc(issuer, "/result/licence/issuerUscc", errors);
    }
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable("The licence does not hold together.", errors);
    }
  }

  /** What an action does besides changing the state; answers the timeline event's details. */
  private Future<JsonObject> effect(SqlClient tx, ApplicationRow a, Action action, JsonObject in, Instant now,
                                    LocalDate today) {
    JsonObject details = new JsonObject();
    switch (action) {
      case SUBMIT -> {
        return store.materials(tx, a.id).compose(uploaded -> {
          requireComplete(a, uploaded.keySet());
          a.submittedAt = now;
          if (a.number != null) {
            return Future.succeededFuture(details);
          }
          return store.nextNumberSuffix(tx).map(suffix -> {
            a.number = "ZB" + NUMBER_DATE.format(today) + suffix;
            return details.put("number", a.number);
          });
        });
      }
      case RESUBMIT -> {
        return store.materials(tx, a.id)
            .map(uploaded -> {
              requireComplete(a, uploaded.keySet());
              if (!a.supplementOutstanding.isEmpty()) {
                throw ApiException.unprocessable("Some materials asked for were not supplemented.",
                    pointers(Set.copyOf(a.supplementOutstanding), "Upload this material again as asked."));
              }
              return uploaded;
            })
            .compose(v -> a.pausedSince == null ? Future.succeededFuture() : calendar.around(tx, today).map(cal -> {
              deadlines.resume(a, cal, LocalDate.ofInstant(a.pausedSince, zone), today);
              a.pausedSince = null;
              details.put("deadline", a.deadline.toString());
              return null;
            }))
            .map(v -> {
              a.submittedAt = now;
              a.supplementItems = new JsonArray();
              return details;
            });
      }
      case WITHDRAW -> {
        return Future.succeededFuture(details);
      }
      case ACCEPT, ACCEPT_WITH_MISSING -> {
        return store.materials(tx, a.id).compose(uploaded -> calendar.around(tx, today).map(cal -> {
          Set<String> missing = missingRequired(a, uploaded.keySet());
          if (action == Action.ACCEPT) {
            if (!missing.isEmpty()) {
              throw ApiException.unprocessable("Required materials are missing: accept them as missing (容缺) or ask for supplements.",
                  pointers(missing, "Missing."));
            }
          } else {
            acceptWithMissing(a, in, uploaded.keySet(), missing, cal, today);
            details.put("missingMaterials", new JsonArray(a.missingMaterials))
                .put("supplementDeadline", a.supplementDeadline.toString());
          }
          a.acceptedAt = now;
          if (a.deadline == null) {
            deadlines.start(a, cal, deadlines.acceptedOn(cal, LocalDate.ofInstant(a.submittedAt, zone), today));
          }
          return details.put("deadline", a.deadline.toString());
        }));
      }
      case REQUEST_SUPPLEMENT -> {
        JsonArray items = requireArray(in, "items", "/items");
        JsonArray errors = new JsonArray();
        for (int i = 0; i < items.size(); i++) {
          if (a.material(items.getJsonObject(i).getString("materialCode")) == null) {
            errors.add(ApiException.fieldError("/items/" + i + "/materialCode", "Not a material of this item."));
          }
        }
        if (!errors.isEmpty()) {
          throw ApiException.unprocessable("The supplement request names unknown materials.", errors);
        }
        a.supplementItems = items;
        a.supplementOutstanding = new java.util.ArrayList<>(items.stream()
            .map(i -> ((JsonObject) i).getString("materialCode")).distinct().toList());
        details.put("items", items);
        return calendar.around(tx, today).map(cal -> {
          LocalDate received = LocalDate.ofInstant(a.submittedAt, zone);
          if (a.deadline == null && deadlines.noticePeriodMissed(cal, received, today)) {
            // 一次性告知 came too late: the application counts as accepted on receipt; the clock stops now
            deadlines.start(a, cal, received);
            details.put("deemedAcceptedOn", received.toString());
          }
          if (a.deadline != null) {
            a.pausedSince = now;
          }
          return details;
        });
      }
      case REJECT, DENY -> {
        a.decisionReason = requireText(in, "reason");
        return Future.succeededFuture(details.put("reason", a.decisionReason));
      }
      case START_REVIEW, APPROVE -> {
        return Future.succeededFuture(details);
      }
      case COMPLETE -> {
        JsonObject result = in.getJsonObject("result");
        if (result == null) {
          throw ApiException.unprocessable("A completion needs its result.",
              new JsonArray().add(ApiException.fieldError("/result", "Required.")));
        }
        checkLicence(result);
        if (!a.missingMaterials.isEmpty()) {
          throw ApiException.unprocessable("Materials accepted as missing (容缺) must be supplied before completion.",
              pointers(Set.copyOf(a.missingMaterials), "Still missing."));
        }
        a.result = result;
        a.completedAt = now;
        return Future.succeededFuture(details.put("result", result));
      }
      default -> throw new IllegalStateException("No effect for " + action);
    }
  }

  private void acceptWithMissing(ApplicationRow a, JsonObject in, Set<String> uploaded, Set<String> missingRequired,
                                 WorkdayCalendar cal, LocalDate today) {
    JsonArray named = requireArray(in, "missingMaterials", "/missingMaterials");
    String deadlineText = requireText(in, "supplementDeadline");
    JsonArray errors = new JsonArray();
    List<String> codes = named.stream().map(String::valueOf).toList();
    for (int i = 0; i < codes.size(); i++) {
      JsonObject m = a.material(codes.get(i));
      if (m == null) {
        errors.add(ApiException.fieldError("/missingMaterials/" + i, "Not a material of this item."));
      } else if (!m.getBoolean("toleranceAllowed", false)) {
        errors.add(ApiException.fieldError("/missingMaterials/" + i, "This material may not be missing (no 容缺)."));
      } else if (uploaded.contains(codes.get(i))) {
        errors.add(ApiException.fieldError("/missingMaterials/" + i, "This material was supplied."));
      }
    }
    for (String code : missingRequired) {
      if (!codes.contains(code)) {
        errors.add(ApiException.fieldError("/materials/" + code, "Missing, and not named as accepted missing."));
      }
    }
    LocalDate supplementBy;
    try {
      supplementBy = LocalDate.parse(deadlineText);
    } catch (java.time.format.DateTimeParseException e) {
      throw ApiException.badRequest("supplementDeadline must be a date.");
    }
    LocalDate start = a.deadline != null ? a.clockStart : deadlines.acceptedOn(cal, LocalDate.ofInstant(a.submittedAt, zone), today);
    LocalDate promised = a.deadline != null ? a.deadline : cal.addWorkingDays(start, a.promisedDays);
    if (supplementBy.isBefore(today) || supplementBy.isAfter(promised)) {
      errors.add(ApiException.fieldError("/supplementDeadline",
          "Must be between today and the promised deadline " + promised + "."));
    }
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable("The 容缺 acceptance breaks the item's rules.", errors);
    }
    a.missingMaterials = new java.util.ArrayList<>(codes);
    a.supplementDeadline = supplementBy;
  }

  /** Submission needs a complete form and every required material, except those 容缺 may excuse. */
  private static void requireComplete(ApplicationRow a, Set<String> uploaded) {
    JsonArray errors = new FormDefinition(a.attributes).problems(a.form, true);
    for (int i = 0; i < a.materials.size(); i++) {
      JsonObject m = a.materials.getJsonObject(i);
      if (m.getBoolean("required") && !m.getBoolean("toleranceAllowed", false) && !uploaded.contains(m.getString("code"))) {
        errors.add(ApiException.fieldError("/materials/" + m.getString("code"), "Required: " + m.getString("name") + "."));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable("The application is incomplete.", errors);
    }
  }

  private static Set<String> missingRequired(ApplicationRow a, Set<String> uploaded) {
    Set<String> missing = new java.util.TreeSet<>();
    for (int i = 0; i < a.materials.size(); i++) {
      JsonObject m = a.materials.getJsonObject(i);
      if (m.getBoolean("required") && !uploaded.contains(m.getString("code"))) {
        missing.add(m.getString("code"));
      }
    }
    return missing;
  }

  private static JsonArray pointers(Set<String> codes, String message) {
    return new JsonArray(codes.stream().sorted()
        .map(c -> ApiException.fieldError("/materials/" + c, message)).collect(Collectors.toList()));
  }

  private static String requireText(JsonObject in, String field) {
    String v = in.getString(field);
    if (v == null || v.isBlank()) {
      throw ApiException.unprocessable("Missing " + field + ".",
          new JsonArray().add(ApiException.fieldError("/" + field, "Required.")));
    }
    return v;
  }

  private static JsonArray requireArray(JsonObject in, String field, String pointer) {
    JsonArray v = in.getJsonArray(field);
    if (v == null || v.isEmpty()) {
      throw ApiException.unprocessable("Missing " + field + ".",
          new JsonArray().add(ApiException.fieldError(pointer, "Required, at least one.")));
    }
    return v;
  }

  ApiException conflict(Principal p, ApplicationRow a, String detail) {
    JsonArray allowed = new JsonArray();
    Access.allowedActions(p, a).forEach(x -> allowed.add(x.wire()));
    return new ApiException(ProblemType.INVALID_TRANSITION, detail,
        new JsonObject().put("currentState", a.state.wire()).put("allowedActions", allowed));
  }

  static ApiException notFound(UUID id) {
    return ApiException.notFound("No application " + id + ".");
  }
}
