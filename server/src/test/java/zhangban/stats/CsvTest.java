package zhangban.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What a spreadsheet would run as a formula is written as text (OWASP CSV injection). */
class CsvTest {
  @Test
  void aFormulaIsNeutralisedAlsoAfterLeadingSpacesAndLineBreaks() {
    assertEquals("'=1+1", Csv.field("=1+1"));
    assertEquals("' =1+1", Csv.field(" =1+1"));
    assertEquals("\"'\n=1+1\"", Csv.field("\n=1+1"));
    assertEquals("\"'\r\n@SUM(A1)\"", Csv.field("\r\n@SUM(A1)"));
    assertEquals("'\t-2", Csv.field("\t-2"));
    assertEquals("'\u3000+cmd", Csv.field("\u3000+cmd"));
    assertEquals("'＝1+1", Csv.field("＝1+1"));
  }

  @Test
  void otherTextAndNumbersAreWrittenAsTheyAre() {
    assertEquals("办事很快", Csv.field("办事很快"));
    assertEquals("a = b", Csv.field("a = b"));
    assertEquals("-3", Csv.field(-3));
    assertEquals("\"a,b\"", Csv.field("a,b"));
    assertEquals("", Csv.field(null));
  }
}
