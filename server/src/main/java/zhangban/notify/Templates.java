package zhangban.notify;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Notification texts per kind and locale (zh-CN, en), filled from a notification's parameters. */
public final class Templates {
  public static final String DEFAULT_LOCALE = "zh-CN";
  private final JsonObject templates;

  private Templates(JsonObject templates) {
    this.templates = templates;
  }

  public static Templates load() {
    try (InputStream in = Templates.class.getResourceAsStream("/notify/templates.json")) {
      return new Templates(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("Cannot read notify/templates.json", e);
    }
  }

  public record Text(String title, String body) {}

  public Text render(String kind, String locale, JsonObject params) {
    JsonObject byLocale = templates.getJsonObject(kind);
    if (byLocale == null) {
      throw new IllegalArgumentException("No template for " + kind);
    }
    JsonObject t = byLocale.getJsonObject(locale, byLocale.getJsonObject(DEFAULT_LOCALE));
    String lang = byLocale.containsKey(locale) ? locale : DEFAULT_LOCALE;
    return new Text(fill(t.getString("title"), params, lang), fill(t.getString("body"), params, lang).trim());
  }

  private static String fill(String text, JsonObject params, String locale) {
    String out = text;
    for (String key : params.fieldNames()) {
      Object v = params.getValue(key);
      String value;
      if (v instanceof JsonObject localized) {
        value = localized.getString(locale, localized.getString(DEFAULT_LOCALE, ""));
      } else {
        value = v == null ? "" : String.valueOf(v);
      }
      out = out.replace("{" + key + "}", value);
    }
    return out.replaceAll("\\{[a-z]+}", "");
  }

  public boolean has(String kind) {
    return templates.containsKey(kind);
  }
}
