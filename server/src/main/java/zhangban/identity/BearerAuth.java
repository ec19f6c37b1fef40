package zhangban.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;

/**
 * Adapts {@link TokenVerifier} to the provider interface the contract's {@code bearerAuth} scheme
 * is wired with. Signing is not this class's job ({@link DevTokens} signs demo tokens).
 */
public final class BearerAuth implements JWTAuth {
  private final TokenVerifier verifier;

  public BearerAuth(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token) || token.getToken() == null) {
      return Future.failedFuture(new TokenVerifier.InvalidToken("A bearer token is required."));
    }
    return verifier.verify(token.getToken()).map(claims -> {
      User user = User.create(new JsonObject().put("sub", claims.getString("sub")), new JsonObject().put("claims", claims));
      user.attributes().put("accessToken", claims);
      return user;
    });
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    throw new UnsupportedOperationException("Tokens are issued by the identity provider");
  }

  @Override
  public String generateToken(JsonObject claims) {
    throw new UnsupportedOperationException("Tokens are issued by the identity provider");
  }
}
