package zhangban.stats;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;

/**
 * CSV for spreadsheets: RFC 4180 records written by Apache Commons CSV, a BOM so Excel reads
 * UTF-8, and no formulas from user text (OWASP CSV injection), which no CSV library guards against.
 */
final class Csv {
  static final String BOM = "\uFEFF";
  static final String CONTENT_TYPE = "text/csv; charset=utf-8";
  private static final CSVFormat FORMAT = CSVFormat.RFC4180;

  private Csv() {}

  /** One record, ended by CRLF. */
  static Buffer line(List<?> values) {
    StringBuilder sb = new StringBuilder();
    try {
      FORMAT.printRecord(sb, values.stream().map(Csv::neutralised).toArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not fail
    }
    return Buffer.buffer(sb.toString());
  }

  /** One field as a record writes it after its first field (which may be quoted more). */
  static String field(Object value) {
    StringBuilder sb = new StringBuilder();
    try {
      FORMAT.print(neutralised(value), sb, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sb.substring(1); // a field that is not the first of its record is written after its delimiter
  }

  /**
   * Text that a spreadsheet would run as a formula (= + - @ first, also after leading spaces or
   * line breaks, which spreadsheets skip; or a leading tab or carriage return) gets a leading
   * apostrophe; numbers and everything else are as they are.
   */
  private static Object neutralised(Object value) {
    if (!(value instanceof CharSequence)) {
      return value;
    }
    String s = value.toString();
    return formula(s) ? "'" + s : s;
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
