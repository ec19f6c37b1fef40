package zhangban.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zhangban.support.Api;
import zhangban.support.TestServer;
import zhangban.support.TestTokens;

/**
 * Who gets in: every kind of bad bearer token is answered 401 problem+json and changes nothing;
 * good tokens are read into the roles and scopes the caller really has.
 */
class TokenTest {
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Instant now() {
    return server.clock.instant();
  }

  /** A token for a citizen, with valid claims except what {@code change} does to them. */
  static String signed(java.util.function.UnaryOperator<JWTClaimsSet.Builder> change) {
    return server.tokens.sign(change.apply(server.tokens.claims("citizen-zhang").claim("name", "张伟")
        .claim("roles", List.of("citizen"))).build());
  }

  /** The token is refused on a read and on a write; the write changes nothing. */
  static void refused(String token, String why) {
    Api.Response me = api.get("/me").token(token).send().expect(401);
    assertEquals("https://zhangban.gov.cn/problems/unauthorized", me.json().getString("type"), why);
    assertEquals("Bearer realm=\"zhangban\"", me.header("WWW-Authenticate"), why);
    assertEquals(401, api.get("/applications").token(token).send().status(), why);

    Map<String, Long> before = server.snapshot();
    api.post("/applications").token(token).idempotencyKey("refused-" + java.util.UUID.randomUUID())
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(401);
    assertEquals(before, server.snapshot(), why);
  }

  // ---- refused tokens -------------------------------------------------------------------------

  @Test
  void noAuthorizationHeaderIsUnauthorized() {
    refused(null, "no header");
    Api.Response r = api.get("/me").send().expect(401);
    assertEquals("/me", r.json().getString("instance"));
  }

  @Test
  void aNonBearerSchemeIsUnauthorized() {
    api.get("/me").header("Authorization", "Basic Y2l0aXplbi16aGFuZzpzZWNyZXQ=").send().expect(401);
    api.get("/applications").header("Authorization", "Basic Y2l0aXplbi16aGFuZzpzZWNyZXQ=").send().expect(401);
  }

  @Test
  void anExpiredTokenIsUnauthorized() {
    // beyond the 60 s clock skew the server allows
    String expired = signed(b -> b.issueTime(Date.from(now().minus(Duration.ofHours(2))))
        .expirationTime(Date.from(now().minus(Duration.ofMinutes(5)))));
    refused(expired, "expired");
    assertEquals("The token has expired.", api.get("/me").token(expired).send().expect(401).json().getString("detail"));
  }

  @Test
  void aTokenLivingLongerThanTheMaximumIsUnauthorized() {
    // exp − iat over JWT_MAX_LIFETIME_SECONDS (a day by default): a credential nobody can take back
    String centuries = signed(b -> b.issueTime(Date.from(now()))
        .expirationTime(Date.from(now().plus(Duration.ofDays(365L * 300)))));
    refused(centuries, "exp centuries ahead");
    assertTrue(api.get("/me").token(centuries).send().expect(401).json().getString("detail").contains("lifetime"));
    // without iat, exp − now counts
    refused(signed(b -> b.issueTime(null).expirationTime(Date.from(now().plus(Duration.ofDays(3))))), "no iat, exp in 3 days");
    // a day is still fine, with or without iat
    api.get("/me").token(signed(b -> b.issueTime(Date.from(now()))
        .expirationTime(Date.from(now().plus(Duration.ofHours(24)))))).send().expect(200);
    api.get("/me").token(signed(b -> b.issueTime(null).expirationTime(Date.from(now().plus(Duration.ofHours(23))))))
        .send().expect(200);
  }

  @Test
  void aTokenWithoutExpiryIsUnauthorized() {
    refused(signed(b -> b.expirationTime(null)), "no exp");
  }

  @Test
  void aTokenSignedByAStrangerKeyIsUnauthorized() {
    String token = TestTokens.sign(server.tokens.claims("citizen-zhang").claim("roles", List.of("citizen")).build(),
        TestTokens.strangerKey());
    refused(token, "stranger key");
    assertEquals("The token's signing key is unknown.",
        api.get("/me").token(token).send().expect(401).json().getString("detail"));
  }

