package zhangban.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as the PostgreSQL client binds them to {@code timestamptz}. */
public final class Timestamps {
  private Timestamps() {}

  public static OffsetDateTime utc(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }
}
