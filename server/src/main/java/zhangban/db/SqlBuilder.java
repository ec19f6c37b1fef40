package zhangban.db;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A statement whose conditions depend on which filters a query has: literal fragments appended in
 * order, each {@code ?} in a fragment becoming the next placeholder ({@code $1}, {@code $2}, …)
 * bound to the next value given with it. Each shape of query is then a statement of its own,
 * prepared and planned once, and no caller counts placeholders. Fragments are constants of the
 * caller; values never enter the text. Every {@code ?} is a placeholder, so a fragment cannot use
 * PostgreSQL's jsonb operators {@code ?}, {@code ?|} and {@code ?&} (write {@code jsonb_exists}
 * and its kin instead).
 */
public final class SqlBuilder {
  private final StringBuilder sql;
  private final List<Object> values = new ArrayList<>();

  public SqlBuilder(String head) {
    this.sql = new StringBuilder(head);
  }

  /** Appends {@code fragment} (after a space), its {@code ?} bound to {@code args} in order. */
  public SqlBuilder add(String fragment, Object... args) {
    sql.append(' ');
    int next = 0;
    for (int i = 0; i < fragment.length(); i++) {
      char c = fragment.charAt(i);
      if (c != '?') {
        sql.append(c);
        continue;
      }
      if (next == args.length) {
        throw new IllegalArgumentException("More ? than values in: " + fragment);
      }
      values.add(args[next++]);
      sql.append('$').append(values.size());
    }
    if (next != args.length) {
      throw new IllegalArgumentException("More values than ? in: " + fragment);
    }
    return this;
  }

  public String sql() {
    return sql.toString();
  }

  public Tuple tuple() {
    return Tuple.from(values);
  }

  /** The values bound so far, in placeholder order. */
  public List<Object> values() {
    return Collections.unmodifiableList(new ArrayList<>(values));
  }
}
