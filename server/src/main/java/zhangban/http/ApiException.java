package zhangban.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A failure meant for the caller. Leaves the server as {@code application/problem+json} through
 * {@link Problems}; {@code extra} members are added to the problem document as they are.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final ProblemType type;
  private final JsonObject extra;

  public ApiException(ProblemType type, String detail, JsonObject extra) {
    this(type.status(), type, detail, extra);
  }

  private ApiException(int status, ProblemType type, String detail, JsonObject extra) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.extra = extra == null ? new JsonObject() : extra;
  }

  /** A status of the HTTP layer's own that no other type names ({@link ProblemType#HTTP_ERROR}). */
  public static ApiException httpError(int status, String detail) {
    return new ApiException(status, ProblemType.HTTP_ERROR, detail, null);
  }

  public int status() { return status; }
  public ProblemType type() { return type; }
  public String title() { return type == ProblemType.HTTP_ERROR ? "HTTP " + status : type.title(); }
  public JsonObject extra() { return extra; }

  public static ApiException badRequest(String detail) {
    return new ApiException(ProblemType.BAD_REQUEST, detail, null);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(ProblemType.NOT_FOUND, detail, null);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(ProblemType.FORBIDDEN, detail, null);
  }

  public static ApiException conflict(ProblemType type, String detail) {
    return new ApiException(type, detail, null);
  }

  public static ApiException unsupportedMediaType(String detail) {
    return new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, detail, null);
  }

  public static ApiException tooLarge(String detail) {
    return new ApiException(ProblemType.PAYLOAD_TOO_LARGE, detail, null);
  }

  /** Well-formed input that the domain rules refuse, one entry per offending field. */
  public static ApiException unprocessable(String detail, JsonArray fieldErrors) {
    return new ApiException(ProblemType.UNPROCESSABLE, detail,
        new JsonObject().put("errors", fieldErrors));
  }

  /** The request breaks the contract at these fields; the first one's message is the detail. */
  public static ApiException invalid(JsonArray fieldErrors) {
    return new ApiException(ProblemType.VALIDATION,
        fieldErrors.getJsonObject(0).getString("message"), new JsonObject().put("errors", fieldErrors));
  }

  /** The request breaks the contract at one field. */
  public static ApiException invalid(String pointer, String message) {
    return invalid(new JsonArray().add(fieldError(pointer, message)));
  }

  public static JsonObject fieldError(String pointer, String message) {
    return new JsonObject().put("pointer", pointer).put("message", message);
  }
}
