package zhangban.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All configuration, read once from the environment. Every key is documented in docs/configuration.md.
 */
public record Config(
    String host,
    int port,
    int httpInstances,
    Optional<DatabaseTarget> database,
    Path dataDir,
    int dbPoolSize,
    boolean devMode,
    boolean demoData,
    Jwt jwt,
    long maxBodyBytes,
    long maxUploadBytes,
    Path uploadsDir,
    double warningRatio,
    int supplementNoticeDays,
    ZoneId zone,
    long readyTimeoutMillis,
    Role role,
    long shutdownGraceMillis,
    boolean accessLog,
    Optional<DatabaseTarget> statsDatabase,
    Push push,
    Rating rating,
    Stats stats,
    HttpLimits http,
    long drainDelayMillis,
    Reporting reporting,
    URI publicBaseUrl,
    Optional<zhangban.sms.PhoneVault> phones,
    Sms sms,
    Bulletins bulletins) {

  /**
   * The weekly 通报 (docs/bulletins.md): built every week on {@code weekday} at {@code time}
   * (Asia/Shanghai) for the week before, looked for every {@code checkIntervalMillis}; the CJK font
   * its PDF embeds (a TrueType file or collection), when one is found.
   */
  public record Bulletins(java.time.DayOfWeek weekday, java.time.LocalTime time, long checkIntervalMillis,
                          Optional<Path> font) {}

  /**
   * Where Debian's CJK TrueType fonts are (fonts-wqy-zenhei, fonts-droid-fallback), the first found
   * taken. Noto Sans CJK is not among them: its outlines are CFF, which the PDF library cannot embed.
   */
  static final List<String> CJK_FONTS = List.of(
      "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
      "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");

  private static Bulletins bulletins(Env e) {
    java.time.DayOfWeek weekday;
    java.time.LocalTime time;
    try {
      weekday = java.time.DayOfWeek.valueOf(e.str("BULLETIN_WEEKDAY", "MONDAY").toUpperCase(java.util.Locale.ROOT));
      time = java.time.LocalTime.parse(e.str("BULLETIN_TIME", "09:00"));
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException ex) {
      throw new IllegalArgumentException("BULLETIN_WEEKDAY is a day (MONDAY … SUNDAY) and BULLETIN_TIME a time (09:00)");
    }
    Optional<String> named = e.opt("BULLETIN_FONT");
    if (named.isPresent() && !named.get().equals("none") && !java.nio.file.Files.isReadable(Path.of(named.get()))) {
      throw new IllegalArgumentException("BULLETIN_FONT names no readable file: " + named.get());
    }
    Optional<Path> font = named.isPresent()
        ? named.filter(f -> !f.equals("none")).map(Path::of)
        : CJK_FONTS.stream().map(Path::of).filter(java.nio.file.Files::isReadable).findFirst();
    return new Bulletins(weekday, time, e.integer("BULLETIN_CHECK_INTERVAL_MS", 60 * 1000), font);
  }

  /**
   * What one connection may take of the server: time to send its headers, time without a byte,
   * and the size of the request line and headers (larger ones are answered 414 / 431); and whether
   * a client's address is the one X-Forwarded-For names (behind a proxy that sets it, such as the
   * Ingress), which per-client limits count by.
   */
  public record HttpLimits(int idleTimeoutSeconds, int headerTimeoutSeconds, int maxUriBytes, int maxHeaderBytes,
                           boolean trustForwarded) {}

  /**
   * What one process does: everything (the default), only the HTTP API, or only the push worker
   * (for provinces that scale sending apart from serving). Every role runs the clock-driven jobs,
   * which share their work through the database.
   */
  public enum Role {
    ALL, API, PUSH_WORKER;

    static Role parse(String value) {
      return switch (value) {
        case "all" -> ALL;
        case "api" -> API;
        case "push-worker" -> PUSH_WORKER;
        default -> throw new IllegalArgumentException("SERVER_ROLE must be all, api or push-worker, got " + value);
      };
    }

    public boolean servesApi() {
      return this != PUSH_WORKER;
    }
  }

  /** Whether this process drains the push outbox. */
  public boolean runsPushWorker() {
    return role == Role.PUSH_WORKER || (role == Role.ALL && push.workerEnabled());
  }

  /**
   * Whether this process sends the platform reports: where the push worker runs (the outbox
   * workers go together), a profile and an endpoint are configured, and it is not turned off.
   */
  public boolean runsReportWorker() {
    return role != Role.API && reporting.sends() && reporting.workerEnabled();
  }

  /**
   * Statistics: the levels counted good, the fewest active ratings a group needs to be ranked or
   * published; the published results (公示): how long each answer is kept and may be cached, and
   * how many calls a client may make a minute.
   */
  public record Stats(java.util.Set<Integer> goodLevels, int minSample, int disclosureMaxAgeSeconds,
                      int disclosureCallsPerMinute) {}

  /**
   * 好差评 and 差评整改 rules; every number of the rules is here, with the default of the
   * national documents (see docs/configuration.md).
   */
  public record Rating(
      java.util.Set<String> stages,
      int windowDays,
      boolean windowInWorkingDays,
      int reminderDays,
      Optional<Integer> defaultLevel,
      int poorMaxLevel,
      boolean poorNeedsTag,
      int commentMaxChars,
      int callsPerMinute,
      int verifyWorkingDays,
      int replyWorkingDays,
      int followUpDays,
      java.util.Set<String> provinceWideImporters,
      int schedulerIntervalMillis,
      int visitMinutes) {

    public static final java.util.Set<String> KNOWN_STAGES = java.util.Set.of("accepted", "completed");

    public boolean isPoor(int level) {
      return level <= poorMaxLevel;
    }
  }

  /** Push delivery: the FCM gateway and the outbox worker. */
  public record Push(
      boolean workerEnabled,
      Optional<Path> credentialsFile,
      Optional<String> credentialsJson,
      Optional<String> projectId,
      Optional<String> fcmBaseUrl,
      int batchSize,
      int leaseSeconds,
      int pollMillis,
      int maxAttempts,
      int backoffBaseMillis,
      int backoffMaxMillis,
      int ratePerSecond,
      int sendTimeoutMillis,
      int shutdownGraceMillis,
      int reminderIntervalMillis,
      int sendThreads,
      int deviceStaleDays,
      int pruneIntervalMillis) {

    public boolean hasCredentials() {
      return credentialsFile.isPresent() || credentialsJson.isPresent();
    }
  }

  /**
   * Reporting to the provincial platform (docs/platform-reporting.md): the profile records are
   * written in, and where and how they are sent. No profile: nothing is recorded; a profile without
   * an endpoint: recorded, not sent.
   */
  public record Reporting(
      Optional<String> profile,
      Optional<URI> endpoint,
      Auth auth,
      Optional<String> appKey,
      Optional<String> appSecret,
      Optional<URI> tokenUrl,
      Optional<String> clientId,
      Optional<String> clientSecret,
      int timeoutMillis,
      int batchSize,
      int leaseSeconds,
      int pollMillis,
      int maxAttempts,
      int backoffBaseMillis,
      int backoffMaxMillis,
      int ratePerSecond,
      int backlogDegradedSeconds,
      boolean workerEnabled) {

    /** How requests to the platform are authenticated. */
    public enum Auth { NONE, HMAC, OAUTH2 }

    /** Whether records are sent at all (a profile and an endpoint). */
    public boolean sends() {
      return profile.isPresent() && endpoint.isPresent();
    }
  }

  /** Where PostgreSQL is when one is configured; absent means the embedded one. */
  public record DatabaseTarget(String host, int port, String database, String user, String password) {}

  /** Bearer token verification. */
  public record Jwt(
      Optional<URI> jwksUrl,
      Optional<Path> jwksFile,
      List<String> issuers,
      List<String> audiences,
      long clockSkewSeconds,
      long jwksMinRefetchSeconds,
      long maxLifetimeSeconds,
      boolean managersWithoutRegionSeeAll) {}

  public static final String FIREBASE_JWKS =
      "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";
  public static final String DEV_ISSUER = "zhangban-dev";
  public static final String DEV_AUDIENCE = "zhangban";

  public static Config fromEnv() {
    return from(System.getenv());
  }

  public static Config from(Map<String, String> env) {
    Env e = new Env(env);
    Optional<DatabaseTarget> db = databaseTarget(e);
    boolean devMode = e.bool("DEV_MODE", db.isEmpty());
    Path dataDir = Path.of(e.str("DATA_DIR", "data"));

    Optional<String> firebaseProject = e.opt("FIREBASE_PROJECT_ID");
    List<String> issuers = e.list("JWT_ISSUERS");
    List<String> audiences = e.list("JWT_AUDIENCES");
    Optional<URI> jwksUrl = e.opt("JWT_JWKS_URL").map(URI::create);
    if (firebaseProject.isPresent()) {
      issuers = concat(issuers, "https://securetoken.google.com/" + firebaseProject.get());
      audiences = concat(audiences, firebaseProject.get());
      if (jwksUrl.isEmpty()) {
        jwksUrl = Optional.of(URI.create(FIREBASE_JWKS));
      }
    }
    if (devMode) {
      issuers = concat(issuers, DEV_ISSUER);
      audiences = concat(audiences, DEV_AUDIENCE);
    }
    Jwt jwt = new Jwt(
        jwksUrl,
        e.opt("JWT_JWKS_FILE").map(Path::of),
        issuers,
        audiences,
        e.integer("JWT_CLOCK_SKEW_SECONDS", 60),
        e.integer("JWKS_MIN_REFETCH_SECONDS", 30),
        e.integer("JWT_MAX_LIFETIME_SECONDS", 24 * 3600),
        switch (e.str("MANAGER_WITHOUT_REGION", "deny")) {
          case "deny" -> false;
          case "all" -> true;
          default -> throw new IllegalArgumentException("MANAGER_WITHOUT_REGION must be deny or all");
        });
    if (jwt.maxLifetimeSeconds() < 60) {
      throw new IllegalArgumentException("JWT_MAX_LIFETIME_SECONDS must be at least 60, got " + jwt.maxLifetimeSeconds());
    }
    HttpLimits http = new HttpLimits(
        e.integer("HTTP_IDLE_TIMEOUT_SECONDS", 60),
        e.integer("HTTP_HEADER_TIMEOUT_SECONDS", 20),
        e.integer("HTTP_MAX_URI_BYTES", 8192),
        e.integer("HTTP_MAX_HEADER_BYTES", 16384),
        e.bool("HTTP_TRUST_FORWARDED", false));
    if (http.idleTimeoutSeconds() < 1 || http.headerTimeoutSeconds() < 1 || http.maxUriBytes() < 1024
        || http.maxHeaderBytes() < 4096) {
      throw new IllegalArgumentException("HTTP limits out of range: time-outs at least 1 s, "
          + "HTTP_MAX_URI_BYTES at least 1024, HTTP_MAX_HEADER_BYTES at least 4096");
    }

    double warningRatio = e.decimal("WARNING_RATIO", 0.8);
    if (!(warningRatio > 0 && warningRatio <= 1)) {
      throw new IllegalArgumentException("WARNING_RATIO must be in (0, 1], got " + warningRatio);
    }
    // logback reads LOG_FORMAT itself (it chooses the appender before this runs); refuse nonsense here
    String logFormat = e.str("LOG_FORMAT", "text");
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new IllegalArgumentException("LOG_FORMAT must be text or json, got " + logFormat);
    }
    return new Config(
        e.str("HOST", "0.0.0.0"),
        e.integer("PORT", 8080),
        e.integer("HTTP_INSTANCES", Runtime.getRuntime().availableProcessors()),
        db,
        dataDir,
        e.integer("DB_POOL_SIZE", 8),
        devMode,
        e.bool("DEMO_DATA", db.isEmpty()),
        jwt,
        e.integer("MAX_BODY_BYTES", 1024 * 1024),
        e.integer("MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        Path.of(e.str("UPLOADS_TMP_DIR", dataDir.resolve("uploads-tmp").toString())),
        warningRatio,
        e.integer("SUPPLEMENT_NOTICE_DAYS", 5),
        ZoneId.of(e.str("TIMEZONE", "Asia/Shanghai")),
        e.integer("READY_TIMEOUT_MS", 2000),
        Role.parse(e.str("SERVER_ROLE", "all")),
        e.integer("SHUTDOWN_GRACE_MS", 10000),
        e.bool("ACCESS_LOG", true),
        e.opt("STATS_DATABASE_URL").map(Config::parseDatabaseUrl),
        new Push(
            e.bool("PUSH_WORKER_ENABLED", true),
            e.opt("GOOGLE_APPLICATION_CREDENTIALS").map(Path::of),
            e.opt("FIREBASE_SERVICE_ACCOUNT_JSON"),
            firebaseProject,
            e.opt("FCM_BASE_URL"),
            e.integer("PUSH_BATCH_SIZE", 200),
            e.integer("PUSH_LEASE_SECONDS", 60),
            e.integer("PUSH_POLL_MS", 1000),
            e.integer("PUSH_MAX_ATTEMPTS", 8),
            e.integer("PUSH_BACKOFF_BASE_MS", 2000),
            e.integer("PUSH_BACKOFF_MAX_MS", 30 * 60 * 1000),
            e.integer("PUSH_RATE_PER_SECOND", 8000),
            e.integer("PUSH_SEND_TIMEOUT_MS", 10000),
            e.integer("PUSH_SHUTDOWN_GRACE_MS", 20000),
            e.integer("REMINDER_INTERVAL_MS", 10 * 60 * 1000),
            e.integer("PUSH_SEND_THREADS", 32),
            e.integer("PUSH_DEVICE_STALE_DAYS", 270),
            e.integer("PUSH_PRUNE_INTERVAL_MS", 60 * 60 * 1000)),
        rating(e),
        stats(e),
        http,
        e.integer("SHUTDOWN_DRAIN_DELAY_MS", 5000),
        reporting(e),
        publicBaseUrl(e),
        phones(e, devMode),
        sms(e),
        bulletins(e));
  }

  /**
   * SMS to applicants without the app (docs/sms.md): the provider (recording keeps messages in the
   * outbox's log only; tencent sends through Tencent Cloud SMS), its credentials, the province's
   * approved template for each kind of message, and the limits.
   */
  public record Sms(
      String provider,
      Optional<String> secretId,
      Optional<String> secretKey,
      Optional<String> sdkAppId,
      String signName,
      String region,
      Optional<URI> endpoint,
      Map<String, String> templates,
      int ratePerSecond,
      int perNumberPerDay,
      int maxAttempts,
      int backoffBaseMillis,
      int backoffMaxMillis,
      Optional<String> callbackKey) {

    public boolean sendsForReal() {
      return provider.equals("tencent");
    }
  }

  private static Sms sms(Env e) {
    String provider = e.str("SMS_PROVIDER", "recording");
    if (!List.of("recording", "tencent").contains(provider)) {
      throw new IllegalArgumentException("SMS_PROVIDER must be recording or tencent, got " + provider);
    }
    Map<String, String> templates = new java.util.LinkedHashMap<>();
    for (String entry : e.list("SMS_TEMPLATES")) {
      String[] kv = entry.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
        throw new IllegalArgumentException("SMS_TEMPLATES is kind=templateId, comma-separated, got " + entry);
      }
      templates.put(kv[0].trim(), kv[1].trim());
    }
    Sms sms = new Sms(provider, e.opt("SMS_TENCENT_SECRET_ID"), e.opt("SMS_TENCENT_SECRET_KEY"),
        e.opt("SMS_TENCENT_SDK_APP_ID"), e.str("SMS_SIGN_NAME", "掌办"), e.str("SMS_TENCENT_REGION", "ap-guangzhou"),
        e.opt("SMS_ENDPOINT").map(URI::create), templates, e.integer("SMS_RATE_PER_SECOND", 50),
        e.integer("SMS_PER_NUMBER_PER_DAY", 5), e.integer("SMS_MAX_ATTEMPTS", 6),
        e.integer("SMS_BACKOFF_BASE_MS", 5000), e.integer("SMS_BACKOFF_MAX_MS", 30 * 60 * 1000),
        e.opt("SMS_CALLBACK_KEY"));
    if (sms.callbackKey().isPresent() && sms.callbackKey().get().length() < 24) {
      throw new IllegalArgumentException("SMS_CALLBACK_KEY needs at least 24 characters");
    }
    if (sms.sendsForReal() && (sms.secretId().isEmpty() || sms.secretKey().isEmpty() || sms.sdkAppId().isEmpty())) {
      throw new IllegalArgumentException("SMS_PROVIDER=tencent needs SMS_TENCENT_SECRET_ID, SMS_TENCENT_SECRET_KEY "
          + "and SMS_TENCENT_SDK_APP_ID");
    }
    if (sms.perNumberPerDay() < 1 || sms.ratePerSecond() < 1) {
      throw new IllegalArgumentException("SMS_PER_NUMBER_PER_DAY and SMS_RATE_PER_SECOND must be at least 1");
    }
    return sms;
  }

  /**
   * The keys phone numbers are sealed and looked up with (docs/external-transactions.md): PHONE_KEYS
   * ({@code id:base64,…}, the current first) and PHONE_LOOKUP_KEY; in development, fixed keys when
   * none are given; otherwise none, and no phone number is taken.
   */
  private static Optional<zhangban.sms.PhoneVault> phones(Env e, boolean devMode) {
    Optional<String> keys = e.opt("PHONE_KEYS");
    Optional<String> lookup = e.opt("PHONE_LOOKUP_KEY");
    if (keys.isPresent() != lookup.isPresent()) {
      throw new IllegalArgumentException("PHONE_KEYS and PHONE_LOOKUP_KEY go together");
    }
    if (keys.isPresent()) {
      try {
        return Optional.of(zhangban.sms.PhoneVault.parse(keys.get(), lookup.get()));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("PHONE_KEYS / PHONE_LOOKUP_KEY: " + bad.getMessage());
      }
    }
    return devMode ? Optional.of(zhangban.sms.PhoneVault.development()) : Optional.empty();
  }

  /** Where citizens reach this server: rating links and their QR codes point there. */
  private static URI publicBaseUrl(Env e) {
    URI base = URI.create(e.str("PUBLIC_BASE_URL", "http://localhost:" + e.integer("PORT", 8080)));
    if (!List.of("https", "http").contains(String.valueOf(base.getScheme())) || base.getHost() == null
        || (base.getPath() != null && !base.getPath().isEmpty() && !base.getPath().equals("/"))) {
      throw new IllegalArgumentException("PUBLIC_BASE_URL must be an https:// origin such as https://zhangban.example.gov.cn,"
          + " got " + base);
    }
    return base;
  }

  private static Reporting reporting(Env e) {
    Optional<URI> endpoint = e.opt("REPORTING_ENDPOINT").map(URI::create);
    if (endpoint.isPresent() && !List.of("https", "http").contains(String.valueOf(endpoint.get().getScheme()))) {
      throw new IllegalArgumentException("REPORTING_ENDPOINT must be an https:// URL (http:// only for a stub), got " + endpoint.get());
    }
    if (endpoint.isPresent() && e.opt("REPORTING_PROFILE").isEmpty()) {
      throw new IllegalArgumentException("REPORTING_ENDPOINT needs REPORTING_PROFILE: the platform's record shape");
    }
    Reporting.Auth auth = switch (e.str("REPORTING_AUTH", "hmac")) {
      case "none" -> Reporting.Auth.NONE;
      case "hmac" -> Reporting.Auth.HMAC;
      case "oauth2" -> Reporting.Auth.OAUTH2;
      default -> throw new IllegalArgumentException("REPORTING_AUTH must be hmac, oauth2 or none, got "
          + e.str("REPORTING_AUTH", ""));
    };
    Reporting r = new Reporting(
        e.opt("REPORTING_PROFILE"),
        endpoint,
        auth,
        e.opt("REPORTING_APP_KEY"),
        e.opt("REPORTING_APP_SECRET"),
        e.opt("REPORTING_TOKEN_URL").map(URI::create),
        e.opt("REPORTING_CLIENT_ID"),
        e.opt("REPORTING_CLIENT_SECRET"),
        e.integer("REPORTING_TIMEOUT_MS", 10000),
        e.integer("REPORTING_BATCH_SIZE", 200),
        e.integer("REPORTING_LEASE_SECONDS", 60),
        e.integer("REPORTING_POLL_MS", 1000),
        e.integer("REPORTING_MAX_ATTEMPTS", 48),
        e.integer("REPORTING_BACKOFF_BASE_MS", 2000),
        e.integer("REPORTING_BACKOFF_MAX_MS", 10 * 60 * 1000),
        e.integer("REPORTING_RATE_PER_SECOND", 5000),
        e.integer("REPORTING_BACKLOG_DEGRADED_SECONDS", 3600),
        e.bool("REPORTING_WORKER_ENABLED", true));
    if (r.sends() && auth == Reporting.Auth.HMAC && (r.appKey().isEmpty() || r.appSecret().isEmpty())) {
      throw new IllegalArgumentException("REPORTING_AUTH=hmac needs REPORTING_APP_KEY and REPORTING_APP_SECRET");
    }
    if (r.sends() && auth == Reporting.Auth.OAUTH2
        && (r.tokenUrl().isEmpty() || r.clientId().isEmpty() || r.clientSecret().isEmpty())) {
      throw new IllegalArgumentException(
          "REPORTING_AUTH=oauth2 needs REPORTING_TOKEN_URL, REPORTING_CLIENT_ID and REPORTING_CLIENT_SECRET");
    }
    if (r.timeoutMillis() < 100 || r.batchSize() < 1 || r.leaseSeconds() < 1 || r.pollMillis() < 10
        || r.maxAttempts() < 1 || r.backoffBaseMillis() < 1 || r.backoffMaxMillis() < r.backoffBaseMillis()
        || r.ratePerSecond() < 1 || r.backlogDegradedSeconds() < 1) {
      throw new IllegalArgumentException("Reporting settings out of range: time-out at least 100 ms, batch, lease, "
          + "attempts, rate and degraded age at least 1, poll at least 10 ms, backoff maximum at least its base");
    }
    return r;
  }

  private static Stats stats(Env e) {
    java.util.Set<Integer> good = new java.util.TreeSet<>();
    for (String level : e.list("STATS_GOOD_LEVELS")) {
      try {
        good.add(Integer.parseInt(level));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("STATS_GOOD_LEVELS must list levels 1-5, got " + level, ex);
      }
    }
    if (good.isEmpty()) {
      good.addAll(List.of(3, 4, 5));
    }
    if (good.stream().anyMatch(l -> l < 1 || l > 5)) {
      throw new IllegalArgumentException("STATS_GOOD_LEVELS must list levels 1-5, got " + good);
    }
    int minSample = e.integer("STATS_MIN_SAMPLE", 30);
    if (minSample < 1) {
      throw new IllegalArgumentException("STATS_MIN_SAMPLE must be at least 1, got " + minSample);
    }
    int maxAge = e.integer("DISCLOSURE_MAX_AGE_SECONDS", 300);
    int calls = e.integer("DISCLOSURE_CALLS_PER_MINUTE", 120);
    if (maxAge < 1 || calls < 1) {
      throw new IllegalArgumentException("DISCLOSURE_MAX_AGE_SECONDS and DISCLOSURE_CALLS_PER_MINUTE must be at least 1");
    }
    return new Stats(java.util.Set.copyOf(good), minSample, maxAge, calls);
  }

  private static Rating rating(Env e) {
    java.util.Set<String> stages = new java.util.LinkedHashSet<>(e.list("RATING_STAGES"));
    if (stages.isEmpty()) {
      stages.add("completed");
    } else if (stages.equals(java.util.Set.of("none"))) {
      stages.clear(); // nothing rated in the app: a province whose ratings all come from elsewhere
    }
    for (String s : stages) {
      if (!Rating.KNOWN_STAGES.contains(s)) {
        throw new IllegalArgumentException("RATING_STAGES may name " + Rating.KNOWN_STAGES + ", got " + s);
      }
    }
    String def = e.str("RATING_DEFAULT_LEVEL", "none");
    Optional<Integer> defaultLevel;
    if (def.equalsIgnoreCase("none")) {
      defaultLevel = Optional.empty();
    } else {
      int level = e.integer("RATING_DEFAULT_LEVEL", 0);
      if (level < 1 || level > 5) {
        throw new IllegalArgumentException("RATING_DEFAULT_LEVEL must be none or a level 1-5, got " + def);
      }
      defaultLevel = Optional.of(level);
    }
    int poorMax = e.integer("RATING_POOR_MAX_LEVEL", 2);
    if (poorMax < 1 || poorMax > 4) {
      throw new IllegalArgumentException("RATING_POOR_MAX_LEVEL must be 1-4, got " + poorMax);
    }
    if (defaultLevel.isPresent() && defaultLevel.get() <= poorMax) {
      throw new IllegalArgumentException("RATING_DEFAULT_LEVEL must not be a poor rating (level <= " + poorMax + ")");
    }
    Rating r = new Rating(
        java.util.Set.copyOf(stages),
        e.integer("RATING_WINDOW_DAYS", 7),
        e.bool("RATING_WINDOW_WORKING_DAYS", false),
        e.integer("RATING_REMINDER_DAYS", 3),
        defaultLevel,
        poorMax,
        e.bool("RATING_POOR_NEEDS_TAG", true),
        e.integer("RATING_COMMENT_MAX_CHARS", 500),
        e.integer("RATING_CALLS_PER_MINUTE", 20),
        e.integer("RECTIFY_VERIFY_WORKING_DAYS", 1),
        e.integer("RECTIFY_REPLY_WORKING_DAYS", 15),
        e.integer("RECTIFY_FOLLOW_UP_DAYS", 7),
        java.util.Set.copyOf(e.list("RATING_IMPORT_PROVINCE_WIDE")),
        e.integer("RATING_SCHEDULER_INTERVAL_MS", 60 * 1000),
        e.integer("RATING_VISIT_MINUTES", 30));
    if (r.visitMinutes() < 1) {
      throw new IllegalArgumentException("RATING_VISIT_MINUTES must be at least 1, got " + r.visitMinutes());
    }
    if (r.windowDays() < 1 || r.verifyWorkingDays() < 1 || r.replyWorkingDays() < r.verifyWorkingDays()
        || r.commentMaxChars() < 1 || r.commentMaxChars() > 2000 || r.callsPerMinute() < 1 || r.followUpDays() < 1) {
      throw new IllegalArgumentException("Rating settings out of range: windows and deadlines need at least a day, "
          + "the reply deadline may not come before the verify deadline, comments 1-2000 characters");
    }
    return r;
  }

  private static Optional<DatabaseTarget> databaseTarget(Env e) {
    Optional<String> url = e.opt("DATABASE_URL");
    if (url.isPresent()) {
      return Optional.of(parseDatabaseUrl(url.get()));
    }
    if (e.opt("PGHOST").isPresent()) {
      return Optional.of(new DatabaseTarget(
          e.str("PGHOST", "localhost"),
          e.integer("PGPORT", 5432),
          e.str("PGDATABASE", "zhangban"),
          e.str("PGUSER", "zhangban"),
          e.str("PGPASSWORD", "")));
    }
    return Optional.empty();
  }

  /** Accepts {@code postgres://user:password@host:port/db} and {@code postgresql://...}. */
  static DatabaseTarget parseDatabaseUrl(String url) {
    URI uri = URI.create(url.replaceFirst("^jdbc:", ""));
    if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
      throw new IllegalArgumentException("DATABASE_URL must start with postgres:// or postgresql://");
    }
    String user = "postgres";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = percentDecode(parts[0]);
      if (parts.length > 1) {
        password = percentDecode(parts[1]);
      }
    }
    String db = uri.getPath() == null || uri.getPath().length() <= 1 ? user : uri.getPath().substring(1);
    return new DatabaseTarget(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, user, password);
  }

  /** Percent-decoding of a URI part; unlike form decoding, '+' stays a '+'. */
  private static String percentDecode(String raw) {
    return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static List<String> concat(List<String> list, String value) {
    return list.contains(value) ? list : java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(value)).toList();
  }

  private record Env(Map<String, String> env) {
    Optional<String> opt(String key) {
      return Optional.ofNullable(env.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    String str(String key, String def) {
      return opt(key).orElse(def);
    }

    int integer(String key, int def) {
      return opt(key).map(v -> {
        try {
          return Integer.parseInt(v);
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException(key + " must be an integer, got " + v, ex);
        }
      }).orElse(def);
    }

    double decimal(String key, double def) {
      return opt(key).map(v -> {
        try {
          return Double.parseDouble(v);
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException(key + " must be a number, got " + v, ex);
        }
      }).orElse(def);
    }

    boolean bool(String key, boolean def) {
      return opt(key).map(v -> v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("on")).orElse(def);
    }

    List<String> list(String key) {
      return opt(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
          .orElse(List.of());
    }
  }
}
