package zhangban.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Set;
import zhangban.http.ApiException;

/**
 * An item's form: typed, ordered attributes in the manner of Open311 service definitions. Checks a
 * submitted form value by value and reports every problem with the JSON pointer of its field.
 */
public final class FormDefinition {
  private static final int DEFAULT_STRING_MAX = 200;
  private static final int DEFAULT_TEXT_MAX = 5000;

  private final JsonArray attributes;

  public FormDefinition(JsonArray attributes) {
    this.attributes = attributes;
  }

  /**
   * Problems with {@code form}. Unknown fields and wrongly typed values are always problems;
   * missing required values only when {@code complete} (at submission: a draft may be partial).
   */
  public JsonArray problems(JsonObject form, boolean complete) {
    JsonArray errors = new JsonArray();
    Set<String> known = new HashSet<>();
    for (int i = 0; i < attributes.size(); i++) {
      JsonObject a = attributes.getJsonObject(i);
      String code = a.getString("code");
      known.add(code);
      Object value = form.getValue(code);
      String pointer = "/form/" + code;
      if (value == null) {
        if (complete && a.getBoolean("required", false)) {
          errors.add(ApiException.fieldError(pointer, "Required: " + a.getString("name") + "."));
        }
        continue;
      }
      String problem = typeProblem(a, value);
      if (problem != null) {
        errors.add(ApiException.fieldError(pointer, problem));
      }
    }
    for (String field : form.fieldNames()) {
      if (!known.contains(field)) {
        errors.add(ApiException.fieldError("/form/" + escape(field), "Not a field of this item's form."));
      }
    }
    return errors;
  }

  private static String typeProblem(JsonObject a, Object value) {
    String type = a.getString("datatype");
    switch (type) {
      case "string", "text" -> {
        if (!(value instanceof String s)) {
          return "Must be a string.";
        }
        int max = a.getInteger("maxLength", type.equals("string") ? DEFAULT_STRING_MAX : DEFAULT_TEXT_MAX);
        if (s.codePointCount(0, s.length()) > max) {
          return "At most " + max + " characters.";
        }
        if (a.getBoolean("required", false) && s.isBlank()) {
          return "Must not be blank.";
        }
        return null;
      }
      case "number" -> {
        return value instanceof Number ? null : "Must be a number.";
      }
      case "integer" -> {
        if (value instanceof Integer || value instanceof Long) {
          return null;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e15) {
          return null;
        }
        return "Must be an integer.";
      }
      case "boolean" -> {
        return value instanceof Boolean ? null : "Must be true or false.";
      }
      case "date" -> {
        if (value instanceof String s) {
          try {
            LocalDate.parse(s);
            return null;
          } catch (DateTimeParseException e) {
            // fall through
          }
        }
        return "Must be a date (YYYY-MM-DD).";
      }
      case "datetime" -> {
        if (value instanceof String s) {
          try {
            OffsetDateTime.parse(s);
            return null;
          } catch (DateTimeParseException e) {
            // fall through
          }
        }
        return "Must be a date-time with offset (RFC 3339).";
      }
      case "singlevaluelist" -> {
        return value instanceof String s && keys(a).contains(s) ? null : "Must be one of " + keys(a) + ".";
      }
      case "multivaluelist" -> {
        if (!(value instanceof JsonArray arr)) {
          return "Must be a list of values.";
        }
        Set<String> keys = keys(a);
        Set<Object> seen = new HashSet<>();
        for (Object v : arr) {
          if (!(v instanceof String s) || !keys.contains(s) || !seen.add(s)) {
            return "Must be distinct values from " + keys + ".";
          }
        }
        return null;
      }
      default -> {
        return "This field's type is unknown.";
      }
    }
  }

  private static Set<String> keys(JsonObject a) {
    Set<String> keys = new java.util.LinkedHashSet<>();
    JsonArray values = a.getJsonArray("values", new JsonArray());
    for (int i = 0; i < values.size(); i++) {
      keys.add(values.getJsonObject(i).getString("key"));
    }
    return keys;
  }

  private static String escape(String field) {
    return field.replace("~", "~0").replace("/", "~1");
  }
}
