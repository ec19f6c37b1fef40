package zhangban.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.nio.charset.StandardCharsets;

/**
 * The identity provider's side, faked at the edge: keys published as a JWKS file the server reads,
 * and tokens signed with them, good or deliberately bad.
 */
public final class TestTokens {
  public static final String ISSUER = "https://idp.test.zhangban";
  public static final String AUDIENCE = "zhangban-app";

  private final Path jwksFile;
  private final Clock clock;
  private final List<RSAKey> published = new ArrayList<>();
  private RSAKey current;

  public TestTokens(Path jwksFile, Clock clock) {
    this.jwksFile = jwksFile;
    this.clock = clock;
    rotate();
  }

  /** A new signing key, published beside the old ones (as providers do during rotation). */
  public synchronized RSAKey rotate() {
    try {
      current = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
          .keyID("k-" + UUID.randomUUID()).generate();
      published.add(current);
      publish();
      return current;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void publish() {
    List<com.nimbusds.jose.jwk.JWK> pub = new ArrayList<>();
    published.forEach(k -> pub.add(k.toPublicJWK()));
    try {
      Files.writeString(jwksFile, new JWKSet(pub).toString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops publishing {@code key}, as a provider does with a retired or compromised key. */
  public synchronized void withdraw(RSAKey key) {
    published.removeIf(k -> k.getKeyID().equals(key.getKeyID()));
    publish();
  }

  /** A key the server has never seen. */
  public static RSAKey strangerKey() {
    try {
      return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
          .keyID("stranger-" + UUID.randomUUID()).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public JWTClaimsSet.Builder claims(String subject) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER).audience(AUDIENCE).subject(subject)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
  }

  public String sign(JWTClaimsSet claims) {
    return sign(claims, current);
  }

  public static String sign(JWTClaimsSet claims, RSAKey key) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
          .type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A token with the given roles and scoping claims, like the demo users'. A manager is the demo
   * province's (region 440000), who sees every department; {@link #manager} makes one of a region.
   */
  public String token(String subject, String name, List<String> roles, String dept, String uscc) {
    return token(subject, name, roles, dept, uscc, roles.contains("manager") ? PROVINCE : null);
  }

  /** The demo province, whose managers see every department. */
  public static final String PROVINCE = "440000";

  /** A manager of {@code region} (null: a manager without the claim). */
  public String manager(String subject, String region) {
    return token(subject, "经理 " + subject, List.of("manager"), null, null, region);
  }

  /** A token with every scoping claim given (null: not in the token). */
  public String token(String subject, String name, List<String> roles, String dept, String uscc, String region) {
    JWTClaimsSet.Builder b = claims(subject).claim("name", name).claim("roles", roles);
    if (dept != null) b.claim("dept", dept);
    if (uscc != null) b.claim("uscc", uscc);
    if (region != null) b.claim("region", region);
    return sign(b.build());
  }

  /** An unsigned token ({@code alg: none}) carrying otherwise valid claims. */
  public String unsigned(JWTClaimsSet claims) {
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    String header = enc.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = enc.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + ".";
  }

}
