package zhangban.identity;

import java.util.Optional;
import java.util.Set;

/**
 * The departments a manager sees and acts on: every department (a province's manager, or one
 * without a region where configured so), those of their region's subtree, or none (a caller whose
 * region was not looked up, which fails closed).
 */
public record Scope(Optional<Set<String>> departments) {
  public static final Scope ALL = new Scope(Optional.empty());
  public static final Scope NONE = new Scope(Optional.of(Set.of()));

  public static Scope of(Set<String> departments) {
    return new Scope(Optional.of(Set.copyOf(departments)));
  }

  public boolean isAll() {
    return departments.isEmpty();
  }

  public boolean covers(String department) {
    return departments.map(d -> d.contains(department)).orElse(true);
  }

  /**
   * As a statement's parameter ({@code $n::text[] is null or department = any($n)}): null for
   * every department, else their codes.
   */
  public String[] parameter() {
    return departments.map(d -> d.toArray(String[]::new)).orElse(null);
  }
}
