package zhangban.filing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An application, loaded with its item version's guide when a command needs it. A command loads it
 * under a row lock, changes fields, and {@link FilingStore#update} writes them back in the same
 * transaction.
 */
final class ApplicationRow {
  final UUID id;
  String number;
  ApplicationState state;
  final String itemCode;
  final int itemVersion;
  final String itemName;
  final String department;
  final String applicantSubject;
  final String applicantName;
  final String applicantKind;
  final String applicantUscc;
  /** 138****1234, for a transaction whose integrator gave the applicant's mobile; null otherwise. */
  final String applicantMobile;
  /** Where it was handled: app (filed in Zhangban), hall or system (registered by that system). */
  final String source;
  final String sourceClient;
  final String window;
  JsonObject form;
  Instant submittedAt;
  Instant acceptedAt;
  LocalDate clockStart;
  LocalDate deadline;
  LocalDate warningFrom;
  Instant pausedSince;
  JsonArray supplementItems;
  List<String> supplementOutstanding;
  List<String> missingMaterials;
  LocalDate supplementDeadline;
  String decisionReason;
  JsonObject result;
  Instant completedAt;
  final Instant createdAt;
  Instant updatedAt;
  int version;
  // from the item version the application was filed under; loaded for commands only (null, 0 otherwise)
  final JsonArray materials;
  final JsonArray attributes;
  final int promisedDays;

  ApplicationRow(Row r) {
    id = r.getUUID("id");
    number = r.getString("number");
    state = ApplicationState.fromWire(r.getString("state"));
    itemCode = r.getString("item_code");
    itemVersion = r.getInteger("item_version");
    itemName = r.getString("item_name");
    department = r.getString("department");
    applicantSubject = r.getString("applicant_subject");
    applicantName = r.getString("applicant_name");
    applicantKind = r.getString("applicant_kind");
    applicantUscc = r.getString("applicant_uscc");
    applicantMobile = r.getString("applicant_phone_masked");
    source = r.getString("source");
    sourceClient = r.getString("source_client");
    window = r.getString("window_code");
    form = (JsonObject) r.getJson("form");
    submittedAt = instant(r.getOffsetDateTime("submitted_at"));
    acceptedAt = instant(r.getOffsetDateTime("accepted_at"));
    clockStart = r.getLocalDate("clock_start");
    deadline = r.getLocalDate("deadline");
    warningFrom = r.getLocalDate("warning_from");
    pausedSince = instant(r.getOffsetDateTime("paused_since"));
    supplementItems = (JsonArray) r.getJson("supplement_items");
    supplementOutstanding = new ArrayList<>(List.of(r.getArrayOfStrings("supplement_outstanding")));
    missingMaterials = new ArrayList<>(List.of(r.getArrayOfStrings("missing_materials")));
    supplementDeadline = r.getLocalDate("supplement_deadline");
    decisionReason = r.getString("decision_reason");
    Object res = r.getJson("result");
    result = res instanceof JsonObject o ? o : null;
    completedAt = instant(r.getOffsetDateTime("completed_at"));
    createdAt = instant(r.getOffsetDateTime("created_at"));
    updatedAt = instant(r.getOffsetDateTime("updated_at"));
    version = r.getInteger("version");
    boolean withGuide = r.getColumnIndex("materials") >= 0;
    materials = withGuide ? (JsonArray) r.getJson("materials") : null;
    attributes = withGuide ? (JsonArray) r.getJson("attributes") : null;
    promisedDays = withGuide ? r.getInteger("promised_days") : 0;
  }

  /** A new draft, as {@link FilingStore#insertDraft} stores it (the table's defaults included). */
  ApplicationRow(UUID id, String itemCode, int itemVersion, String itemName, String department, String applicantSubject,
                 String applicantName, String applicantKind, String applicantUscc, JsonObject form, Instant at) {
    this.id = id;
    this.state = ApplicationState.DRAFT;
    this.itemCode = itemCode;
    this.itemVersion = itemVersion;
    this.itemName = itemName;
    this.department = department;
    this.applicantSubject = applicantSubject;
    this.applicantName = applicantName;
    this.applicantKind = applicantKind;
    this.applicantUscc = applicantUscc;
    this.applicantMobile = null;
    this.source = "app";
    this.sourceClient = null;
    this.window = null;
    this.form = form;
    this.supplementItems = new JsonArray();
    this.supplementOutstanding = new ArrayList<>();
    this.missingMaterials = new ArrayList<>();
    this.createdAt = at;
    this.updatedAt = at;
    this.version = 1;
    this.materials = null;
    this.attributes = null;
    this.promisedDays = 0;
  }

  /** Registered by the system that handled it, which alone moves it on. */
  boolean handledElsewhere() {
    return !"app".equals(source);
  }

  JsonObject material(String code) {
    for (int i = 0; i < materials.size(); i++) {
      if (materials.getJsonObject(i).getString("code").equals(code)) {
        return materials.getJsonObject(i);
      }
    }
    return null;
  }

  /** green, yellow or red while the clock runs; none otherwise. */
  String warning(LocalDate today) {
    if (!state.clockRuns() || deadline == null) {
      return "none";
    }
    if (today.isAfter(deadline)) {
      return "red";
    }
    return !today.isBefore(warningFrom) ? "yellow" : "green";
  }

  JsonObject toJson(LocalDate today, List<Action> allowed) {
    JsonArray actions = new JsonArray();
    allowed.forEach(a -> actions.add(a.wire()));
    return new JsonObject()
        .put("id", id.toString())
        .put("number", number)
        .put("state", state.wire())
        .put("itemCode", itemCode)
        .put("itemVersion", itemVersion)
        .put("itemName", itemName)
        .put("department", department)
        .put("applicant", new JsonObject()
            .put("subject", applicantSubject)
            .put("name", applicantName)
            .put("kind", applicantKind)
            .put("uscc", applicantUscc)
            .put("mobile", applicantMobile))
        .put("source", source)
        .put("window", window)
        .put("form", form)
        .put("submittedAt", str(submittedAt))
        .put("acceptedAt", str(acceptedAt))
        .put("deadline", str(deadline))
        .put("warningFrom", str(warningFrom))
        .put("warning", warning(today))
        .put("supplementItems", supplementItems)
        .put("outstandingSupplements", new JsonArray(new ArrayList<>(supplementOutstanding)))
        .put("missingMaterials", new JsonArray(new ArrayList<>(missingMaterials)))
        .put("supplementDeadline", str(supplementDeadline))
        .put("decisionReason", decisionReason)
        .put("result", result)
        .put("completedAt", str(completedAt))
        .put("createdAt", str(createdAt))
        .put("updatedAt", str(updatedAt))
        .put("version", version)
        .put("allowedActions", actions);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }
}
