package zhangban.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as the PostgreSQL client binds them to {@code timestamptz}. */
public final class Timestamps {
  private Timestamps() {}

  /** {@code at} in UTC; null stays null. */
  public static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }
}
