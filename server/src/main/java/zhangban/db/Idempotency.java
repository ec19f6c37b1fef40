package zhangban.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import zhangban.http.ApiException;
import zhangban.http.ProblemType;

/**
 * Keeps a command's first successful result under (caller, key) in the command's own transaction.
 * A retry returns that result and changes nothing; two concurrent requests with one key are
 * serialised by the primary key (the second waits for the first to commit, then replays it).
 */
public final class Idempotency {
  private static final String CLAIM = """
      insert into idempotency_record (subject, key, operation, request_hash, status, body)
      values ($1, $2, $3, $4, 0, '{}')
      on conflict (subject, key) do nothing
      """;
  private static final String STORED = """
      select operation, request_hash, status, body from idempotency_record where subject = $1 and key = $2
      """;
  private static final String COMPLETE = """
      update idempotency_record set status = $3, body = $4 where subject = $1 and key = $2
      """;

  /** The stored reply of an earlier attempt. */
  public record Replay(int status, JsonObject body) {}

  /**
   * Claims the key inside {@code tx}. Empty: go ahead and {@link #complete} it. Present: the
   * earlier reply. Fails with 422 when the key was used for a different request.
   */
  public Future<Optional<Replay>> claim(SqlClient tx, String subject, String key, String operation, String requestHash) {
    return tx.preparedQuery(CLAIM).execute(Tuple.of(subject, key, operation, requestHash)).compose(rows -> {
      if (rows.rowCount() == 1) {
        return Future.succeededFuture(Optional.empty());
      }
      return tx.preparedQuery(STORED).execute(Tuple.of(subject, key)).map(stored -> {
        Row r = stored.iterator().next();
        check(r.getString("operation"), r.getString("request_hash"), operation, requestHash);
        return Optional.of(new Replay(r.getInteger("status"), (JsonObject) r.getJson("body")));
      });
    });
  }

  /** Fails with 422 when a key kept for one request ({@code storedOperation}, {@code storedHash}) comes with another. */
  public static void check(String storedOperation, String storedHash, String operation, String requestHash) {
    if (!storedOperation.equals(operation) || !storedHash.equals(requestHash)) {
      throw new ApiException(ProblemType.IDEMPOTENCY_KEY_REUSED,
          "This Idempotency-Key was already used for a different request.", null);
    }
  }

  public Future<Void> complete(SqlClient tx, String subject, String key, int status, JsonObject body) {
    return tx.preparedQuery(COMPLETE).execute(Tuple.of(subject, key, status, body)).mapEmpty();
  }

  public static String hash(String operation, String target, JsonObject body) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(operation.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(target.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(canonical(body).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** JSON with object keys sorted, so that key order does not change the hash. */
  private static String canonical(Object value) {
    if (value instanceof JsonObject o) {
      StringBuilder sb = new StringBuilder("{");
      o.fieldNames().stream().sorted().forEach(k -> {
        if (sb.length() > 1) sb.append(',');
        sb.append(io.vertx.core.json.Json.encode(k)).append(':').append(canonical(o.getValue(k)));
      });
      return sb.append('}').toString();
    }
    if (value instanceof io.vertx.core.json.JsonArray a) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) sb.append(',');
        sb.append(canonical(a.getValue(i)));
      }
      return sb.append(']').toString();
    }
    return io.vertx.core.json.Json.encode(value);
  }
}