  @Test
  void aStrangerKeyClaimingAPublishedKidIsUnauthorized() throws Exception {
    String good = signed(b -> b);
    String kid = SignedJWT.parse(good).getHeader().getKeyID();
    RSAKey impostor = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID(kid).generate();
    String token = TestTokens.sign(server.tokens.claims("citizen-zhang").build(), impostor);
    refused(token, "impostor with a published kid");
    assertEquals("The token's signature is invalid.",
        api.get("/me").token(token).send().expect(401).json().getString("detail"));
  }

  @Test
  void aTokenWithATamperedPayloadIsUnauthorized() {
    String good = server.token("citizen-zhang");
    api.get("/me").token(good).send().expect(200);
    String[] parts = good.split("\\.");
    JWTClaimsSet forged = server.tokens.claims("citizen-zhang").claim("roles", List.of("admin")).build();
    String payload = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(forged.toString().getBytes(StandardCharsets.UTF_8));
    String tampered = parts[0] + "." + payload + "." + parts[2];
    refused(tampered, "tampered payload");
    assertEquals("The token's signature is invalid.",
        api.get("/me").token(tampered).send().expect(401).json().getString("detail"));
  }

  @Test
  void anUnsignedAlgNoneTokenIsUnauthorized() {
    String token = server.tokens.unsigned(server.tokens.claims("admin-zhou").claim("roles", List.of("admin")).build());
    refused(token, "alg none");
  }

