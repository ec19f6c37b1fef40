package zhangban.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Configuration as read from the environment: defaults, database URLs, identity providers, bad values. */
class ConfigTest {
  static final String URL = "postgres://user:p%40ss@db.example:6543/zb";

  static Config.DatabaseTarget target(Map<String, String> env) {
    return Config.from(env).database().orElseThrow();
  }

  @Test
  void withoutAnyEnvironmentTheServerRunsAsADevelopmentBoxOnPort8080() {
    Config c = Config.from(Map.of());
    assertEquals(8080, c.port());
    assertEquals("0.0.0.0", c.host());
    assertEquals(Optional.empty(), c.database(), "the embedded PostgreSQL");
    assertTrue(c.devMode());
    assertTrue(c.demoData());
    assertEquals(Path.of("data"), c.dataDir());
    assertEquals(Path.of("data", "uploads-tmp"), c.uploadsDir());
    assertEquals(8, c.dbPoolSize());
    assertEquals(0.8, c.warningRatio());
    assertEquals(5, c.supplementNoticeDays());
    assertEquals(ZoneId.of("Asia/Shanghai"), c.zone());
    assertEquals(2000, c.readyTimeoutMillis());
    assertEquals(1024 * 1024, c.maxBodyBytes());
    assertEquals(20 * 1024 * 1024, c.maxUploadBytes());
    // development mode trusts the server's own dev tokens and nothing else
    assertEquals(List.of(Config.DEV_ISSUER), c.jwt().issuers());
    assertEquals(List.of(Config.DEV_AUDIENCE), c.jwt().audiences());
    assertEquals(Optional.empty(), c.jwt().jwksUrl());
    assertEquals(Optional.empty(), c.jwt().jwksFile());
    assertEquals(60, c.jwt().clockSkewSeconds());
    assertEquals(30, c.jwt().jwksMinRefetchSeconds());
  }

