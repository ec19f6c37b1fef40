package zhangban.reporting;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How one platform wants the records: for each {@link RecordKind}, its record type, the fields it
 * is keyed by (with the kind, what a platform that dedupes recognises a resend by), and each of its fields, named
 * as the platform names them and filled from a canonical field of {@link ReportRecord}, through a
 * code table where the platform codes a value its own way (满意度, 评价渠道 …) and in its time format.
 * Provinces differ, so a profile is a file: shipped ones under {@code reporting/} on the classpath,
 * or one mounted at a path. Loading checks it whole, so a wrong profile stops the server at start,
 * never a record on its way.
 *
 * <p>A field is {@code {"from": canonical}} with optional {@code "codes": table} or
 * {@code "format": "datetime" | "date" | "join" | "flag"}, or {@code {"value": constant}}.
 * A canonical field that is absent or null leaves the platform's field out.
 */
public final class Profile {
  /** The canonical values each coded domain has: a code table must code every one of them. */
  static final Map<String, Set<String>> DOMAINS = Map.of(
      "channel", Set.of("app", "web", "hall", "tablet", "kiosk", "qr", "sms", "hotline", "system"),
      "level", Set.of("1", "2", "3", "4", "5"),
      "satisfaction", Set.of("satisfied", "basically_satisfied", "dissatisfied"),
      "stage", Set.of("accepted", "completed"),
      "resultKind", Set.of("electronic_licence", "paper_certificate", "notice"),
      "finding", Set.of("true", "partly_true", "untrue"),
      "outcome", Set.of("immediate", "ledger", "explanation"),
      "closeReason", Set.of("follow_up", "no_follow_up", "appeal_upheld"),
      "applicantKind", Set.of("citizen", "enterprise"));
  private static final Set<String> FORMATS = Set.of("datetime", "date", "join", "flag");

  /** A record as the platform takes it: its type, its key, its body. */
  public record Rendered(String type, String key, JsonObject body) {}

  /**
   * How the platform takes records over HTTP: JSON or form-encoded bodies in a charset, one record
   * a request at {@code path} ({@code {type}} replaced by the record's type), or {@code batchSize}
   * records a request at {@code batchPath} (JSON only), and how it answers.
   */
  public record Transport(String format, java.nio.charset.Charset charset, String path, int batchSize,
                          String batchPath, Answer answer) {
    public boolean batches() {
      return batchSize > 1;
    }
  }

  /**
   * How the platform's answer reads: the fields of its code, message and receipt, the codes that
   * mean accepted and already accepted (a resend it recognised by the key), and for a batch the
   * field of its per-record results and their key field. Any other code rejects the record.
   */
  public record Answer(String code, String message, String receipt, Set<String> success, Set<String> duplicate,
                       String results, String key) {}

  private final String name;
  private final JsonObject spec;
  private final DateTimeFormatter dateTime;
  private final Transport transport;

