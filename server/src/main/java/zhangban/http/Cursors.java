package zhangban.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page cursors: the sort key of the last row, base64url-encoded. */
public final class Cursors {
  private Cursors() {}

  public static String encode(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
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