  @Test
  void aProcessServesTheApiAndSendsPushesUnlessItsRoleSaysOtherwise() {
    Config all = Config.from(Map.of());
    assertEquals(Config.Role.ALL, all.role());
    assertTrue(all.role().servesApi());
    assertTrue(all.runsPushWorker());
    assertFalse(Config.from(Map.of("PUSH_WORKER_ENABLED", "false")).runsPushWorker());
    Config api = Config.from(Map.of("SERVER_ROLE", "api"));
    assertTrue(api.role().servesApi());
    assertFalse(api.runsPushWorker());
    Config worker = Config.from(Map.of("SERVER_ROLE", "push-worker", "PUSH_WORKER_ENABLED", "false"));
    assertFalse(worker.role().servesApi());
    assertTrue(worker.runsPushWorker(), "the role is the stronger setting");
    assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of("SERVER_ROLE", "worker")));
    assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of("LOG_FORMAT", "xml")));
    assertEquals(10000, all.shutdownGraceMillis());
    assertEquals(Optional.empty(), all.statsDatabase());
    assertEquals(new Config.DatabaseTarget("db-ro.example", 5432, "zb", "u", "p"),
        Config.from(Map.of("STATS_DATABASE_URL", "postgres://u:p@db-ro.example/zb")).statsDatabase().orElseThrow());
  }

  @Test
  void aConfiguredDatabaseTurnsDevModeAndDemoDataOff() {
    Config c = Config.from(Map.of("DATABASE_URL", URL));
    assertFalse(c.devMode());
    assertFalse(c.demoData());
    assertEquals(List.of(), c.jwt().issuers());
    assertEquals(List.of(), c.jwt().audiences());

    Config pg = Config.from(Map.of("PGHOST", "pg.internal"));
    assertFalse(pg.devMode());
    assertFalse(pg.demoData());
  }

  @Test
  void devModeAndDemoDataCanBeSetEitherWay() {
    Config on = Config.from(Map.of("DATABASE_URL", URL, "DEV_MODE", "true", "DEMO_DATA", "1"));
    assertTrue(on.devMode());
    assertTrue(on.demoData());
    assertEquals(List.of(Config.DEV_ISSUER), on.jwt().issuers());
    Config off = Config.from(Map.of("DEV_MODE", "false", "DEMO_DATA", "no"));
    assertFalse(off.devMode());
    assertFalse(off.demoData());
    assertEquals(List.of(), off.jwt().issuers());
  }

  @Test
  void databaseUrlGivesUserDecodedPasswordHostPortAndDatabase() {
    assertEquals(new Config.DatabaseTarget("db.example", 6543, "zb", "user", "p@ss"), target(Map.of("DATABASE_URL", URL)));
  }

  @Test
  void databaseUrlMayUseThePostgresqlSchemeAndTheJdbcPrefix() {
    Config.DatabaseTarget expected = new Config.DatabaseTarget("db.example", 6543, "zb", "user", "p@ss");
    assertEquals(expected, target(Map.of("DATABASE_URL", "postgresql://user:p%40ss@db.example:6543/zb")));
    assertEquals(expected, target(Map.of("DATABASE_URL", "jdbc:postgresql://user:p%40ss@db.example:6543/zb")));
  }

  @Test
  void databaseUrlWithoutAPortUses5432() {
    assertEquals(new Config.DatabaseTarget("db.example", 5432, "zb", "user", "secret"),
        target(Map.of("DATABASE_URL", "postgres://user:secret@db.example/zb")));
  }

  @Test
  void databaseUrlWithoutADatabaseUsesTheUserName() {
    assertEquals(new Config.DatabaseTarget("db.example", 5432, "zhangban", "zhangban", "secret"),
        target(Map.of("DATABASE_URL", "postgres://zhangban:secret@db.example")));
  }

  @Test
  void aPlusInTheDatabasePasswordIsAPlus() {
    // RFC 3986 userinfo: '+' is a literal character, not an encoded space (that is HTML forms only)
    assertEquals("a+b/c=", target(Map.of("DATABASE_URL", "postgres://user:a+b%2Fc%3D@db.example/zb")).password());
    assertEquals("a b", target(Map.of("DATABASE_URL", "postgres://user:a%20b@db.example/zb")).password());
    assertEquals("us+er", target(Map.of("DATABASE_URL", "postgres://us+er:x@db.example/zb")).user());
  }

  @Test
  void aDatabaseUrlOfAnotherSchemeIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Config.from(Map.of("DATABASE_URL", "mysql://user:secret@db.example:3306/zb")));
    assertTrue(e.getMessage().contains("DATABASE_URL"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of("DATABASE_URL", "http://db.example/zb")));
  }

  @Test
  void pgVariablesNameTheDatabase() {
    assertEquals(new Config.DatabaseTarget("pg.internal", 5433, "zbprod", "zbapp", "s3cret"), target(Map.of(
        "PGHOST", "pg.internal", "PGPORT", "5433", "PGDATABASE", "zbprod", "PGUSER", "zbapp", "PGPASSWORD", "s3cret")));
  }

  @Test
  void pgHostAloneUsesTheDefaultsForTheRest() {
    assertEquals(new Config.DatabaseTarget("pg.internal", 5432, "zhangban", "zhangban", ""),
        target(Map.of("PGHOST", "pg.internal")));
  }

  @Test
  void databaseUrlWinsOverPgVariables() {
    assertEquals(new Config.DatabaseTarget("db.example", 6543, "zb", "user", "p@ss"),
        target(Map.of("DATABASE_URL", URL, "PGHOST", "pg.internal", "PGPORT", "5433")));
  }

  @Test
  void aFirebaseProjectAddsItsIssuerAudienceAndGoogleKeys() {
    Config c = Config.from(Map.of("DATABASE_URL", URL, "FIREBASE_PROJECT_ID", "zhangban-prod"));
    assertEquals(List.of("https://securetoken.google.com/zhangban-prod"), c.jwt().issuers());
    assertEquals(List.of("zhangban-prod"), c.jwt().audiences());
    assertEquals(Optional.of(URI.create(
        "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com")), c.jwt().jwksUrl());
  }

  @Test
  void aFirebaseProjectAddsToConfiguredIssuersAndKeepsAConfiguredKeyUrl() {
    Config c = Config.from(Map.of("DATABASE_URL", URL, "FIREBASE_PROJECT_ID", "zhangban-prod",
        "JWT_ISSUERS", "https://idp.example, https://idp2.example", "JWT_AUDIENCES", "app",
        "JWT_JWKS_URL", "https://idp.example/jwks.json"));
    assertEquals(List.of("https://idp.example", "https://idp2.example", "https://securetoken.google.com/zhangban-prod"),
        c.jwt().issuers());
    assertEquals(List.of("app", "zhangban-prod"), c.jwt().audiences());
    assertEquals(Optional.of(URI.create("https://idp.example/jwks.json")), c.jwt().jwksUrl());
  }

  @Test
  void inDevModeAFirebaseProjectIsTrustedBesideTheDevTokens() {
    Config c = Config.from(Map.of("FIREBASE_PROJECT_ID", "zhangban-dev-proj"));
    assertEquals(List.of("https://securetoken.google.com/zhangban-dev-proj", Config.DEV_ISSUER), c.jwt().issuers());
    assertEquals(List.of("zhangban-dev-proj", Config.DEV_AUDIENCE), c.jwt().audiences());
  }

  @Test
  void warningRatioMustLieInZeroToOne() {
    assertEquals(0.5, Config.from(Map.of("WARNING_RATIO", "0.5")).warningRatio());
    assertEquals(1.0, Config.from(Map.of("WARNING_RATIO", "1")).warningRatio());
    for (String bad : List.of("0", "-0.2", "1.01", "2", "NaN")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Config.from(Map.of("WARNING_RATIO", bad)), bad);
      assertTrue(e.getMessage().contains("WARNING_RATIO"), e.getMessage());
    }
  }

  @Test
  void aWarningRatioThatIsNoNumberIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Config.from(Map.of("WARNING_RATIO", "80%")));
    assertTrue(e.getMessage().contains("WARNING_RATIO"), e.getMessage());
  }

  @Test
  void aPortThatIsNoIntegerIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of("PORT", "80a")));
    assertTrue(e.getMessage().contains("PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("80a"), e.getMessage());
    IllegalArgumentException pg = assertThrows(IllegalArgumentException.class,
        () -> Config.from(Map.of("PGHOST", "pg.internal", "PGPORT", "five")));
    assertTrue(pg.getMessage().contains("PGPORT"), pg.getMessage());
  }

  @Test
  void valuesAreTrimmedAndBlankMeansUnset() {
    Config c = Config.from(Map.of("PORT", " 9090 ", "HOST", "  ", "SUPPLEMENT_NOTICE_DAYS", "7", "TIMEZONE", "UTC",
        "DATA_DIR", "/var/lib/zhangban"));
    assertEquals(9090, c.port());
    assertEquals("0.0.0.0", c.host());
    assertEquals(7, c.supplementNoticeDays());
    assertEquals(ZoneId.of("UTC"), c.zone());
    assertEquals(Path.of("/var/lib/zhangban"), c.dataDir());
    assertEquals(Path.of("/var/lib/zhangban/uploads-tmp"), c.uploadsDir());
  }

  @Test
  void reportingSendsOnlyWithAProfileAnEndpointAndTheCredentialsItsSchemeNeeds() {
    Config off = Config.from(Map.of());
    assertEquals(Optional.empty(), off.reporting().profile());
    assertTrue(!off.runsReportWorker());
    Config recording = Config.from(Map.of("REPORTING_PROFILE", "zhejiang"));
    assertTrue(!recording.reporting().sends() && !recording.runsReportWorker(), "recorded, not sent");
    Map<String, String> hmac = Map.of("REPORTING_PROFILE", "zhejiang", "REPORTING_ENDPOINT", "https://hcp.example/api",
        "REPORTING_APP_KEY", "k", "REPORTING_APP_SECRET", "s");
    Config sending = Config.from(hmac);
    assertTrue(sending.runsReportWorker());
    assertEquals(Config.Reporting.Auth.HMAC, sending.reporting().auth());
    Map<String, String> api = new java.util.HashMap<>(hmac);
    api.put("SERVER_ROLE", "api");
    assertTrue(!Config.from(api).runsReportWorker(), "an API process never sends");

    for (Map<String, String> wrong : List.of(
        Map.of("REPORTING_ENDPOINT", "https://hcp.example/api"),
        Map.of("REPORTING_PROFILE", "zhejiang", "REPORTING_ENDPOINT", "ftp://hcp.example/api"),
        Map.of("REPORTING_PROFILE", "zhejiang", "REPORTING_ENDPOINT", "https://hcp.example/api"),
        Map.of("REPORTING_PROFILE", "zhejiang", "REPORTING_ENDPOINT", "https://hcp.example/api",
            "REPORTING_AUTH", "oauth2", "REPORTING_CLIENT_ID", "c"),
        Map.of("REPORTING_AUTH", "kerberos"),
        Map.of("REPORTING_BACKOFF_BASE_MS", "5000", "REPORTING_BACKOFF_MAX_MS", "1000"),
        Map.of("REPORTING_TIMEOUT_MS", "0"))) {
      assertThrows(IllegalArgumentException.class, () -> Config.from(wrong), wrong.toString());
    }
  }

  @Test
  void everyKeyReadFromTheEnvironmentIsDocumented() throws Exception {
    String source = java.nio.file.Files.readString(Path.of("src/main/java/zhangban/config/Config.java"));
    String readme = java.nio.file.Files.readString(Path.of("../docs/configuration.md"));
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("e\\.(?:str|opt|integer|decimal|bool|list)\\(\"([A-Z0-9_]+)\"").matcher(source);
    java.util.Set<String> keys = new java.util.TreeSet<>();
    while (m.find()) {
      keys.add(m.group(1));
    }
    assertTrue(keys.size() > 40, "found " + keys);
    List<String> undocumented = keys.stream().filter(k -> !readme.contains("`" + k + "`")).toList();
    assertEquals(List.of(), undocumented, "configuration keys missing from docs/configuration.md");
  }

  @Test
  void ratingRulesHaveTheNationalDefaultsAndRefuseNonsense() {
    Config.Rating r = Config.from(Map.of()).rating();
    assertEquals(java.util.Set.of("completed"), r.stages());
    assertEquals(7, r.windowDays());
    assertEquals(3, r.reminderDays());
    assertEquals(Optional.empty(), r.defaultLevel());
    assertTrue(r.isPoor(2));
    assertFalse(r.isPoor(3));
    assertEquals(1, r.verifyWorkingDays());
    assertEquals(15, r.replyWorkingDays());
    assertEquals(java.util.Set.of(), Config.from(Map.of("RATING_STAGES", "none")).rating().stages());
    assertEquals(Optional.of(5), Config.from(Map.of("RATING_DEFAULT_LEVEL", "5")).rating().defaultLevel());
    assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of("RATING_DEFAULT_LEVEL", "2")));
    assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of("RATING_DEFAULT_LEVEL", "6")));
    assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of("RATING_STAGES", "review")));
    assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of("RECTIFY_REPLY_WORKING_DAYS", "0")));
  }
}
