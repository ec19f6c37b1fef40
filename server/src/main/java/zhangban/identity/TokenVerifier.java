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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies bearer JWTs: signature by a JWKS key chosen by {@code kid}, an allow-list of asymmetric
 * algorithms (so {@code alg: none} and HMAC confusion are refused), issuer, audience, expiry,
 * not-before and a subject.
 *
 * <p>A token that passed is remembered by its whole text until it expires: the app sends the same
 * token with every request for an hour, and checking its RSA signature again cost more than the
 * rest of a read. A remembered token is still checked against the clock on every use, and only
 * while the key that signed it is among the current keys (a reload that drops the key drops its
 * tokens).
 */
public final class TokenVerifier {
  private static final Set<JWSAlgorithm> ALLOWED = Set.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
      JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
  /** About 2 KB each; past this many, expired ones go, and if that is not enough, all. */
  private static final int MAX_REMEMBERED = 10_000;

  private final JwksKeys keys;
  private final List<String> issuers;
  private final List<String> audiences;
  private final long skewMillis;
  private final Clock clock;
  private final long maxLifetimeMillis;
  private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

  /** A token that passed: its claims, the key that signed it, and its times in epoch milliseconds. */
  private record Verified(JsonObject claims, JWK key, long expires, Long notBefore, Long issuedAt) {}

  public TokenVerifier(JwksKeys keys, List<String> issuers, List<String> audiences, long skewSeconds,
                       long maxLifetimeSeconds, Clock clock) {
    this.keys = keys;
    this.maxLifetimeMillis = maxLifetimeSeconds * 1000;
    this.issuers = List.copyOf(issuers);
    this.audiences = List.copyOf(audiences);
    this.skewMillis = skewSeconds * 1000;
    this.clock = clock;
  }

  /** The verified claims, or a failed future whose message says what is wrong with the token. */
  public Future<JsonObject> verify(String token) {
    Verified known = verified.get(token);
    if (known != null && isCurrent(known.key())) {
      String problem = timeProblem(known.expires(), known.notBefore(), known.issuedAt());
      return problem != null
          ? Future.failedFuture(new InvalidToken(problem))
          : Future.succeededFuture(known.claims().copy());
    }
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
    Future<Verified> checked = !candidates.isEmpty() ? check(jwt, candidates) : keys.reloadForUnknownKid().compose(v -> {
      List<JWK> again = select(header);
      if (again.isEmpty()) {
        return Future.failedFuture(new InvalidToken("The token's signing key is unknown."));
      }
      return check(jwt, again);
    });
    return checked.map(v -> {
      remember(token, v);
      return v.claims().copy();
    });
  }

  private boolean isCurrent(JWK key) {
    for (JWK k : keys.current().getKeys()) {
      if (k == key) {
        return true;
      }
    }
    return false;
  }

  private void remember(String token, Verified v) {
    if (verified.size() >= MAX_REMEMBERED) {
      long now = clock.millis();
      verified.values().removeIf(old -> now - skewMillis >= old.expires());
      if (verified.size() >= MAX_REMEMBERED) {
        verified.clear();
      }
    }
    verified.put(token, v);
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

  private Future<Verified> check(SignedJWT jwt, List<JWK> candidates) {
    try {
      JWK signer = null;
      for (JWK jwk : candidates) {
        Key key = jwk.getKeyType() == KeyType.EC ? jwk.toECKey().toECPublicKey() : jwk.toRSAKey().toRSAPublicKey();
        JWSVerifier verifier = verifiers.createJWSVerifier(jwt.getHeader(), key);
        if (jwt.verify(verifier)) {
          signer = jwk;
          break;
        }
      }
      if (signer == null) {
        return Future.failedFuture(new InvalidToken("The token's signature is invalid."));
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      if (exp == null) {
        return Future.failedFuture(new InvalidToken("The token has no expiry."));
      }
      Long nbf = claims.getNotBeforeTime() == null ? null : claims.getNotBeforeTime().getTime();
      Long iat = claims.getIssueTime() == null ? null : claims.getIssueTime().getTime();
      String problem = timeProblem(exp.getTime(), nbf, iat);
      if (problem != null) {
        return Future.failedFuture(new InvalidToken(problem));
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
      return Future.succeededFuture(new Verified(new JsonObject(claims.toJSONObject()), signer, exp.getTime(), nbf, iat));
    } catch (JOSEException | ParseException | RuntimeException e) {
      return Future.failedFuture(new InvalidToken("The token could not be verified."));
    }
  }

  /** What is wrong with a token's times now, allowing the clock skew; null when nothing is. */
  private String timeProblem(long expires, Long notBefore, Long issuedAt) {
    long now = clock.millis();
    if (now - skewMillis >= expires) {
      return "The token has expired.";
    }
    if (notBefore != null && now + skewMillis < notBefore) {
      return "The token is not valid yet.";
    }
    if (issuedAt != null && now + skewMillis < issuedAt) {
      return "The token was issued in the future.";
    }
    // a token that lives for centuries is a credential that cannot be taken back
    long lifetime = expires - (issuedAt != null ? issuedAt : now);
    if (lifetime > maxLifetimeMillis + skewMillis) {
      return "The token's lifetime is longer than the " + maxLifetimeMillis / 1000 + " seconds accepted.";
    }
    return null;
  }

  /** Why a token was refused; the message goes to the caller. */
  public static final class InvalidToken extends RuntimeException {
    public InvalidToken(String message) {
      super(message, null, false, false);
    }
  }
}
