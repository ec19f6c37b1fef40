package zhangban.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys tokens are checked against: the configured JWKS URL and/or file, plus the dev
 * key when DEV_MODE is on. An unknown {@code kid} triggers one reload (at most once per
 * {@code minRefetchSeconds}), which is how key rotation at the identity provider is picked up.
 */
public final class JwksKeys {
  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);

  private final Vertx vertx;
  private final Optional<URI> url;
  private final Optional<Path> file;
  private final List<JWK> fixedKeys;  // copy-on-write: trust() may add one after start
  private final long minRefetchMillis;
  private final Clock clock;
  private final WebClient client;
  private final AtomicReference<JWKSet> current = new AtomicReference<>(new JWKSet());
  private volatile long lastLoad = Long.MIN_VALUE / 2;
  private volatile Future<Void> inFlight;

  public JwksKeys(Vertx vertx, Optional<URI> url, Optional<Path> file, List<JWK> fixedKeys,
                  long minRefetchSeconds, Clock clock) {
    this.vertx = vertx;
    this.url = url;
    this.file = file;
    this.fixedKeys = new java.util.concurrent.CopyOnWriteArrayList<>(fixedKeys);
    this.minRefetchMillis = minRefetchSeconds * 1000;
    this.clock = clock;
    this.client = url.isPresent()
        ? WebClient.create(vertx, new WebClientOptions().setConnectTimeout(3000).setIdleTimeout(10))
        : null;
    current.set(new JWKSet(this.fixedKeys));
  }

  /** Trusts one more key from now on, as if it had been given at construction (the shared dev key). */
  public void trust(JWK key) {
    fixedKeys.add(key);
    List<JWK> keys = new ArrayList<>(current.get().getKeys());
    keys.add(key);
    current.set(new JWKSet(keys));
  }

  public JWKSet current() {
    return current.get();
  }

  /** Loads from every source; sources that fail keep their previous keys out and are logged. */
  public Future<Void> load() {
    lastLoad = clock.millis();
    List<Future<List<JWK>>> parts = new ArrayList<>();
    file.ifPresent(p -> parts.add(vertx.fileSystem().readFile(p.toString())
        .map(buf -> parse(buf.toString(), p.toString()))));
    url.ifPresent(u -> parts.add(client.getAbs(u.toString()).timeout(5000).send()
        .map(resp -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("JWKS " + u + " answered " + resp.statusCode());
          }
          return parse(resp.bodyAsString(), u.toString());
        })));
    return Future.join(parts).transform(ar -> {
      List<JWK> keys = new ArrayList<>(fixedKeys);
      for (Future<List<JWK>> part : parts) {
        if (part.succeeded()) {
          keys.addAll(part.result());
        } else {
          LOG.warn("Could not load signing keys: {}", part.cause().getMessage());
        }
      }
      current.set(new JWKSet(keys));
      return Future.succeededFuture();
    });
  }

  /** Reloads unless a reload happened recently; concurrent callers share one reload. */
  public Future<Void> reloadForUnknownKid() {
    if (url.isEmpty() && file.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> running = inFlight;
    if (running != null && !running.isComplete()) {
      return running;
    }
    if (clock.millis() - lastLoad < minRefetchMillis) {
      return Future.succeededFuture();
    }
    Future<Void> f = load();
    inFlight = f;
    return f;
  }

  private static List<JWK> parse(String json, String source) {
    try {
      return JWKSet.parse(json).getKeys();
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("Not a JWKS: " + source, e);
    }
  }
}
