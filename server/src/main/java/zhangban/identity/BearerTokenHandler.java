package zhangban.identity;

import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.impl.JWTAuthHandlerImpl;
import java.util.function.Consumer;

/**
 * The stock bearer handler, except that a malformed credential (an Authorization header without a
 * token, a token with characters or segments a JWS cannot have) is answered 401 like every other
 * unusable token, not 400: the caller has no valid bearer token, which is what 401 says. A
 * manager's region is looked up here, so every handler sees the caller with their scope; and every
 * caller settled is shown to {@code seen} (the notice directories follow staff's tokens).
 */
public final class BearerTokenHandler extends JWTAuthHandlerImpl {
  private final ManagerScopes scopes;
  private final Consumer<Principal> seen;

  public BearerTokenHandler(JWTAuth auth, String realm, ManagerScopes scopes, Consumer<Principal> seen) {
    super(auth, realm);
    this.scopes = scopes;
    this.seen = seen;
  }

  /** Verifies the token, then settles who the caller is, a manager's scope included. */
  @Override
  public Future<User> authenticate(RoutingContext context) {
    return super.authenticate(context).recover(err -> Future.failedFuture(
        err instanceof HttpException http && http.getStatusCode() == 400
            ? new HttpException(401, new TokenVerifier.InvalidToken("The Authorization header carries no usable bearer token."))
            : err))
        .compose(user -> scopes.resolve(Principal.fromClaims(user.attributes().getJsonObject("claims")))
            // not 401: the token was good; the failure is carried whole, for the problem to say what it was
            .recover(err -> Future.failedFuture(new HttpException(500, err)))
            .map(p -> {
              Principal.remember(context, p);
              seen.accept(p);
              return user;
            }));
  }
}
