package zhangban.stats;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/** CSV for spreadsheets: RFC 4180 quoting, a BOM so Excel reads UTF-8, and no formulas from user text. */
final class Csv {
  static final String BOM = "\uFEFF";
  static final String CONTENT_TYPE = "text/csv; charset=utf-8";

  private Csv() {}

  static Buffer line(List<?> values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(field(values.get(i)));
    }
    return Buffer.buffer(sb.append("\r\n").toString());
  }

  /**
   * One field. Text that a spreadsheet would run as a formula (= + - @ first, also after leading
   * spaces or line breaks, which spreadsheets skip; or a leading tab or carriage return) gets a
   * leading apostrophe; numbers are written as they are.
   */
  static String field(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Number) {
      return value.toString();
    }
    String s = value.toString();
    if (formula(s)) {
      s = "'" + s;
    }
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      s = '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  private static boolean formula(String s) {
    if (s.isEmpty()) {
      return false;
    }
    if (s.charAt(0) == '\t' || s.charAt(0) == '\r') {
      return true;
    }
    int i = 0;
    while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || Character.isSpaceChar(s.charAt(i)))) {
      i++;
    }
    // full-width signs too: spreadsheets in Chinese locales read ＝ as =
    return i < s.length() && "=+-@＝＋－＠".indexOf(s.charAt(i)) >= 0;
  }
}
