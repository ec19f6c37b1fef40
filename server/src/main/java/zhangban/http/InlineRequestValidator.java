package zhangban.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import java.util.HashMap;
import java.util.Map;

/**
 * vertx-openapi's request validation, run where the request is. The library hands every request to
 * a worker thread and back, in order per event loop: for the small bodies of this contract the two
 * thread hand-offs cost more than validating, and the requests of one event loop queued behind one
 * another for it. Bodies larger than {@link #INLINE_BODY_BYTES} still go to a worker, so a large
 * one does not hold up the event loop. What is checked, and how, is the library's own.
 */
final class InlineRequestValidator extends RequestValidatorImpl {
  static final int INLINE_BODY_BYTES = 64 * 1024;
  /** Longer than any spelling of the literal {@code null} with white space around it a client sends. */
  private static final int NULL_BODY_BYTES = 64;

  InlineRequestValidator(Vertx vertx, OpenAPIContract contract) {
    super(vertx, contract);
  }

  @Override
  public Future<ValidatedRequest> validate(ValidatableRequest request, String operationId) {
    Operation operation = contract.operation(operationId);
    if (operation == null) {
      return super.validate(request, operationId);
    }
    RequestParameter body = request.getBody();
    if (body != null && !body.isNull() && body.isBuffer() && body.getBuffer().length() > INLINE_BODY_BYTES) {
      return vertx.executeBlocking(() -> validate(request, operation), false);
    }
    try {
      return Future.succeededFuture(validate(request, operation));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** As {@link RequestValidatorImpl#validate(ValidatableRequest, String)} does it on its worker. */
  private ValidatedRequest validate(ValidatableRequest sent, Operation operation) {
    ValidatableRequest request = withoutNullBody(sent, operation);
    RequestParameter body = request.getBody();
    if (body != null && !body.isNull() && body.isBuffer()) {
      JsonShape.objectWithMoreMembersThan(body.getBuffer().getBytes(), JsonShape.MAX_OBJECT_MEMBERS)
          .ifPresent(pointer -> {
            throw ApiException.invalid(pointer, "An object may have at most " + JsonShape.MAX_OBJECT_MEMBERS + " members.");
          });
    }
    Map<String, RequestParameter> cookies = new HashMap<>(request.getCookies().size());
    Map<String, RequestParameter> headers = new HashMap<>(request.getHeaders().size());
    Map<String, RequestParameter> path = new HashMap<>(request.getPathParameters().size());
    Map<String, RequestParameter> query = new HashMap<>(request.getQuery().size());
    for (Parameter param : operation.getParameters()) {
      switch (param.getIn()) {
        case COOKIE -> cookies.put(param.getName(),
            validateParameter(param, asJsonString(param, request.getCookies().get(param.getName()))));
        case HEADER -> headers.put(param.getName(),
            validateParameter(param, asJsonString(param, request.getHeaders().get(param.getName()))));
        case PATH -> path.put(param.getName(),
            validateParameter(param, asJsonString(param, request.getPathParameters().get(param.getName()))));
        case QUERY -> query.put(param.getName(), validateParameter(param, request.getQuery().get(param.getName())));
      }
    }
    return new ValidatedRequestImpl(cookies, headers, path, query, validateBody(operation.getRequestBody(), request));
  }

  /**
   * The JSON literal {@code null} as the body of an operation whose body is optional is no body:
   * generated clients send it, with a JSON content type, when the caller passes none.
   */
  private static ValidatableRequest withoutNullBody(ValidatableRequest request, Operation operation) {
    RequestParameter body = request.getBody();
    if (operation.getRequestBody() == null || operation.getRequestBody().isRequired() || body == null
        || body.isNull() || !body.isBuffer() || body.getBuffer().length() > NULL_BODY_BYTES
        || !"null".equals(body.getBuffer().toString().strip())) {
      return request;
    }
    return new ValidatableRequestImpl(request.getCookies(), request.getHeaders(), request.getPathParameters(),
        request.getQuery());
  }

  /**
   * vertx-openapi 5.0 reads a string parameter that is not a single word (an id with dashes, an
   * idempotency key) as JSON first, and only after the parser has failed (an exception, with its
   * stack trace, on nearly every request) as the text it is; a value with a backslash or a quote
   * came out changed. Given as a JSON string, the value parses at once to exactly the text sent.
   * Query values are presented so before routing ({@link ApiVerticle}).
   */
  static RequestParameter asJsonString(Parameter param, RequestParameter value) {
    if (value == null || param.getSchemaType() != SchemaType.STRING || !(value.get() instanceof String text)) {
      return value;
    }
    return new RequestParameterImpl(Json.encode(text));
  }
}
