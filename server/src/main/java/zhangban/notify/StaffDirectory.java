package zhangban.notify;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.db.Timestamps;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/**
 * The notice directories, kept up to date with the tokens staff use. Officers and managers who
 * register a device join {@code officer_directory} (their department's deadline reminders) and
 * {@code manager_directory} (escalations, appeals and bulletins of their region), as their token
 * says then ({@link #registered}). The identity provider may move them since: each process updates a
 * directory row when a staff member's token says another department, region or name than the
 * newest token of theirs the process saw, so a manager given another region is told of its cases
 * from their next request on, not from their next device registration. A manager whose token
 * names a region Zhangban does not know (or none, where that is refused) is no manager here, and
 * leaves the directory. Rows are never added here: the directories stay those who use the app.
 * The request does not wait for any of it.
 *
 * <p>Not covered: a person whose token stops naming the role at all (they are then a citizen to
 * Zhangban, with nothing to tell them apart) stays in the directory until they register a device
 * again; two processes that last saw different tokens of one person, both still in use, leave the
 * row as the last of them to write it.
 */
public final class StaffDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(StaffDirectory.class);
  /** An officer who registered a device: their department's deadline reminders reach them. */
  private static final String OFFICER_REGISTERED = """
      insert into officer_directory (subject, department, name, updated_at) values ($1, $2, $3, $4)
      on conflict (subject) do update set department = excluded.department, name = excluded.name,
        updated_at = excluded.updated_at
      """;
  /** A manager who registered a device: escalations, appeals and bulletins of their region reach them. */
  private static final String MANAGER_REGISTERED = """
      insert into manager_directory (subject, name, updated_at, region, sees_all) values ($1, $2, $3, $4, $5)
      on conflict (subject) do update set name = excluded.name, updated_at = excluded.updated_at,
        region = excluded.region, sees_all = excluded.sees_all
      """;
  private static final String OFFICER = """
      update officer_directory set department = $2, name = $3, updated_at = $4
      where subject = $1 and (department, name) is distinct from ($2::text, $3::text)
      """;
  private static final String MANAGER = """
      update manager_directory set region = $2, sees_all = $3, name = $4, updated_at = $5
      where subject = $1 and (region, sees_all, name) is distinct from ($2::text, $3::boolean, $4::text)
      """;
  private static final String NO_LONGER_MANAGER = "delete from manager_directory where subject = $1";
  /** Staff remembered before the memory starts again: far more than a province's officers and managers. */
  private static final int REMEMBERED = 100_000;

  /** What the newest token seen of someone said, and when it was issued. */
  private record Seen(String says, Instant issuedAt) {}

  private final Pool pool;
  private final Clock clock;
  /** By "officer:" or "manager:" and the subject. */
  private final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();

  public StaffDirectory(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** {@code p} registered a device in {@code tx}: an officer or a manager joins their directory as their token says. */
  public Future<Void> registered(SqlClient tx, Principal p) {
    Future<?> officer = p.has(Role.OFFICER) && p.department().isPresent()
        ? tx.preparedQuery(OFFICER_REGISTERED).execute(Tuple.of(p.subject(), p.department().get(),
            p.name().orElse(null), Timestamps.utc(clock.instant())))
        : Future.succeededFuture();
    return officer.compose(v -> p.has(Role.MANAGER)
        ? tx.preparedQuery(MANAGER_REGISTERED).execute(Tuple.of(p.subject(), p.name().orElse(null),
            Timestamps.utc(clock.instant()), p.region().orElse(null), p.managesEverything()))
        : Future.succeededFuture()).mapEmpty();
  }

  /** A caller's request was authenticated ({@link zhangban.identity.BearerTokenHandler.Settled}). */
  public void settled(Principal claimed, Principal caller, Optional<Instant> issuedAt) {
    try {
      Instant issued = issuedAt.orElseGet(clock::instant);
      if (caller.has(Role.OFFICER) && caller.department().isPresent()) {
        String department = caller.department().get();
        String name = caller.name().orElse(null);
        refresh("officer:" + caller.subject(), department + "\n" + name, issued, OFFICER,
            Tuple.of(caller.subject(), department, name, Timestamps.utc(clock.instant())));
      }
      if (caller.has(Role.MANAGER)) {
        String region = caller.region().orElse(null);
        String name = caller.name().orElse(null);
        refresh("manager:" + caller.subject(), region + "\n" + caller.managesEverything() + "\n" + name, issued,
            MANAGER, Tuple.of(caller.subject(), region, caller.managesEverything(), name,
                Timestamps.utc(clock.instant())));
      } else if (claimed.has(Role.MANAGER)) {
        refresh("manager:" + caller.subject(), "no longer a manager", issued, NO_LONGER_MANAGER,
            Tuple.of(caller.subject()));
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not follow the token of {} in the notice directories: {}", caller.subject(), e.toString());
    }
  }

  private void refresh(String who, String says, Instant issued, String sql, Tuple args) {
    Seen last = seen.get(who);
    if (last != null && (last.says().equals(says) || issued.isBefore(last.issuedAt()))) {
      return; // nothing new, or an older token than one already followed
    }
    if (seen.size() >= REMEMBERED) {
      seen.clear();
    }
    Seen now = new Seen(says, issued);
    seen.put(who, now);
    pool.preparedQuery(sql).execute(args).onFailure(err -> {
      LOG.warn("Could not update the notice directory of {}: {}", who, err.toString());
      // a department the catalog does not know stays unknown until the token changes: not retried
      if (!(err instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("23"))) {
        seen.remove(who, now); // tried again at the next request
      }
    });
  }
}
