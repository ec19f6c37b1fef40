package zhangban.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Per user: which categories are pushed, and quiet hours during which non-urgent pushes wait. */
public final class Preferences {
  public static final List<String> CATEGORIES = List.of("progress", "rating", "reminder");
  private static final String LOAD = """
      select disabled_categories, quiet_start, quiet_end from notification_preference where user_subject = $1
      """;
  private static final String SAVE = """
      insert into notification_preference (user_subject, disabled_categories, quiet_start, quiet_end, updated_at)
      values ($1, $2, $3, $4, $5)
      on conflict (user_subject) do update set disabled_categories = excluded.disabled_categories,
        quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, updated_at = excluded.updated_at
      """;

  /** One user's choices. */
  public record Choice(Set<String> disabled, Optional<LocalTime> quietStart, Optional<LocalTime> quietEnd) {
    static final Choice DEFAULT = new Choice(Set.of(), Optional.empty(), Optional.empty());

    public boolean pushes(String category) {
      return !disabled.contains(category);
    }

    /** {@code at}, or the end of the quiet hours when {@code at} falls inside them. */
    public Instant endOfQuietHours(Instant at, ZoneId zone) {
      if (quietStart.isEmpty() || quietEnd.isEmpty() || quietStart.get().equals(quietEnd.get())) {
        return at;
      }
      ZonedDateTime local = at.atZone(zone);
      LocalTime t = local.toLocalTime();
      LocalTime start = quietStart.get();
      LocalTime end = quietEnd.get();
      boolean overnight = start.isAfter(end);
      boolean quiet = overnight ? (!t.isBefore(start) || t.isBefore(end)) : (!t.isBefore(start) && t.isBefore(end));
      if (!quiet) {
        return at;
      }
      ZonedDateTime endAt = local.with(end).withSecond(0).withNano(0);
      if (!endAt.isAfter(local)) {
        endAt = endAt.plusDays(1);
      }
      return endAt.toInstant();
    }

    public JsonObject toJson() {
      JsonObject push = new JsonObject();
      CATEGORIES.forEach(c -> push.put(c, !disabled.contains(c)));
      JsonObject out = new JsonObject().put("push", push);
      if (quietStart.isPresent() && quietEnd.isPresent()) {
        out.put("quietHours", new JsonObject().put("start", quietStart.get().toString())
            .put("end", quietEnd.get().toString()));
      } else {
        out.putNull("quietHours");
      }
      return out;
    }
  }

  public Future<Choice> load(SqlClient c, String subject) {
    return c.preparedQuery(LOAD).execute(Tuple.of(subject)).map(rows -> {
      if (rows.size() == 0) {
        return Choice.DEFAULT;
      }
      Row r = rows.iterator().next();
      return new Choice(Set.of(r.getArrayOfStrings("disabled_categories")),
          Optional.ofNullable(r.getLocalTime("quiet_start")), Optional.ofNullable(r.getLocalTime("quiet_end")));
    });
  }

  public Future<Choice> save(SqlClient c, String subject, JsonObject in, Instant now) {
    JsonObject push = in.getJsonObject("push", new JsonObject());
    String[] disabled = CATEGORIES.stream().filter(cat -> Boolean.FALSE.equals(push.getBoolean(cat))).toArray(String[]::new);
    JsonObject quiet = in.getJsonObject("quietHours");
    LocalTime start = quiet == null ? null : LocalTime.parse(quiet.getString("start"));
    LocalTime end = quiet == null ? null : LocalTime.parse(quiet.getString("end"));
    return c.preparedQuery(SAVE).execute(Tuple.of(subject, disabled, start, end, now.atOffset(ZoneOffset.UTC)))
        .map(v -> new Choice(Set.of(disabled), Optional.ofNullable(start), Optional.ofNullable(end)));
  }
}
