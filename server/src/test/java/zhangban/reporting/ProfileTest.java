package zhangban.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every record kind rendered through every shipped profile is a body the platform's own schema
 * (shipped beside the profile, written apart from the mapping) accepts, with every optional field
 * and without them; the code tables say what each province means; a profile that could fail a
 * record later fails when it is loaded.
 */
class ProfileTest {
  static final String AT = SampleRecords.AT;

  /** A record of {@code kind} with every canonical field it may carry. */
  static ReportRecord full(RecordKind kind) {
    return SampleRecords.full(kind, "ZB2026112500000001", "r-1", "c-1");
  }

  /** The same record with only what no record of its kind goes without. */
  static ReportRecord lean(RecordKind kind) {
    JsonObject f = full(kind).fields().copy();
    for (String optional : List.of("itemImplementationCode", "departmentName", "officer", "promisedDays", "deadline",
        "reason", "materials", "licenceName", "licenceNumber", "licenceHolder", "licenceValidFrom", "licenceValidUntil",
        "licenceIssuer", "tags", "comment", "note")) {
      f.remove(optional);
    }
    return new ReportRecord(kind, "ZB2026112500000001", f);
  }

  static SchemaRepository schemas(Profile profile) throws Exception {
    try (InputStream in = Profile.class.getResourceAsStream(profile.schemaResource())) {
      JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
          .setOutputFormat(OutputFormat.Basic).setBaseUri("https://zhangban.gov.cn/"))
          .dereference(schema.getString("$id"), JsonSchema.of(schema));
    }
  }

  static OutputUnit validate(SchemaRepository repo, Profile profile, RecordKind kind, JsonObject body) {
    return repo.validator(JsonSchema.of(new JsonObject().put("$ref",
        "https://zhangban.gov.cn/reporting/" + profile.name() + ".schema.json#/$defs/" + kind.wire()))).validate(body);
  }

  @Test
  void everyRecordKindThroughEveryShippedProfileIsABodyThePlatformsSchemaAccepts() throws Exception {
    List<String> offenders = new ArrayList<>();
    for (String name : Profile.SHIPPED) {
      Profile profile = Profile.load(name);
      SchemaRepository repo = schemas(profile);
      for (RecordKind kind : RecordKind.values()) {
        for (ReportRecord record : List.of(full(kind), lean(kind))) {
          Profile.Rendered r = profile.render(record);
          OutputUnit out = validate(repo, profile, kind, r.body());
          if (!out.getValid()) {
            offenders.add(name + " " + kind.wire() + ": " + out.getErrors() + " in " + r.body().encode());
          }
          if (r.type() == null || r.key().contains("null")) {
            offenders.add(name + " " + kind.wire() + ": type " + r.type() + ", key " + r.key());
          }
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void theSchemasRefuseWhatThePlatformWouldRefuse() throws Exception {
    Profile zhejiang = Profile.load("zhejiang");
    JsonObject body = zhejiang.render(full(RecordKind.RATING)).body();
    SchemaRepository repo = schemas(zhejiang);
    assertTrue(validate(repo, zhejiang, RecordKind.RATING, body).getValid());
    assertFalse(validate(repo, zhejiang, RecordKind.RATING, body.copy().put("satisfaction", "6")).getValid());
    assertFalse(validate(repo, zhejiang, RecordKind.RATING, body.copy().put("deptCode", "MZJ")).getValid());
    assertFalse(validate(repo, zhejiang, RecordKind.RATING, body.copy().put("assessTime", AT)).getValid());
    assertFalse(validate(repo, zhejiang, RecordKind.RATING, body.copy().put("surprise", 1)).getValid());
  }

  @Test
  void eachProvinceCodesSatisfactionAndChannelItsOwnWay() {
    JsonObject gb = Profile.load("gbt-39046-2020").render(full(RecordKind.RATING)).body();
    assertEquals("1", gb.getString("satisfaction"), "GB/T 39046-2020 A.8: 1 = 非常满意");
    assertEquals("6", gb.getString("channel"), "电话");
    assertEquals("2026-11-25 10:00:00", gb.getString("evaluationTime"), "Shanghai time");
    assertEquals("efficiency", gb.getString("reasonCodes"));

    Profile zhejiang = Profile.load("zhejiang");
    Profile.Rendered zj = zhejiang.render(full(RecordKind.RATING));
    assertEquals("5", zj.body().getString("satisfaction"), "Zhejiang: 5 = 非常满意");
    assertEquals("assess", zj.type());
    assertEquals("rating:r-1:1", zj.key(), "keyed by the rating and its count, so a follow-up is another record");
    assertEquals(1, zj.body().getInteger("assessNumber"));
    assertEquals("follow_up:r-1:2", zhejiang.render(full(RecordKind.FOLLOW_UP)).key());
    assertEquals("case_replied:c-1", zhejiang.render(full(RecordKind.CASE_REPLIED)).key());
    assertEquals("1", zhejiang.render(full(RecordKind.APPLICATION_REFUSED)).body().getString("DOACTION"), "不予受理");
    assertEquals("0", zhejiang.render(full(RecordKind.APPLICATION_ACCEPTED)).body().getString("DOACTION"), "受理");
  }

  @Test
  void aProfileThatWouldFailARecordLaterFailsWhenLoaded(@TempDir Path dir) throws Exception {
    JsonObject spec;
    try (InputStream in = Profile.class.getResourceAsStream("/reporting/zhejiang.json")) {
      spec = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    spec.getJsonObject("codes").getJsonObject("pf").getJsonObject("map").remove("hotline");
    spec.getJsonObject("records").remove("case_closed");
    spec.getJsonObject("records").getJsonObject("rating").getJsonObject("fields")
        .put("assessTime", new JsonObject().put("from", "at").put("format", "epoch"))
        .put("proStatus", new JsonObject().put("from", "level").put("codes", "proStatus"));
    Object followUpFields = spec.getJsonObject("records").getJsonObject("follow_up").remove("fields");
    JsonObject transport = spec.getJsonObject("transport").copy();
    spec.getJsonObject("transport").put("batch", new JsonObject().put("size", 5000).put("path", "batch"))
        .put("charset", "EBCDIC-KLINGON").getJsonObject("answer").remove("success");
    Path file = dir.resolve("province.json");
    Files.writeString(file, spec.encode());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profile.load(file.toString()));
    assertTrue(e.getMessage().contains("code table pf must code exactly"), e.getMessage());
    assertTrue(e.getMessage().contains("no record case_closed"), e.getMessage());
    assertTrue(e.getMessage().contains("rating.assessTime has an unknown format epoch"), e.getMessage());
    assertTrue(e.getMessage().contains("rating.proStatus codes level with table proStatus of another domain"),
        e.getMessage());
    assertTrue(e.getMessage().contains("follow_up needs a type, a key and fields"), e.getMessage());
    for (String problem : List.of("transport.batch.size must be 2 to 1000", "transport.batch.path must start with /",
        "transport.batch needs format json", "transport.charset EBCDIC-KLINGON is not a charset",
        "transport.answer needs the code field and the success codes")) {
      assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    spec.getJsonObject("codes").getJsonObject("pf").getJsonObject("map").put("hotline", "6");
    spec.getJsonObject("records").put("case_closed", spec.getJsonObject("records").getJsonObject("case_replied"));
    spec.getJsonObject("records").getJsonObject("rating").getJsonObject("fields")
        .put("assessTime", new JsonObject().put("from", "at").put("format", "datetime"))
        .put("proStatus", new JsonObject().put("from", "stage").put("codes", "proStatus"));
    spec.getJsonObject("records").getJsonObject("follow_up").put("fields", followUpFields);
    spec.put("transport", transport);
    Files.writeString(file, spec.encode());
    assertEquals("6", Profile.load(file.toString()).render(full(RecordKind.RATING)).body().getString("pf"),
        "a mounted profile overrides what is shipped");
  }

  @Test
  void aProfileFileThatIsMissingOrNotAProfileStopsTheStartSayingWhy(@TempDir Path dir) throws Exception {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Profile.load(dir.resolve("absent.json").toString()));
    assertTrue(missing.getMessage().startsWith("Cannot read reporting profile " + dir.resolve("absent.json")),
        missing.getMessage());
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"records\": ");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Profile.load(broken.toString())).getMessage()
        .contains("is not a JSON object"));
    Files.writeString(broken, "{\"records\": \"all of them\", \"transport\": 7}");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Profile.load(broken.toString())).getMessage()
        .contains("has a field of the wrong type"));
  }
}
