package zhangban.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
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
  private ValidatedRequest validate(ValidatableRequest request, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>(request.getCookies().size());
    Map<String, RequestParameter> headers = new HashMap<>(request.getHeaders().size());
    Map<String, RequestParameter> path = new HashMap<>(request.getPathParameters().size());
    Map<String, RequestParameter> query = new HashMap<>(request.getQuery().size());
    for (Parameter param : operation.getParameters()) {
      switch (param.getIn()) {
        case COOKIE -> cookies.put(param.getName(), validateParameter(param, request.getCookies().get(param.getName())));
        case HEADER -> headers.put(param.getName(), validateParameter(param, request.getHeaders().get(param.getName())));
        case PATH -> path.put(param.getName(), validateParameter(param, request.getPathParameters().get(param.getName())));
        case QUERY -> query.put(param.getName(), validateParameter(param, request.getQuery().get(param.getName())));
      }
    }
    return new ValidatedRequestImpl(cookies, headers, path, query, validateBody(operation.getRequestBody(), request));
  }
}
