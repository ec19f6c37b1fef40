package zhangban.identity;

import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.impl.JWTAuthHandlerImpl;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * The stock bearer handler, except that a malformed credential (an Authorization header without a
 * token, a token with characters or segments a JWS cannot have) is answered 401 like every other
 * unusable token, not 400: the caller has no valid bearer token, which is what 401 says. A
 * manager's region is looked up here, so every handler sees the caller with their scope; and every
 * caller settled is told to {@code settled} (the notice directories follow staff's tokens).
 */
public final class BearerTokenHandler extends JWTAuthHandlerImpl {
  /** Told of each caller settled, after the request has its caller; must not fail nor wait. */
  @FunctionalInterface
  public interface Settled {
    /**
     * {@code claimed}: who the token says the caller is; {@code caller}: who they are here (a manager
     * whose region is unknown is no manager); {@code issuedAt}: the token's {@code iat}, if it has one.
     */
    void settled(Principal claimed, Principal caller, Optional<Instant> issuedAt);
  }

  private final ManagerScopes scopes;
  private final Settled settled;

  public BearerTokenHandler(JWTAuth auth, String realm, ManagerScopes scopes, Settled settled) {
    super(auth, realm);
    this.scopes = scopes;
    this.settled = settled;
  }

  /** Verifies the token, then settles who the caller is, a manager's scope included. */
  @Override
  public Future<User> authenticate(RoutingContext context) {
    return super.authenticate(context).recover(err -> Future.failedFuture(
        err instanceof HttpException http && http.getStatusCode() == 400
            ? new HttpException(401, new TokenVerifier.InvalidToken("The Authorization header carries no usable bearer token."))
            : err))
        .compose(user -> {
          JsonObject claims = user.attributes().getJsonObject("claims");
          Principal claimed = Principal.fromClaims(claims);
          return scopes.resolve(claimed)
              // not 401: the token was good; the failure is carried whole, for the problem to say what it was
              .recover(err -> Future.failedFuture(new HttpException(500, err)))
              .map(p -> {
                Principal.remember(context, p);
                settled.settled(claimed, p, claims.getValue("iat") instanceof Number iat
                    ? Optional.of(Instant.ofEpochSecond(iat.longValue())) : Optional.empty());
                return user;
              });
        });
  }
}