  private Profile(String name, JsonObject spec) {
    this.name = name;
    this.spec = spec;
    ZoneId zone = ZoneId.of(spec.getString("timeZone", "Asia/Shanghai"));
    this.dateTime = DateTimeFormatter.ofPattern(spec.getString("dateTimeFormat", "yyyy-MM-dd HH:mm:ss")).withZone(zone);
    List<String> problems = check();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Reporting profile " + name + " is not usable: " + String.join("; ", problems));
    }
    JsonObject t = spec.getJsonObject("transport");
    JsonObject a = t.getJsonObject("answer");
    JsonObject batch = t.getJsonObject("batch", new JsonObject());
    this.transport = new Transport(t.getString("format"), java.nio.charset.Charset.forName(t.getString("charset", "UTF-8")),
        t.getString("path"), batch.getInteger("size", 1), batch.getString("path"),
        new Answer(a.getString("code"), a.getString("message"), a.getString("receipt"), strings(a, "success"),
            strings(a, "duplicate"), a.getString("results", "results"), a.getString("key", "key")));
  }

  private static Set<String> strings(JsonObject o, String field) {
    return o.getJsonArray(field, new JsonArray()).stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet());
  }

  public Transport transport() {
    return transport;
  }

  /** The record kinds this record type carries (several kinds may share one type). */
  public List<String> kindsOf(String type) {
    return spec.getJsonObject("records").stream()
        .filter(r -> type.equals(((JsonObject) r.getValue()).getString("type")))
        .map(Map.Entry::getKey).sorted().toList();
  }

  /** A shipped profile by name ({@code gbt-39046-2020}, {@code zhejiang}), or a file by its path. */
  public static Profile load(String nameOrPath) {
    String text;
    try {
      if (nameOrPath.contains("/") || nameOrPath.endsWith(".json")) {
        text = Files.readString(Path.of(nameOrPath));
      } else {
        try (InputStream in = Profile.class.getResourceAsStream("/reporting/" + nameOrPath + ".json")) {
          if (in == null) {
            throw new IllegalArgumentException("No shipped reporting profile " + nameOrPath + " (shipped: " + SHIPPED + ")");
          }
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read reporting profile " + nameOrPath + ": " + e, e);
    }
    try {
      return new Profile(nameOrPath, new JsonObject(text));
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException("Reporting profile " + nameOrPath + " is not a JSON object: " + e.getMessage(), e);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("Reporting profile " + nameOrPath + " has a field of the wrong type: "
          + e.getMessage(), e);
    }
  }

  /** The profiles in the server's resources. */
  public static final List<String> SHIPPED = List.of("gbt-39046-2020", "zhejiang");

  public String name() {
    return name;
  }

  /** The JSON Schema of a record type's body, shipped beside a shipped profile. */
  public String schemaResource() {
    return "/reporting/" + name + ".schema.json";
  }

  public Rendered render(ReportRecord record) {
    JsonObject kind = spec.getJsonObject("records").getJsonObject(record.kind().wire());
    JsonObject body = new JsonObject();
    kind.getJsonObject("fields").forEach(f -> {
      Object value = value((JsonObject) f.getValue(), record.fields());
      if (value != null) {
        body.put(f.getKey(), value);
      }
    });
    String key = record.kind().wire() + ":" + kind.getJsonArray("key").stream()
        .map(k -> String.valueOf(record.fields().getValue((String) k))).collect(Collectors.joining(":"));
    return new Rendered(kind.getString("type"), key, body);
  }

  private Object value(JsonObject field, JsonObject canonical) {
    if (field.containsKey("value")) {
      return field.getValue("value");
    }
    Object v = canonical.getValue(field.getString("from"));
    if (v == null) {
      return null;
    }
    String codes = field.getString("codes");
    if (codes != null) {
      String code = spec.getJsonObject("codes").getJsonObject(codes).getJsonObject("map").getString(String.valueOf(v));
      if (code == null) {
        throw new IllegalStateException("Profile " + name + " codes no " + v + " in " + codes);
      }
      return code;
    }
    String format = field.getString("format");
    if (format == null) {
      return v;
    }
    return switch (format) {
      case "datetime" -> dateTime.format(Instant.parse((String) v));
      case "date" -> v; // already a yyyy-mm-dd day
      case "join" -> ((JsonArray) v).stream().map(String::valueOf).collect(Collectors.joining(","));
      case "flag" -> Boolean.TRUE.equals(v) ? "1" : "0";
      default -> throw new IllegalStateException("Unknown format " + format);
    };
  }

  /** Everything that would make a record fail later: listed now, all at once. */
  private List<String> check() {
    List<String> problems = new ArrayList<>();
    JsonObject codes = spec.getJsonObject("codes", new JsonObject());
    codes.forEach(c -> {
      JsonObject table = (JsonObject) c.getValue();
      Set<String> domain = DOMAINS.get(table.getString("domain"));
      if (domain == null) {
        problems.add("code table " + c.getKey() + " has no known domain (" + DOMAINS.keySet() + ")");
      } else if (!table.getJsonObject("map", new JsonObject()).fieldNames().equals(domain)) {
        problems.add("code table " + c.getKey() + " must code exactly " + domain);
      }
    });
    JsonObject records = spec.getJsonObject("records", new JsonObject());
    for (RecordKind kind : RecordKind.values()) {
      JsonObject r = records.getJsonObject(kind.wire());
      if (r == null) {
        problems.add("no record " + kind.wire());
        continue;
      }
      if (r.getString("type") == null || r.getJsonArray("key", new JsonArray()).isEmpty()
          || r.getJsonObject("fields") == null) {
        problems.add(kind.wire() + " needs a type, a key and fields");
        continue;
      }
      r.getJsonObject("fields").forEach(f -> {
        JsonObject field = (JsonObject) f.getValue();
        String where = kind.wire() + "." + f.getKey();
        if (!field.containsKey("value") && field.getString("from") == null) {
          problems.add(where + " needs from or value");
        }
        String table = field.getString("codes");
        if (table != null && !codes.containsKey(table)) {
          problems.add(where + " names no code table " + table);
        } else if (table != null && !codes.getJsonObject(table).getString("domain", "").equals(field.getString("from"))) {
          problems.add(where + " codes " + field.getString("from") + " with table " + table + " of another domain");
        }
        if (field.getString("format") != null && !FORMATS.contains(field.getString("format"))) {
          problems.add(where + " has an unknown format " + field.getString("format"));
        }
      });
    }
    checkTransport(spec.getJsonObject("transport"), problems);
    Set<String> kinds = java.util.Arrays.stream(RecordKind.values()).map(RecordKind::wire).collect(Collectors.toSet());
    records.fieldNames().stream().filter(k -> !kinds.contains(k)).forEach(k -> problems.add("unknown record " + k));
    return problems;
  }

  private static void checkTransport(JsonObject t, List<String> problems) {
    if (t == null) {
      problems.add("no transport (format, path, answer)");
      return;
    }
    String format = t.getString("format");
    if (!"json".equals(format) && !"form".equals(format)) {
      problems.add("transport.format must be json or form");
    }
    try {
      java.nio.charset.Charset.forName(t.getString("charset", "UTF-8"));
    } catch (RuntimeException e) {
      problems.add("transport.charset " + t.getValue("charset") + " is not a charset");
    }
    if (t.getString("path") == null || !t.getString("path").startsWith("/")) {
      problems.add("transport.path must start with /");
    }
    JsonObject batch = t.getJsonObject("batch");
    if (batch != null) {
      Integer size = batch.getInteger("size");
      if (size == null || size < 2 || size > 1000) {
        problems.add("transport.batch.size must be 2 to 1000");
      }
      if (batch.getString("path") == null || !batch.getString("path").startsWith("/")) {
        problems.add("transport.batch.path must start with /");
      }
      if (!"json".equals(format)) {
        problems.add("transport.batch needs format json");
      }
    }
    JsonObject a = t.getJsonObject("answer");
    if (a == null || a.getString("code") == null || a.getJsonArray("success", new JsonArray()).isEmpty()) {
      problems.add("transport.answer needs the code field and the success codes");
    }
  }
}
