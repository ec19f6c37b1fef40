package zhangban.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer JWTs: signature by a JWKS key chosen by {@code kid}, an allow-list of asymmetric
 * algorithms (so {@code alg: none} and HMAC confusion are refused), issuer, audience, expiry,
 * not-before and a subject.
 */
public final class TokenVerifier {
  private static final Set<JWSAlgorithm> ALLOWED = Set.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
      JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

  private final JwksKeys keys;
  private final List<String> issuers;
  private final List<String> audiences;
  private final long skewMillis;
  private final Clock clock;
  private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

  public TokenVerifier(JwksKeys keys, List<String> issuers, List<String> audiences, long skewSeconds, Clock clock) {
    this.keys = keys;
    this.issuers = List.copyOf(issuers);
    this.audiences = List.copyOf(audiences);
    this.skewMillis = skewSeconds * 1000;
    this.clock = clock;
  }

  /** The verified claims, or a failed future whose message says what is wrong with the token. */
  public Future<JsonObject> verify(String token) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException | RuntimeException e) {
      return Future.failedFuture(new InvalidToken("The token is not a signed JWT."));
    }
    JWSHeader header = jwt.getHeader();
    if (!ALLOWED.contains(header.getAlgorithm())) {
      return Future.failedFuture(new InvalidToken("Token algorithm " + header.getAlgorithm() + " is not accepted."));
    }
    List<JWK> candidates = select(header);
    if (candidates.isEmpty()) {
      return keys.reloadForUnknownKid().compose(v -> {
        List<JWK> again = select(header);
        if (again.isEmpty()) {
          return Future.failedFuture(new InvalidToken("The token's signing key is unknown."));
        }
        return check(jwt, again);
      });
    }
    return check(jwt, candidates);
  }

  private List<JWK> select(JWSHeader header) {
    JWKMatcher matcher = new JWKMatcher.Builder()
        .keyType(KeyType.forAlgorithm(header.getAlgorithm()))
        .keyID(header.getKeyID())
        .keyUses(KeyUse.SIGNATURE, null)
        .algorithms(header.getAlgorithm(), null)
        .build();
    List<JWK> found = new JWKSelector(matcher).select(keys.current());
    if (header.getKeyID() == null && found.size() != 1) {
      return List.of(); // without a kid, only an unambiguous key will do
    }
    return found;
  }

  private Future<JsonObject> check(SignedJWT jwt, List<JWK> candidates) {
    try {
      boolean verified = false;
      for (JWK jwk : candidates) {
        Key key = jwk.getKeyType() == KeyType.EC ? jwk.toECKey().toECPublicKey() : jwk.toRSAKey().toRSAPublicKey();
        JWSVerifier verifier = verifiers.createJWSVerifier(jwt.getHeader(), key);
        if (jwt.verify(verifier)) {
          verified = true;
          break;
        }
      }
      if (!verified) {
        return Future.failedFuture(new InvalidToken("The token's signature is invalid."));
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      long now = clock.millis();
      Date exp = claims.getExpirationTime();
      if (exp == null) {
        return Future.failedFuture(new InvalidToken("The token has no expiry."));
      }
      if (now - skewMillis >= exp.getTime()) {
        return Future.failedFuture(new InvalidToken("The token has expired."));
      }
      Date nbf = claims.getNotBeforeTime();
      if (nbf != null && now + skewMillis < nbf.getTime()) {
        return Future.failedFuture(new InvalidToken("The token is not valid yet."));
      }
      Date iat = claims.getIssueTime();
      if (iat != null && now + skewMillis < iat.getTime()) {
        return Future.failedFuture(new InvalidToken("The token was issued in the future."));
      }
      if (claims.getIssuer() == null || !issuers.contains(claims.getIssuer())) {
        return Future.failedFuture(new InvalidToken("The token's issuer is not trusted."));
      }
      List<String> aud = claims.getAudience();
      if (aud == null || aud.stream().noneMatch(audiences::contains)) {
        return Future.failedFuture(new InvalidToken("The token is not meant for this service (audience)."));
      }
      if (claims.getSubject() == null || claims.getSubject().isBlank() || claims.getSubject().length() > 128) {
        return Future.failedFuture(new InvalidToken("The token has no usable subject."));
      }
      return Future.succeededFuture(new JsonObject(claims.toJSONObject()));
    } catch (JOSEException | ParseException | RuntimeException e) {
      return Future.failedFuture(new InvalidToken("The token could not be verified."));
    }
  }

  /** Why a token was refused; the message goes to the caller. */
  public static final class InvalidToken extends RuntimeException {
    public InvalidToken(String message) {
      super(message, null, false, false);
    }
  }
}
