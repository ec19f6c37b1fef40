package zhangban.http;

/**
 * Every kind of problem the server answers with (RFC 9457): its {@code type} (a URI under {@link
 * Problems#TYPE_BASE}), status, title and meaning. The contract lists the same catalog under
 * {@code x-problem-types} of its {@code Problem} schema and {@code GET /problems/{type}} explains
 * each; a test keeps the three equal. A new refusal gets a new constant here first.
 */
public enum ProblemType {
  VALIDATION("validation", 400, "The request does not match the contract",
      "A parameter, header or body breaks the contract; errors lists each offending field by its pointer."),
  BAD_REQUEST("bad-request", 400, "Bad request",
      "The request is malformed in a way the contract cannot describe, such as a cursor this server did not issue."),
  UNAUTHORIZED("unauthorized", 401, "Unauthorized",
      "No bearer token, or one that is expired, not yet valid, badly signed or for another audience."),
  FORBIDDEN("forbidden", 403, "Forbidden", "The caller is known but their role may not do this."),
  STAFF_CANNOT_RATE("staff-cannot-rate", 403, "Staff cannot rate",
      "Officers, managers, administrators and integration clients never rate, nor rate for someone."),
  NOT_THE_RATER("not-the-rater", 403, "Not the rater",
      "Only the member who filed an enterprise's application rates it."),
  NOT_FOUND("not-found", 404, "Not found",
      "No such resource, or none the caller may see: the two are not told apart."),
  METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed", "The resource does not take that method."),
  DEPARTMENT_EXISTS("department-exists", 409, "Department exists", "A department with that code exists."),
  ITEM_EXISTS("item-exists", 409, "Service item exists", "A service item with that code exists."),
  ITEM_RETIRED("item-retired", 409, "Service item retired",
      "The service item is retired: no new applications, no new versions."),
  INVALID_TRANSITION("invalid-transition", 409, "Action not allowed in this state",
      "The application's state does not allow the action; currentState and allowedActions say what does."),
  INVALID_CASE_TRANSITION("invalid-case-transition", 409, "Action not allowed in this state",
      "The rectification case's state does not allow the step; currentState and allowedActions say what does."),
  REQUEST_IN_PROGRESS("request-in-progress", 409, "Request in progress",
      "A request with the same Idempotency-Key is still being processed; retry after it finishes."),
  STAGE_NOT_REACHED("stage-not-reached", 409, "Stage not reached",
      "The application has not reached the stage to be rated."),
  ALREADY_RATED("already-rated", 409, "Already rated",
      "The stage was rated (or the default rating given) already; a rating is never changed."),
  RATING_WINDOW_CLOSED("rating-window-closed", 409, "Rating window closed",
      "The stage's rating window has closed; windowEndsAt says when."),
  STALE_DICTIONARY("stale-dictionary", 409, "Tag dictionary changed",
      "The reason tags changed since the client loaded them; currentVersion names the version to load."),
  RATING_CONFLICT("rating-conflict", 409, "Rated at the same moment",
      "Other requests kept rating the same stage at the same moment; read its ratings, then try again."),
  FOLLOW_UP_GIVEN("follow-up-given", 409, "Follow-up given", "The follow-up (追评) of the rating was given already."),
  NO_REPLY_YET("no-reply-yet", 409, "No reply to follow up",
      "A follow-up comes after the department's reply to a poor rating."),
  VERSION_CHANGED("version-changed", 412, "Version changed",
      "If-Match named a version the resource no longer has; currentVersion says which it has: read it again, then decide."),
  PAYLOAD_TOO_LARGE("payload-too-large", 413, "Payload too large", "The body is larger than the operation takes."),
  URI_TOO_LONG("uri-too-long", 414, "URI too long", "The request line is longer than the server reads."),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type",
      "The body's content type is not one the operation takes, or a file's bytes are not of an allowed type."),
  UNPROCESSABLE("unprocessable", 422, "Unprocessable request",
      "Well-formed input that the domain rules refuse; errors lists each offending field."),
  STAGE_NOT_RATEABLE("stage-not-rateable", 422, "Stage not rateable", "The stage named is not one that is rated here."),
  RATING_LINK_UNKNOWN("rating-link-unknown", 404, "Unknown rating link",
      "The link is not one Zhangban gave out (mistyped, cut short, or forged)."),
  RATING_LINK_EXPIRED("rating-link-expired", 410, "Rating link expired",
      "The link's rating window has closed; expiredAt says when."),
  RATING_LINK_REVOKED("rating-link-revoked", 410, "Rating link withdrawn",
      "The department withdrew the link (sent to a wrong number, printed by mistake)."),
  RATING_LINK_USED("rating-link-used", 409, "Rating link used",
      "The transaction's stage was rated already, through this link or another channel; a rating is never changed."),
  TRANSACTION_NUMBER_TAKEN("transaction-number-taken", 409, "Transaction number taken",
      "Another system, or Zhangban itself, has a transaction under this 办件编号."),
  HANDLED_ELSEWHERE("handled-elsewhere", 409, "Handled in another system",
      "The transaction was registered by the system that handles it; only that system moves it on."),
  IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422, "Idempotency key reused",
      "The Idempotency-Key was used before by the same caller for a different request."),
  TOO_MANY_REQUESTS("too-many-requests", 429, "Too many requests",
      "The caller sent more requests than allowed; Retry-After says when to try again."),
  HEADERS_TOO_LARGE("headers-too-large", 431, "Request header fields too large",
      "The request's headers are larger than the server reads."),
  INTERNAL("internal", 500, "Internal error",
      "Something failed on the server's side; the detail carries a reference for the operators."),
  UNAVAILABLE("unavailable", 503, "Service unavailable",
      "The server is starting, draining or cannot reach its database; Retry-After says when to try again."),
  /** Any other status the HTTP layer answers with; the problem's status says which. */
  HTTP_ERROR("http-error", 0, "HTTP error", "Another HTTP error; status says which.");

  private final String wire;
  private final int status;
  private final String title;
  private final String meaning;

  ProblemType(String wire, int status, String title, String meaning) {
    this.wire = wire;
    this.status = status;
    this.title = title;
    this.meaning = meaning;
  }

  /** The last segment of the type URI. */
  public String wire() {
    return wire;
  }

  /** The status it is answered with; 0 for {@link #HTTP_ERROR}, whose status varies. */
  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String meaning() {
    return meaning;
  }

  /** The full type URI. */
  public String uri() {
    return Problems.TYPE_BASE + wire;
  }

  /** What {@code GET /problems/{type}} answers: type, status (null where it varies), title, meaning. */
  public io.vertx.core.json.JsonObject describe() {
    return new io.vertx.core.json.JsonObject().put("type", uri()).put("status", status == 0 ? null : status)
        .put("title", title).put("description", meaning);
  }

  public static java.util.Optional<ProblemType> ofWire(String wire) {
    for (ProblemType t : values()) {
      if (t.wire.equals(wire)) {
        return java.util.Optional.of(t);
      }
    }
    return java.util.Optional.empty();
  }
}
