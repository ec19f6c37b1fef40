package zhangban.http;

import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.handler.APIKeyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Authenticates a provider's callback by the secret in its URL's query ({@code key}), for
 * providers that can set no header of their own. Compared in constant time; without a configured
 * secret every callback is refused.
 */
public final class CallbackKeyHandler {
  private CallbackKeyHandler() {}

  /** A handler that lets in callbacks whose {@code key} is {@code secret}, as the user {@code caller}. */
  public static APIKeyHandler of(Optional<String> secret, String caller) {
    byte[] expected = secret.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    AuthenticationProvider keys = credentials -> {
      String given = credentials instanceof TokenCredentials t ? t.getToken() : null;
      if (expected == null || given == null
          || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        return Future.failedFuture(new HttpException(401, new IllegalStateException(
            "The callback's key is missing or wrong.")));
      }
      return Future.succeededFuture(User.fromName(caller));
    };
    return APIKeyHandler.create(keys).parameter("key");
  }
}
