package zhangban.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A failure meant for the caller. Leaves the server as {@code application/problem+json} through
 * {@link Problems}; {@code extra} members are added to the problem document as they are.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;
  private final JsonObject extra;

  public ApiException(int status, String type, String title, String detail, JsonObject extra) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.extra = extra == null ? new JsonObject() : extra;
  }

  public int status() { return status; }
  public String type() { return type; }
  public String title() { return title; }
  public JsonObject extra() { return extra; }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "bad-request", "Bad request", detail, null);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "not-found", "Not found", detail, null);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(403, "forbidden", "Forbidden", detail, null);
  }

  public static ApiException conflict(String type, String detail) {
    return new ApiException(409, type, "Conflict", detail, null);
  }

  public static ApiException unsupportedMediaType(String detail) {
    return new ApiException(415, "unsupported-media-type", "Unsupported media type", detail, null);
  }

  public static ApiException tooLarge(String detail) {
    return new ApiException(413, "payload-too-large", "Payload too large", detail, null);
  }

  /** Well-formed input that the domain rules refuse, one entry per offending field. */
  public static ApiException unprocessable(String detail, JsonArray fieldErrors) {
    return new ApiException(422, "unprocessable", "Unprocessable request", detail,
        new JsonObject().put("errors", fieldErrors));
  }

  /** The request breaks the contract at these fields; the first one's message is the detail. */
  public static ApiException invalid(JsonArray fieldErrors) {
    return new ApiException(400, "validation", "The request does not match the contract",
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
