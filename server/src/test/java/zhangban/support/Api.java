package zhangban.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import zhangban.api.Contract;

/**
 * Real HTTP to the server. Every response is checked against the contract (status, headers, body
 * schema), and every error must be RFC 9457 problem+json whose status matches the response's.
 */
public final class Api {
  /** Operations whose responses some test validated, written to target/contract-coverage.txt at exit. */
  private static final java.util.Set<String> VALIDATED = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final java.util.concurrent.atomic.AtomicBoolean REPORTING = new java.util.concurrent.atomic.AtomicBoolean();

  private final WebClient client;
  private final OpenAPIContract contract;
  private final ResponseValidator validator;
  private final int port;

  Api(Vertx vertx, int port) {
    this.port = port;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port));
    this.contract = Contract.load(vertx).await();
    this.validator = ResponseValidator.create(vertx, contract);
    if (REPORTING.compareAndSet(false, true)) {
      List<String> all = contract.operations().stream().map(Operation::getOperationId).sorted().toList();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> writeCoverage(all)));
    }
  }

  private static void writeCoverage(List<String> all) {
    StringBuilder sb = new StringBuilder("Operations whose responses no test validated in this run:\n");
    all.stream().filter(id -> !VALIDATED.contains(id)).forEach(id -> sb.append("  ").append(id).append('\n'));
    sb.append("Validated: ").append(VALIDATED.size()).append(" of ").append(all.size()).append('\n');
    try {
      java.nio.file.Files.writeString(java.nio.file.Path.of("target", "contract-coverage.txt"), sb.toString());
    } catch (java.io.IOException e) {
      // a report, not a result
    }
  }

  public int port() {
    return port;
  }

  /** A response, already validated. */
  public record Response(int status, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    public String header(String name) {
      return headers.get(name);
    }

    public Response expect(int expected) {
      assertEquals(expected, status, () -> "Unexpected status; body: " + (body == null ? "" : body.toString()));
      return this;
    }

    /** The JSON pointers named in a problem's field errors. */
    public java.util.List<String> pointers() {
      JsonArray errors = json().getJsonArray("errors", new JsonArray());
      java.util.List<String> out = new java.util.ArrayList<>();
      errors.forEach(e -> out.add(((JsonObject) e).getString("pointer")));
      return out;
    }
  }

  public Call get(String path) { return new Call(HttpMethod.GET, path); }
  public Call post(String path) { return new Call(HttpMethod.POST, path); }
  public Call put(String path) { return new Call(HttpMethod.PUT, path); }
  public Call delete(String path) { return new Call(HttpMethod.DELETE, path); }
  public Call method(HttpMethod m, String path) { return new Call(m, path); }

  /** One request being built. */
  public final class Call {
    private final HttpRequest<Buffer> request;
    private final HttpMethod method;
    private final String path;

    Call(HttpMethod method, String path) {
      this.method = method;
      this.path = path;
      this.request = client.request(method, path);
    }

    public Call token(String token) {
      if (token != null) {
        request.putHeader("Authorization", "Bearer " + token);
      }
      return this;
    }

    public Call header(String name, String value) {
      request.putHeader(name, value);
      return this;
    }

    public Call idempotencyKey(String key) {
      return header("Idempotency-Key", key);
    }

    public Response send() {
      try {
        return check(request.send().await(30, TimeUnit.SECONDS));
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }

    public Response json(Object body) {
      request.putHeader("Content-Type", "application/json");
      Buffer bytes = Buffer.buffer(body instanceof String s ? s : io.vertx.core.json.Json.encode(body));
      Response response = raw(bytes);
      Examples.request(contract.findOperation(pathOnly(), method), response.status(), bytes);
      return response;
    }

    private String pathOnly() {
      return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    }

    public Response raw(Buffer body) {
      try {
        return check(request.sendBuffer(body).await(30, TimeUnit.SECONDS));
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }

    public Response multipart(io.vertx.ext.web.multipart.MultipartForm form) {
      try {
        return check(request.sendMultipartForm(form).await(30, TimeUnit.SECONDS));
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }

    private Response check(HttpResponse<Buffer> r) {
      Response response = new Response(r.statusCode(), r.headers(), r.body());
      String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      Operation op = contract.findOperation(pathOnly, method);
      // readiness answers DOWN in its own Health format, which the contract gives for its 503
      boolean health = op != null && op.getOperationId().equals("healthReady");
      if (r.statusCode() >= 400 && !health) {
        checkProblem(response);
      }
      if (op != null) {
        validate(op, response);
      }
      return response;
    }
  }

  /** The problem types the contract lists (x-problem-types of Problem), by URI, with their status (null: varies). */
  public static java.util.Map<String, Integer> problemCatalog() {
    java.util.Map<String, Integer> out = new java.util.HashMap<>();
    Contract.raw().getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem")
        .getJsonArray("x-problem-types").forEach(t -> out.put(((JsonObject) t).getString("type"),
            ((JsonObject) t).getInteger("status")));
    return out;
  }

  private static final java.util.Map<String, Integer> PROBLEM_TYPES = problemCatalog();

  private static void checkProblem(Response r) {
    String type = r.header("Content-Type");
    assertTrue(type != null && type.startsWith("application/problem+json"),
        () -> "An error must be problem+json, got " + type + ": " + r.body());
    JsonObject p = r.json();
    assertEquals(r.status(), p.getInteger("status"), "problem status");
    assertTrue(p.getString("type") != null && p.getString("title") != null, "problem type and title");
    assertTrue(PROBLEM_TYPES.containsKey(p.getString("type")),
        () -> p.getString("type") + " is not in the contract's catalog (x-problem-types)");
    Integer declared = PROBLEM_TYPES.get(p.getString("type"));
    assertTrue(declared == null || declared == r.status(),
        () -> p.getString("type") + " is catalogued with status " + declared + ", answered " + r.status());
    assertTrue(!r.body().toString().contains("\tat "), "no stack trace in a reply");
  }

  private static io.vertx.openapi.contract.Response declaredResponse(Operation op, int status) {
    io.vertx.openapi.contract.Response declared = op.getResponse(status);
    return declared != null ? declared : op.getDefaultResponse();
  }

  /**
   * The media type the contract declares for a response's Content-Type. vertx-openapi looks the
   * header up verbatim, so {@code text/plain; charset=utf-8} would miss the {@code text/plain} the
   * contract declares; parameters do not change the media type (RFC 9110, 8.3.1).
   */
  private static String declaredMediaType(Operation op, int status, String contentType) {
    if (contentType == null) {
      return null;
    }
    io.vertx.openapi.contract.Response declared = declaredResponse(op, status);
    if (declared == null || declared.getContent().containsKey(contentType)) {
      return contentType;
    }
    String base = contentType.split(";", 2)[0].trim();
    return declared.getContent().containsKey(base) ? base : contentType;
  }

  /**
   * A text/plain body checked against its schema as a string. vertx-openapi hands text bodies to the
   * schema validator as a Buffer, which no schema accepts ("Instances of class BufferImpl are not
   * supported"), so the validator cannot check them itself.
   */
  private boolean validateText(Operation op, Response r, String contentType) {
    io.vertx.openapi.contract.Response declared = declaredResponse(op, r.status());
    io.vertx.openapi.contract.MediaType type = declared == null || contentType == null
        ? null : declared.getContent().get(contentType);
    if (type != null && type.getIdentifier().equals("application/octet-stream")) {
      // a binary string (format: binary) is any bytes, which the schema validator cannot take as a Buffer
      assertTrue(type.getSchema() != null, () -> op.getOperationId() + " declares a schema for its bytes");
      assertTrue(r.body() != null && r.body().length() > 0, () -> op.getOperationId() + " (" + r.status() + ") has no body");
      return true;
    }
    if (type == null || !type.getIdentifier().startsWith(io.vertx.openapi.contract.MediaType.TEXT_PLAIN)) {
      return false;
    }
    assertTrue(r.body() != null && r.body().length() > 0, () -> op.getOperationId() + " (" + r.status() + ") has no body");
    if (type.getSchema() != null) {
      io.vertx.json.schema.OutputUnit out = contract.getSchemaRepository().validator(type.getSchema())
          .validate(r.body().toString(java.nio.charset.StandardCharsets.UTF_8));
      try {
        out.checkValidity();
      } catch (io.vertx.json.schema.JsonSchemaValidationException e) {
        fail("Response of " + op.getOperationId() + " (" + r.status() + ") breaks the contract: " + e.getMessage());
      }
    }
    return true;
  }

  private void validate(Operation op, Response r) {
    Map<String, String> headers = new HashMap<>();
    r.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
    // problem+json, CSV, HTML, PNG, SVG and PDF: as the router's copy of the contract names them
    String contentType = zhangban.api.Contract.asTheRouterReadsIt(r.header("Content-Type"));
    contentType = declaredMediaType(op, r.status(), contentType);
    if (validateText(op, r, contentType)) {
      VALIDATED.add(op.getOperationId());
      return;
    }
    ValidatableResponse vr = ValidatableResponse.create(r.status(), headers,
        r.body() == null || r.body().length() == 0 ? null : r.body(), contentType);
    try {
      validator.validate(vr, op.getOperationId()).await(10, TimeUnit.SECONDS);
      VALIDATED.add(op.getOperationId());
      Examples.response(op, r.status(), r.header("Content-Type"), r.body());
    } catch (Exception e) {
      fail("Response of " + op.getOperationId() + " (" + r.status() + ") breaks the contract: " + e.getMessage()
          + (e.getCause() != null ? " / " + e.getCause().getMessage() : "") + "\nbody: " + r.body());
    }
  }
}
