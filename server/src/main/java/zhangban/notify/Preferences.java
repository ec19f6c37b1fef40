package zhangban.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import zhangban.db.Timestamps;

/**
 * Per user: which categories are pushed, and quiet hours during which non-urgent pushes wait, in the
 * user's own time zone when they chose one.
 */
public final class Preferences {
  public static final List<String> CATEGORIES = List.of("progress", "rating", "reminder");
  /** IANA zone ids this JVM knows; read once, as the set is copied at every call. */
  private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());
  private static final String LOAD = """
      select disabled_categories, quiet_start, quiet_end, time_zone from notification_preference where user_subject = $1
      """;
  private static final String SAVE = """
      insert into notification_preference (user_subject, disabled_categories, quiet_start, quiet_end, time_zone,
        updated_at)
      values ($1, $2, $3, $4, $5, $6)
      on conflict (user_subject) do update set disabled_categories = excluded.disabled_categories,
        quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, time_zone = excluded.time_zone,
        updated_at = excluded.updated_at
      """;

  /** One user's choices; no time zone means the server's. */
  public record Choice(Set<String> disabled, Optional<LocalTime> quietStart, Optional<LocalTime> quietEnd,
                       Optional<ZoneId> timeZone) {
    static final Choice DEFAULT = new Choice(Set.of(), Optional.empty(), Optional.empty(), Optional.empty());

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
      timeZone.ifPresent(z -> out.put("timeZone", z.getId()));
      return out;
    }
  }

  public Future<Choice> load(SqlClient c, String subject) {
    return c.preparedQuery(LOAD).execute(Tuple.of(subject))
        .map(rows -> rows.size() == 0 ? Choice.DEFAULT : of(rows.iterator().next()));
  }

  /**
   * The choice in a row with the columns of {@code notification_preference} (disabled_categories,
   * quiet_start, quiet_end, time_zone), all null when the user never chose: the default.
   */
  static Choice of(Row r) {
    String[] disabled = r.getArrayOfStrings("disabled_categories");
    return new Choice(disabled == null ? Set.of() : Set.of(disabled),
        Optional.ofNullable(r.getLocalTime("quiet_start")), Optional.ofNullable(r.getLocalTime("quiet_end")),
        zone(r.getString("time_zone")));
  }

  /** The IANA zone named {@code id}; empty for none, and for one this JVM does not know rather than fail. */
  public static Optional<ZoneId> zone(String id) {
    return id != null && ZONES.contains(id) ? Optional.of(ZoneId.of(id)) : Optional.empty();
  }

  public Future<Choice> save(SqlClient c, String subject, JsonObject in, Instant now) {
    JsonObject push = in.getJsonObject("push", new JsonObject());
    String[] disabled = CATEGORIES.stream().filter(cat -> Boolean.FALSE.equals(push.getBoolean(cat))).toArray(String[]::new);
    JsonObject quiet = in.getJsonObject("quietHours");
    LocalTime start = quiet == null ? null : LocalTime.parse(quiet.getString("start"));
    LocalTime end = quiet == null ? null : LocalTime.parse(quiet.getString("end"));
    Optional<ZoneId> timeZone = zone(in.getString("timeZone"));
    return c.preparedQuery(SAVE).execute(Tuple.of(subject, disabled, start, end,
            timeZone.map(ZoneId::getId).orElse(null), Timestamps.utc(now)))
        .map(v -> new Choice(Set.of(disabled), Optional.ofNullable(start), Optional.ofNullable(end), timeZone));
  }
}
