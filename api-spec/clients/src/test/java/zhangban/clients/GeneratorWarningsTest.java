package zhangban.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;
import org.openapitools.codegen.config.GlobalSettings;
import org.slf4j.LoggerFactory;

/**
 * Generator warnings fail the build, but for those accepted in {@code generator-warnings.txt}.
 *
 * <p>The Maven plugin only logs them. This runs each generator of the build again, with the same
 * options file ({@code generators/*.yaml}) on the same contract, catches every WARN or worse it
 * logs, and fails listing each one that no entry of the allowlist matches. An entry is a regex
 * found in {@code "<generator>: <message>"} ({@code ^swift5: } limits it to one generator); the
 * {@code #} line above it says why the warning is accepted. An entry that no warning matches any
 * more fails too, so the list stays as short as the generators allow.
 */
class GeneratorWarningsTest {
  static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  static final Path CONTRACT = MODULE.resolve("../src/main/resources/openapi/zhangban.yaml").normalize();
  static final Path GENERATORS = MODULE.resolve("generators");
  static final Path ALLOWLIST = MODULE.resolve("generator-warnings.txt");
  static final Path OUTPUT = MODULE.resolve("target/generator-warnings");

  @Test
  void everyGeneratorWarningIsAcceptedWithAReason() throws IOException {
    List<Pattern> accepted = allowlist();
    List<Path> optionFiles;
    try (Stream<Path> files = Files.list(GENERATORS)) {
      optionFiles = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(optionFiles.isEmpty(), "no generator options in " + GENERATORS);

    Set<String> refused = new LinkedHashSet<>();
    Set<Pattern> used = new LinkedHashSet<>();
    for (Path options : optionFiles) {
      for (String warning : warningsOf(options)) {
        accepted.stream().filter(p -> p.matcher(warning).find()).findFirst()
            .ifPresentOrElse(used::add, () -> refused.add(warning));
      }
    }
    List<String> stale = accepted.stream().filter(p -> !used.contains(p)).map(Pattern::pattern).toList();

    StringBuilder problems = new StringBuilder();
    if (!refused.isEmpty()) {
      problems.append("\nGenerator warnings that ").append(ALLOWLIST.getFileName())
          .append(" does not accept (change the contract, or accept one there under a # line saying why):");
      refused.forEach(w -> problems.append("\n  ").append(w));
    }
    if (!stale.isEmpty()) {
      problems.append("\nEntries of ").append(ALLOWLIST.getFileName()).append(" that no warning matches any more (remove them):");
      stale.forEach(p -> problems.append("\n  ").append(p));
    }
    if (problems.length() > 0) {
      fail(problems.toString());
    }
  }

  /** Every WARN-or-worse event of one generator's run, as {@code "<generator>: <message>"}. */
  static List<String> warningsOf(Path options) {
    String name = options.getFileName().toString().replaceFirst("\\.yaml$", "");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    try {
      GlobalSettings.reset();
      CodegenConfigurator configurator = CodegenConfigurator.fromFile(options.toString());
      if (configurator == null) {
        throw new IllegalStateException("Cannot read generator options " + options);
      }
      configurator.setInputSpec(CONTRACT.toString());
      configurator.setOutputDir(OUTPUT.resolve(name).toString());
      // As the plugin's configuration in pom.xml: the code only, no markdown docs, no test stubs
      configurator.addGlobalProperty("apiDocs", "false");
      configurator.addGlobalProperty("modelDocs", "false");
      configurator.addGlobalProperty("apiTests", "false");
      configurator.addGlobalProperty("modelTests", "false");
      // Some warnings go through a logger that drops a message repeated within a few seconds, even
      // from another generator; every generator must be judged on all of its own
      configurator.addGlobalProperty("org.openapitools.codegen.utils.oncelogger.enabled", "false");
      new DefaultGenerator().opts(configurator.toClientOptInput()).generate();
    } finally {
      root.detachAppender(events);
      GlobalSettings.reset();
    }
    return events.list.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> name + ": " + e.getFormattedMessage())
        .toList();
  }

  /** The accepted warnings; each entry must have its reason, a # line, just above it. */
  static List<Pattern> allowlist() throws IOException {
    List<Pattern> accepted = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    boolean reasoned = false;
    List<String> lines = Files.readAllLines(ALLOWLIST);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("#")) {
        reasoned = reasoned || line.length() > 1;
      } else if (line.isEmpty()) {
        reasoned = false;
      } else if (!reasoned) {
        malformed.add("line " + (i + 1) + " has no # reason above it: " + line);
      } else {
        accepted.add(Pattern.compile(line));
        reasoned = false;
      }
    }
    assertEquals(List.of(), malformed, ALLOWLIST.getFileName() + ": every entry needs its reason");
    return accepted;
  }
}
