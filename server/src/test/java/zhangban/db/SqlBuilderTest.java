package zhangban.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlBuilderTest {
  @Test
  void eachQuestionMarkBecomesTheNextPlaceholderBoundToItsValue() {
    SqlBuilder q = new SqlBuilder("select * from application a where true")
        .add("and a.department = ?", "MZJ")
        .add("and (a.created_at, a.id) < (?::timestamptz, ?::uuid)", "2026-11-25T02:00:00Z", "id-1")
        .add("order by a.created_at desc limit ?", 21);
    assertEquals("select * from application a where true and a.department = $1"
        + " and (a.created_at, a.id) < ($2::timestamptz, $3::uuid) order by a.created_at desc limit $4", q.sql());
    assertEquals(List.of("MZJ", "2026-11-25T02:00:00Z", "id-1", 21), q.values());
    assertEquals(4, q.tuple().size());
  }

  @Test
  void aFragmentWithoutValuesIsAppendedAsItIsAndNullValuesAreBound() {
    SqlBuilder q = new SqlBuilder("select 1 where true").add("and a.state <> 'draft'").add("and x = ?", (Object) null);
    assertEquals("select 1 where true and a.state <> 'draft' and x = $1", q.sql());
    assertEquals(Arrays.asList((Object) null), Arrays.asList(q.tuple().getValue(0)));
  }

  @Test
  void valuesAndQuestionMarksMustMatch() {
    assertThrows(IllegalArgumentException.class, () -> new SqlBuilder("select").add("a = ? and b = ?", 1));
    assertThrows(IllegalArgumentException.class, () -> new SqlBuilder("select").add("a = ?", 1, 2));
  }
}
