package zhangban.reporting;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import zhangban.config.Config;

/** How a request to the platform proves who sends it: the headers it adds over the body it carries. */
interface PlatformAuth {
  /** The headers for a request carrying {@code body} (exactly the bytes sent). */
  Future<MultiMap> headers(Buffer body);

  /** The platform answered 401: whatever credential is cached is stale. */
  default void rejected() {}

  String describe();

  static PlatformAuth of(Vertx vertx, Config.Reporting config, Clock clock) {
    return switch (config.auth()) {
      case NONE -> new None();
      case HMAC -> new Hmac(config.appKey().orElseThrow(), config.appSecret().orElseThrow(), clock);
      case OAUTH2 -> new ClientCredentials(vertx, config);
    };
  }

  final class None implements PlatformAuth {
    @Override
    public Future<MultiMap> headers(Buffer body) {
      return Future.succeededFuture(MultiMap.caseInsensitiveMultiMap());
    }

    @Override
    public String describe() {
      return "no authentication";
    }
  }

  /**
   * App key and an HMAC-SHA256 signature: {@code X-Signature} is the Base64 of
   * HMAC-SHA256(secret, appKey + "\n" + X-Timestamp + "\n" + X-Nonce + "\n" + body), the timestamp
   * in Unix seconds and the nonce fresh each request, so a platform can refuse stale or replayed
   * requests.
   */
  final class Hmac implements PlatformAuth {
    private final String appKey;
    private final SecretKeySpec secret;
    private final Clock clock;

    Hmac(String appKey, String secret, Clock clock) {
      this.appKey = appKey;
      this.secret = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
      this.clock = clock;
    }

    @Override
    public Future<MultiMap> headers(Buffer body) {
      String timestamp = String.valueOf(clock.instant().getEpochSecond());
      String nonce = UUID.randomUUID().toString();
      return Future.succeededFuture(MultiMap.caseInsensitiveMultiMap()
          .add("X-App-Key", appKey)
          .add("X-Timestamp", timestamp)
          .add("X-Nonce", nonce)
          .add("X-Signature", sign(secret, appKey, timestamp, nonce, body.getBytes())));
    }

    static String sign(SecretKeySpec secret, String appKey, String timestamp, String nonce, byte[] body) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(secret);
        mac.update((appKey + "\n" + timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(mac.doFinal(body));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
      }
    }

    @Override
    public String describe() {
      return "app key " + appKey + " with HMAC-SHA256 signatures";
    }
  }

  /**
   * OAuth2 client credentials: a bearer token fetched from the token endpoint, kept until it
   * expires or the platform answers 401, then fetched again (one fetch at a time).
   */
  final class ClientCredentials implements PlatformAuth {
    private final OAuth2Auth oauth;
    private final String tokenUrl;
    private Future<User> token;

    ClientCredentials(Vertx vertx, Config.Reporting config) {
      this.tokenUrl = config.tokenUrl().orElseThrow().toString();
      this.oauth = OAuth2Auth.create(vertx, new OAuth2Options()
          .setClientId(config.clientId().orElseThrow())
          .setClientSecret(config.clientSecret().orElseThrow())
          .setTokenPath(tokenUrl));
    }

    @Override
    public synchronized Future<MultiMap> headers(Buffer body) {
      if (token == null || token.failed() || (token.succeeded() && token.result().expired())) {
        token = oauth.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.CLIENT));
      }
      return token.map(user -> MultiMap.caseInsensitiveMultiMap()
          .add("Authorization", "Bearer " + user.principal().getString("access_token")));
    }

    @Override
    public synchronized void rejected() {
      token = null;
    }

    @Override
    public String describe() {
      return "OAuth2 client credentials from " + tokenUrl;
    }
  }
}
