package zhangban.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Strict UTF-8: what Java's decoder refuses (overlong forms, encoded surrogates, stray bytes). */
final class Utf8 {
  static final String INVALID = "Text must be valid UTF-8; this has a malformed byte sequence.";

  private Utf8() {}

  static boolean isValid(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return strict(bytes);
      }
    }
    return true; // ASCII
  }

  private static boolean strict(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** The text with each malformed sequence as a lone surrogate, which no valid UTF-8 decodes to. */
  static String decodeMarkingInvalid(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .replaceWith("\uD800")
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException(e); // REPLACE does not throw
    }
  }

  /**
   * The names of the query parameters whose percent-decoded bytes are not valid UTF-8 (the HTTP
   * layer would have replaced them with U+FFFD). The raw query holds the request line's bytes as
   * ISO-8859-1 characters.
   */
  static List<String> invalidQueryParameters(String rawQuery) {
    List<String> out = new ArrayList<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      byte[] nameBytes = percentDecoded(name);
      if (!isValid(nameBytes) || !isValid(percentDecoded(value))) {
        out.add(decodeMarkingInvalid(nameBytes).replace('\uD800', '\uFFFD'));
      }
    }
    return out;
  }

  private static byte[] percentDecoded(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()
          && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
        out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else {
        out.write(c & 0xFF);
      }
    }
    return out.toByteArray();
  }
}
