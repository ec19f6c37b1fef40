package zhangban.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Loads the contract from the api-spec jar for the router and the response validator.
 *
 * <p>vertx-openapi 5.0 refuses media types other than JSON, {@code vnd.*+json}, multipart,
 * octet-stream and plain text, so it cannot read {@code application/problem+json} (RFC 9457).
 * The contract keeps the true type; the router gets a copy in which error bodies are declared as
 * {@code application/json}, which validates the same schema. Errors still go out as problem+json.
 * CSV exports ({@code text/csv}) and printable pages ({@code text/html}) are declared to it as
 * {@code text/plain}, QR codes as {@code application/octet-stream} (PNG) and {@code text/plain}
 * (SVG), PDFs as {@code application/octet-stream}; they go out as what they are.
 */
public final class Contract {
  public static final String RESOURCE = "openapi/zhangban.yaml";
  static final String PROBLEM_JSON = "application/problem+json";
  static final String CSV = "text/csv";
  /** What the router is told instead of each media type it cannot read. */
  static final Map<String, String> FOR_ROUTER = Map.of(
      PROBLEM_JSON, "application/json",
      CSV, "text/plain",
      "image/png", "application/octet-stream",
      "image/svg+xml", "text/plain",
      "text/html", "text/plain",
      "application/pdf", "application/octet-stream");

  private Contract() {}

  /**
   * The media type the router's copy of the contract declares for a response sent as {@code
   * contentType} (its parameters dropped where it is one the router cannot read), for checking a
   * response against that copy.
   */
  public static String asTheRouterReadsIt(String contentType) {
    if (contentType == null) {
      return null;
    }
    String base = contentType.split(";", 2)[0].trim();
    String readable = FOR_ROUTER.get(base);
    return readable == null ? contentType : readable;
  }

  public static String text() {
    try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing " + RESOURCE + " on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The contract as the router can read it. */
  public static Future<OpenAPIContract> load(Vertx vertx) {
    return OpenAPIContract.from(vertx, forRouter(text()));
  }

  /** The contract as written, as a JSON tree. */
  public static JsonObject raw() {
    Map<String, Object> tree = new Yaml(new SafeConstructor(strict())).load(text());
    return new JsonObject(tree);
  }

  /** A key written twice is an error, as Swagger UI and the generators take it, not the last one winning. */
  private static LoaderOptions strict() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return options;
  }

  static JsonObject forRouter(String yaml) {
    Map<String, Object> tree = new Yaml(new SafeConstructor(strict())).load(yaml);
    JsonObject json = new JsonObject(tree);
    rewrite(json);
    return json;
  }

  private static void rewrite(Object node) {
    if (node instanceof JsonObject o) {
      FOR_ROUTER.forEach((declared, readable) -> {
        if (o.containsKey(declared) && !o.containsKey(readable)) {
          o.put(readable, o.remove(declared));
        }
      });
      o.forEach(e -> rewrite(e.getValue()));
    } else if (node instanceof JsonArray a) {
      a.forEach(Contract::rewrite);
    }
  }
}
