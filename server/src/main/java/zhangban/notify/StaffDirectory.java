package zhangban.notify;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/**
 * Keeps the notice directories up to date with the tokens staff use. Officers and managers who
 * registered a device are in {@code officer_directory} (their department's deadline reminders) and
 * {@code manager_directory} (escalations and appeals of their region), as their token said when
 * they registered. The identity provider may move them since: each process updates a directory row
 * when a staff member's token says another department, region or name than the last token of
 * theirs the process saw, so a manager given another region is told of its cases from their next
 * request on, not from their next device registration. Only rows that exist are updated: the
 * directories stay those who use the app. The request does not wait for it.
 */
public final class StaffDirectory implements Consumer<Principal> {
  private static final Logger LOG = LoggerFactory.getLogger(StaffDirectory.class);
  private static final String OFFICER = """
      update officer_directory set department = $2, name = $3, updated_at = $4
      where subject = $1 and (department, name) is distinct from ($2::text, $3::text)
      """;
  private static final String MANAGER = """
      update manager_directory set region = $2, sees_all = $3, name = $4, updated_at = $5
      where subject = $1 and (region, sees_all, name) is distinct from ($2::text, $3::boolean, $4::text)
      """;
  /** Staff remembered before the memory starts again: far more than a province's officers and managers. */
  private static final int REMEMBERED = 100_000;

  private final Pool pool;
  private final Clock clock;
  /** What the last token seen of each officer ("officer:" subject) and manager said. */
  private final ConcurrentHashMap<String, String> seen = new ConcurrentHashMap<>();

  public StaffDirectory(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public void accept(Principal p) {
    if (p.has(Role.OFFICER) && p.department().isPresent()) {
      String department = p.department().get();
      String name = p.name().orElse(null);
      refresh("officer:" + p.subject(), department + "\n" + name, OFFICER,
          Tuple.of(p.subject(), department, name, clock.instant().atOffset(ZoneOffset.UTC)));
    }
    if (p.has(Role.MANAGER)) {
      String region = p.region().orElse(null);
      String name = p.name().orElse(null);
      refresh("manager:" + p.subject(), region + "\n" + p.managesEverything() + "\n" + name, MANAGER,
          Tuple.of(p.subject(), region, p.managesEverything(), name, clock.instant().atOffset(ZoneOffset.UTC)));
    }
  }

  private void refresh(String who, String says, String sql, Tuple args) {
    if (says.equals(seen.get(who))) {
      return;
    }
    if (seen.size() >= REMEMBERED) {
      seen.clear();
    }
    seen.put(who, says);
    pool.preparedQuery(sql).execute(args).onFailure(err -> {
      seen.remove(who, says); // tried again at the next request
      LOG.warn("Could not update the notice directory of {}: {}", who, err.toString());
    });
  }
}
