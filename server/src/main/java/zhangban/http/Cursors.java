package zhangban.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page cursors: the sort key of the last row, base64url-encoded. */
public final class Cursors {
  private Cursors() {}

  public static String encode(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The sort key of a list ordered by a time and an id. */
  public record TimeAndId(java.time.OffsetDateTime at, java.util.UUID id) {}

  /** The cursor after the row of time {@code at} and id {@code id}, for {@link #decodeTimeAndId}. */
  public static String encodeTimeAndId(java.time.OffsetDateTime at, java.util.UUID id) {
    return encode(at.toInstant() + "|" + id);
  }

  /** The cursor after sequence number {@code seq}, for {@link #decodeSequence}. */
  public static String encodeSequence(int seq) {
    return encode(String.valueOf(seq));
  }

  /** A cursor of a sequence number; anything else is a 400, as for {@link #decodeTimeAndId}. */
  public static int decodeSequence(String cursor) {
    String seq = decode(cursor);
    if (!seq.matches("[0-9]{1,9}")) {
      throw ApiException.badRequest("The cursor is not one this server issued.");
    }
    return Integer.parseInt(seq);
  }

  /** Years a row of this server can carry; a cursor outside them was not issued here. */
  private static final int FIRST_YEAR = 2000;
  private static final int LAST_YEAR = 9999;

  /**
   * A cursor of a time and an id, as the lists encode them ({@code time|id}). Anything else (another shape, a time PostgreSQL could
   * not hold) is a 400: the list's statement never sees it.
   */
  public static TimeAndId decodeTimeAndId(String cursor) {
    String[] parts = decode(cursor).split("\\|", 2);
    try {
      java.time.OffsetDateTime at = java.time.OffsetDateTime.parse(parts[0]);
      java.util.UUID id = java.util.UUID.fromString(parts[1]);
      if (at.getYear() < FIRST_YEAR || at.getYear() > LAST_YEAR || !id.toString().equalsIgnoreCase(parts[1])) {
        throw new IllegalArgumentException("out of range");
      }
      return new TimeAndId(at, id);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("The cursor is not one this server issued.");
    }
  }

  public static String decode(String cursor) {
    try {
      String key = StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
      if (key.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("NUL");
      }
      return key;
    } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
      throw ApiException.badRequest("The cursor is not one this server issued.");
    }
  }
}