  @Test
  void anHmacTokenKeyedWithThePublicKeyIsUnauthorized() throws Exception {
    // the classic algorithm confusion: HS256 with the RSA public key as the shared secret
    String good = signed(b -> b);
    String kid = SignedJWT.parse(good).getHeader().getKeyID();
    RSAKey published = com.nimbusds.jose.jwk.JWKSet.load(server.dataDir.resolve("jwks.json").toFile())
        .getKeyByKeyId(kid).toRSAKey();
    byte[] secret = MessageDigest.getInstance("SHA-256").digest(published.toRSAPublicKey().getEncoded());
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(JOSEObjectType.JWT).build(),
        server.tokens.claims("admin-zhou").claim("roles", List.of("admin")).build());
    jwt.sign(new MACSigner(secret));
    String token = jwt.serialize();
    refused(token, "HS256");
    assertEquals("Token algorithm HS256 is not accepted.",
        api.get("/me").token(token).send().expect(401).json().getString("detail"));
  }

  @Test
  void aTokenForAnotherAudienceIsUnauthorized() {
    String token = signed(b -> b.audience("some-other-app"));
    refused(token, "audience");
    assertEquals("The token is not meant for this service (audience).",
        api.get("/me").token(token).send().expect(401).json().getString("detail"));
  }

  @Test
  void aTokenFromAnotherIssuerIsUnauthorized() {
    String token = signed(b -> b.issuer("https://evil.example"));
    refused(token, "issuer");
    assertEquals("The token's issuer is not trusted.",
        api.get("/me").token(token).send().expect(401).json().getString("detail"));
  }

  @Test
  void aTokenNotValidYetIsUnauthorized() {
    String token = signed(b -> b.notBeforeTime(Date.from(now().plus(Duration.ofMinutes(10)))));
    refused(token, "nbf");
    assertEquals("The token is not valid yet.",
        api.get("/me").token(token).send().expect(401).json().getString("detail"));
  }

  @Test
  void aTokenWithoutSubjectIsUnauthorized() {
    String token = signed(b -> b.subject(null));
    refused(token, "no sub");
    assertEquals("The token has no usable subject.",
        api.get("/me").token(token).send().expect(401).json().getString("detail"));
    refused(signed(b -> b.subject("  ")), "blank sub");
  }

  @Test
  void aGarbageTokenIsUnauthorized() {
    refused("garbage", "garbage");
    refused("a.b.c", "three garbage parts");
    assertEquals("The token is not a signed JWT.",
        api.get("/me").token("garbage").send().expect(401).json().getString("detail"));
  }

  @Test
  void aMalformedAuthorizationHeaderIsUnauthorizedNotABadRequest() {
    for (String header : List.of("Bearer", "Bearer ", "garbage", "Bearer not a token!", "Bearer abc+def/ghi==",
        "Bearer a.b.c.d.e", "Bearer " + signed(b -> b) + ".extra")) {
      Map<String, Long> before = server.snapshot();
      Api.Response me = api.get("/me").header("Authorization", header).send();
      assertEquals(401, me.status(), () -> header + ": " + me.body());
      assertEquals("Bearer realm=\"zhangban\"", me.header("WWW-Authenticate"), header);
      assertEquals(401, api.get("/applications").header("Authorization", header).send().status(), header);
      assertEquals(401, api.post("/applications").header("Authorization", header)
          .idempotencyKey("malformed-" + java.util.UUID.randomUUID())
          .json(new JsonObject().put("itemCode", "MZ-HY-001")).status(), header);
      assertEquals(before, server.snapshot(), header);
    }
  }

  // ---- accepted tokens ------------------------------------------------------------------------

  @Test
  void aValidTokenIsAccepted() {
    JsonObject me = api.get("/me").token(signed(b -> b)).send().expect(200).json();
    assertEquals("citizen-zhang", me.getString("subject"));
    assertEquals("张伟", me.getString("name"));
    api.get("/applications").token(signed(b -> b)).send().expect(200);
  }

  @Test
  void aTokenWithinTheClockSkewIsAccepted() {
    String justExpired = signed(b -> b.expirationTime(Date.from(now().minusSeconds(30))));
    api.get("/me").token(justExpired).send().expect(200);
  }

  @Test
  void aTokenSignedWithARotatedKeyIsAcceptedAndOldTokensStillWork() throws Exception {
    String before = server.token("citizen-li");
    String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
    server.tokens.rotate();
    String after = server.token("citizen-li");
    assertNotEquals(oldKid, SignedJWT.parse(after).getHeader().getKeyID());

    assertEquals("citizen-li", api.get("/me").token(after).send().expect(200).json().getString("subject"));
    api.get("/applications").token(after).send().expect(200);
    // the old key is still published beside the new one during the rotation
    assertEquals("citizen-li", api.get("/me").token(before).send().expect(200).json().getString("subject"));
    // and a key nobody published is still refused after the reload
    api.get("/me").token(TestTokens.sign(server.tokens.claims("citizen-li").build(), TestTokens.strangerKey()))
        .send().expect(401);
  }

  @Test
  void aTokenAcceptedBeforeIsRefusedOnceItHasExpired() {
    String token = signed(b -> b.expirationTime(Date.from(now().plus(Duration.ofMinutes(2)))));
    api.get("/me").token(token).send().expect(200);
    server.clock.advance(Duration.ofMinutes(4));
    assertEquals("The token has expired.", api.get("/me").token(token).send().expect(401).json().getString("detail"));
    refused(token, "expired since it was last accepted");
  }

  @Test
  void aTokenAcceptedBeforeIsRefusedOnceItsKeyIsWithdrawn() {
    RSAKey withdrawn = server.tokens.rotate();
    String token = server.token("citizen-li");
    assertEquals("citizen-li", api.get("/me").token(token).send().expect(200).json().getString("subject"));
    server.tokens.rotate();
    server.tokens.withdraw(withdrawn);
    // a token of the new key makes the server read the published keys again
    api.get("/me").token(server.token("citizen-li")).send().expect(200);
    assertEquals("The token's signing key is unknown.",
        api.get("/me").token(token).send().expect(401).json().getString("detail"));
    refused(token, "signed with a withdrawn key");
  }

  // ---- claims mapping -------------------------------------------------------------------------

  @Test
  void meShowsRolesDepartmentAndUsccFromTheClaims() {
    JsonObject officer = api.get("/me").token(server.token("officer-minzheng")).send().expect(200).json();
    assertEquals(new JsonObject().put("subject", "officer-minzheng").put("name", "徐丽")
        .put("roles", new JsonArray().add("officer")).put("department", "MZJ").putNull("uscc").putNull("region"), officer);

    JsonObject enterprise = api.get("/me").token(server.token("enterprise-wang")).send().expect(200).json();
    assertEquals(new JsonObject().put("subject", "enterprise-wang").put("name", "王芳")
        .put("roles", new JsonArray().add("enterprise")).putNull("department").put("uscc", "9144030035829164XE")
        .putNull("region"), enterprise);

    JsonObject integration = api.get("/me").token(server.token("integration-zhujian")).send().expect(200).json();
    assertEquals(new JsonArray().add("integration"), integration.getJsonArray("roles"));
    assertEquals("ZJJ", integration.getString("department"));

    JsonObject citizen = api.get("/me").token(server.token("citizen-zhang")).send().expect(200).json();
    assertEquals(new JsonArray().add("citizen"), citizen.getJsonArray("roles"));
    assertNull(citizen.getString("department"));
    assertNull(citizen.getString("uscc"));
  }

  @Test
  void rolesGivenAsASpaceSeparatedStringAreRead() {
    String token = server.tokens.sign(server.tokens.claims("boss").claim("roles", "manager admin")
        .claim("region", "440000").build());
    assertEquals(new JsonArray().add("manager").add("admin"),
        api.get("/me").token(token).send().expect(200).json().getJsonArray("roles"));
  }

  @Test
  void aTokenWithoutRolesIsACitizen() {
    String token = server.tokens.sign(server.tokens.claims("phone-13800000000").build());
    JsonObject me = api.get("/me").token(token).send().expect(200).json();
    assertEquals("phone-13800000000", me.getString("subject"));
    assertEquals(new JsonArray().add("citizen"), me.getJsonArray("roles"));
    // and may file like any citizen
    JsonObject draft = api.post("/applications").token(token).idempotencyKey("phone-user-draft-1")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json();
    assertEquals("citizen", draft.getJsonObject("applicant").getString("kind"));
    assertEquals("phone-13800000000", draft.getJsonObject("applicant").getString("subject"));
  }

  @Test
  void unknownRolesGrantNothing() {
    String token = server.tokens.sign(server.tokens.claims("someone").claim("roles", List.of("superuser", "root")).build());
    assertEquals(new JsonArray(), api.get("/me").token(token).send().expect(200).json().getJsonArray("roles"));
    api.get("/applications").token(token).send().expect(403);
  }

  @Test
  void anOfficerWithoutDepartmentGetsNoOfficerRole() {
    String token = server.tokens.token("officer-nodept", "无部门", List.of("officer"), null, null);
    JsonObject me = api.get("/me").token(token).send().expect(200).json();
    assertEquals(new JsonArray(), me.getJsonArray("roles"));
    assertNull(me.getString("department"));
    api.get("/applications").token(token).send().expect(403);
    api.get("/applications?department=MZJ").token(token).send().expect(403);

    String blankDept = server.tokens.token("officer-blank", "空部门", List.of("officer"), " ", null);
    assertEquals(new JsonArray(), api.get("/me").token(blankDept).send().expect(200).json().getJsonArray("roles"));
    api.get("/applications").token(blankDept).send().expect(403);

    // the same officer with a department has the queue
    api.get("/applications").token(server.tokens.token("officer-nodept", "无部门", List.of("officer"), "MZJ", null))
        .send().expect(200);
  }

  @Test
  void anEnterpriseMemberWithAnInvalidUsccLosesTheEnterpriseRole() {
    // same code as the demo enterprise with a wrong check character
    String token = server.tokens.token("enterprise-fake", "假企业", List.of("enterprise"), null, "9144030035829164XF");
    JsonObject me = api.get("/me").token(token).send().expect(200).json();
    assertEquals(new JsonArray(), me.getJsonArray("roles"));
    assertNull(me.getString("uscc"));
    api.get("/applications").token(token).send().expect(403);
    Map<String, Long> before = server.snapshot();
    api.post("/applications").token(token).idempotencyKey("fake-enterprise-1")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(403);
    assertEquals(before, server.snapshot());

    String lowerCase = server.tokens.token("enterprise-lower", "小写", List.of("enterprise"), null, "9144030035829164xe");
    assertEquals(new JsonArray(), api.get("/me").token(lowerCase).send().expect(200).json().getJsonArray("roles"));
    String noUscc = server.tokens.token("enterprise-none", "无代码", List.of("enterprise"), null, null);
    assertEquals(new JsonArray(), api.get("/me").token(noUscc).send().expect(200).json().getJsonArray("roles"));
  }

  @Test
  void aCitizenWhoAlsoClaimsAnInvalidEnterpriseStaysACitizen() {
    String token = server.tokens.token("dual", "双重", List.of("citizen", "enterprise"), null, "123");
    JsonObject me = api.get("/me").token(token).send().expect(200).json();
    assertEquals(new JsonArray().add("citizen"), me.getJsonArray("roles"));
    JsonObject draft = api.post("/applications").token(token).idempotencyKey("dual-draft-1")
        .json(new JsonObject().put("itemCode", "MZ-HY-001")).expect(201).json();
    assertEquals("citizen", draft.getJsonObject("applicant").getString("kind"));
    assertNull(draft.getJsonObject("applicant").getString("uscc"));
  }
}
