package zhangban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One overlay under {@code k8s/overlays} as {@code kubectl kustomize} renders it, with the ways
 * through it the checks need: workloads, their containers, and the environment each container
 * would get.
 */
final class RenderedManifests {
  static final Path K8S = Path.of("../k8s");
  static final String APP_LABEL = "app.kubernetes.io/name";
  static final String APP = "zhangban";

  /**
   * Secrets the overlays use but do not contain, with the keys they have: CloudNativePG generates
   * {@code <cluster>-app}; the FCM service account is created by hand (README, Deploy).
   */
  static final Map<String, Set<String>> EXTERNAL_SECRETS = Map.of(
      "zhangban-db-app", Set.of("username", "user", "password", "host", "port", "dbname", "pgpass", "uri",
          "jdbc-uri", "fqdn-uri", "fqdn-jdbc-uri"),
      "zhangban-fcm", Set.of("service-account.json"),
      "zhangban-platform", Set.of("app-key", "app-secret", "client-id", "client-secret"),
      "zhangban-sms", Set.of("phone-keys", "phone-lookup-key", "secret-id", "secret-key", "callback-key"));

  /** What a key of those secrets holds, where its shape is checked at start-up (else "secret-<key>"). */
  private static final Map<String, String> SAMPLE_VALUES = Map.of(
      "port", "5432",
      "phone-keys", "k1:" + Base64.getEncoder().encodeToString(new byte[32]),
      "phone-lookup-key", Base64.getEncoder().encodeToString(new byte[32]),
      "callback-key", "a-callback-key-of-32-characters!");

  private static final Map<String, RenderedManifests> CACHE = new ConcurrentHashMap<>();
  private static final Pattern VARIABLE_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  record Resource(String apiVersion, String kind, String name, Map<String, Object> body) {
    Map<String, Object> spec() {
      return map(body, "spec");
    }

    @Override
    public String toString() {
      return kind + "/" + name;
    }
  }

  /** A container and the workload whose pod template holds it. */
  record Container(Resource workload, Map<String, Object> pod, Map<String, Object> spec) {
    String name() {
      return str(spec, "name");
    }

    String image() {
      return str(spec, "image");
    }

    List<Map<String, Object>> env() {
      return maps(spec, "env");
    }

    Map<String, String> podLabels() {
      return strings(map(workload.spec(), "template", "metadata", "labels"));
    }

    Map<String, String> podAnnotations() {
      return strings(map(workload.spec(), "template", "metadata", "annotations"));
    }

    /** Resolves a probe's or annotation's port, by name or number, to the declared container port. */
    Optional<Integer> containerPort(Object port) {
      for (Map<String, Object> p : maps(spec, "ports")) {
        if (port instanceof Integer n && n.equals(p.get("containerPort"))) {
          return Optional.of(n);
        }
        if (port instanceof String s && (s.equals(p.get("name")) || s.equals(String.valueOf(p.get("containerPort"))))) {
          return Optional.of((Integer) p.get("containerPort"));
        }
      }
      return Optional.empty();
    }

    @Override
    public String toString() {
      return workload + " container " + name();
    }
  }

  /** What a container's process would find in its environment, and what could not be resolved. */
  record Environment(Map<String, String> values, List<String> problems) {}

  final String overlay;
  final List<Resource> resources;

  private RenderedManifests(String overlay, List<Resource> resources) {
    this.overlay = overlay;
    this.resources = resources;
  }

  static List<String> overlays() throws IOException {
    try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static RenderedManifests of(String overlay) {
    Optional<String> kubectl = kubectl();
    assumeTrue(kubectl.isPresent(), "kubectl is not installed, so the Kubernetes manifests are not checked here. "
        + "Install a kubectl with kustomize v5 (the `kubectl` package of the Kubernetes or Google Cloud apt "
        + "repository; Debian's kubernetes-client is too old for kustomize components)");
    return CACHE.computeIfAbsent(overlay, o -> render(kubectl.get(), o));
  }

  private static Optional<String> kubectl() {
    if (Files.isExecutable(Path.of("/usr/bin/kubectl"))) {
      return Optional.of("/usr/bin/kubectl");
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "kubectl"))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .findFirst();
  }

  private static RenderedManifests render(String kubectl, String overlay) {
    Path dir = K8S.resolve("overlays").resolve(overlay);
    try {
      Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString()).start();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String out = read(p.getInputStream());
      assertTrue(p.waitFor(2, TimeUnit.MINUTES), "kubectl kustomize " + dir + " did not finish");
      assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + " failed: " + err.get());
      List<Resource> resources = new ArrayList<>();
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(out)) {
        if (doc == null) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) doc;
        resources.add(new Resource(str(body, "apiVersion"), str(body, "kind"), str(body, "metadata", "name"), body));
      }
      assertTrue(resources.size() > 3, overlay + " renders almost nothing: " + resources);
      return new RenderedManifests(overlay, List.copyOf(resources));
    } catch (IOException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("could not run " + kubectl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean isProduction() {
    return overlay.startsWith("prod");
  }

  List<Resource> ofKind(String kind) {
    return resources.stream().filter(r -> r.kind().equals(kind)).toList();
  }

  Optional<Resource> find(String kind, String name) {
    return resources.stream().filter(r -> r.kind().equals(kind) && r.name().equals(name)).findFirst();
  }

  /** Every container (and init container) of every workload. */
  List<Container> containers() {
    List<Container> all = new ArrayList<>();
    for (Resource r : resources) {
      Map<String, Object> pod = map(r.spec(), "template", "spec");
      if (pod.isEmpty()) {
        continue;
      }
      Stream.concat(maps(pod, "initContainers").stream(), maps(pod, "containers").stream())
          .forEach(c -> all.add(new Container(r, pod, c)));
    }
    return all;
  }

  /** The containers of Zhangban's own pods: the server and, where split off, the push workers. */
  List<Container> appContainers() {
    return containers().stream().filter(c -> APP.equals(c.podLabels().get(APP_LABEL))).toList();
  }

  Map<String, String> configMap(String name) {
    return find("ConfigMap", name).map(r -> strings(map(r.body(), "data"))).orElseThrow(
        () -> new AssertionError(overlay + " refers to ConfigMap " + name + ", which it does not contain"));
  }

  /**
   * The environment as the kubelet would build it: envFrom first, then env in order, where
   * {@code $(NAME)} is replaced only by a variable defined before it (else Kubernetes leaves the
   * text as it is). Values of secrets the overlay does not contain are stand-ins.
   */
  Environment environment(Container c) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> from : maps(c.spec(), "envFrom")) {
      if (from.containsKey("configMapRef")) {
        values.putAll(configMap(str(from, "configMapRef", "name")));
      } else {
        problems.add("envFrom other than a ConfigMap of the overlay cannot be checked: " + from);
      }
    }
    for (Map<String, Object> e : c.env()) {
      String name = str(e, "name");
      if (e.containsKey("value")) {
        Matcher m = VARIABLE_REFERENCE.matcher(String.valueOf(e.get("value")));
        StringBuilder expanded = new StringBuilder();
        while (m.find()) {
          String ref = m.group(1);
          if (!values.containsKey(ref)) {
            problems.add(name + " refers to $(" + ref + "), which is not defined before it");
          }
          m.appendReplacement(expanded, Matcher.quoteReplacement(values.getOrDefault(ref, m.group())));
        }
        m.appendTail(expanded);
        values.put(name, expanded.toString());
      } else if (map(e, "valueFrom", "secretKeyRef").size() > 0) {
        String secret = str(e, "valueFrom", "secretKeyRef", "name");
        String key = str(e, "valueFrom", "secretKeyRef", "key");
        Optional<String> value = secretValue(secret, key);
        if (value.isEmpty()) {
          problems.add(name + " reads key " + key + " of secret " + secret + ", which has no such key");
        }
        values.put(name, value.orElse(""));
      } else if (map(e, "valueFrom", "configMapKeyRef").size() > 0) {
        String cm = str(e, "valueFrom", "configMapKeyRef", "name");
        String key = str(e, "valueFrom", "configMapKeyRef", "key");
        String value = configMap(cm).get(key);
        if (value == null) {
          problems.add(name + " reads key " + key + " of ConfigMap " + cm + ", which has no such key");
        }
        values.put(name, value == null ? "" : value);
      } else if (map(e, "valueFrom", "resourceFieldRef").size() > 0) {
        Map<String, Object> ref = map(e, "valueFrom", "resourceFieldRef");
        String target = String.valueOf(ref.getOrDefault("containerName", c.name()));
        String resource = str(ref, "resource");
        Container of = containers().stream()
            .filter(o -> o.workload() == c.workload() && o.name().equals(target)).findFirst().orElse(null);
        if (of == null || !resource.startsWith("limits.") && !resource.startsWith("requests.")) {
          problems.add(name + " refers to " + resource + " of a container " + target + " that is not in the pod");
          values.put(name, "");
        } else {
          String[] parts = resource.split("\\.", 2);
          String quantity = str(of.spec(), "resources", parts[0], parts[1]);
          double divisor = cpu(String.valueOf(ref.getOrDefault("divisor", "1")));
          values.put(name, String.valueOf((long) Math.ceil(cpu(quantity) / divisor)));
        }
      } else {
        values.put(name, "from-field");
      }
    }
    return new Environment(values, problems);
  }

  private Optional<String> secretValue(String secret, String key) {
    Optional<Resource> rendered = find("Secret", secret);
    if (rendered.isPresent()) {
      Map<String, String> data = strings(map(rendered.get().body(), "data"));
      return Optional.ofNullable(data.get(key))
          .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
    }
    Set<String> keys = EXTERNAL_SECRETS.get(secret);
    if (keys == null || !keys.contains(key)) {
      return Optional.empty();
    }
    return Optional.of(SAMPLE_VALUES.getOrDefault(key, "secret-" + key));
  }

  /** A CPU quantity ("2", "500m", "1.5") in cores. */
  static double cpu(String quantity) {
    if (quantity == null || quantity.equals("null")) {
      fail("no CPU quantity");
    }
    return quantity.endsWith("m")
        ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
        : Double.parseDouble(quantity);
  }

  /** The seconds a preStop hook pauses: {@code sleep N} as a command, or the sleep action. */
  static int preStopSeconds(Container c) {
    Map<String, Object> preStop = map(c.spec(), "lifecycle", "preStop");
    if (preStop.containsKey("sleep")) {
      return ((Number) map(preStop, "sleep").get("seconds")).intValue();
    }
    List<?> command = list(preStop, "exec", "command");
    String line = String.join(" ", command.stream().map(String::valueOf).toList());
    Matcher m = Pattern.compile("(?:^|\\s|-c\\s)sleep\\s+(\\d+)\\b").matcher(line);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  // navigation through the parsed YAML: a missing step gives an empty map, list or null

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> node, String... path) {
    Object at = node;
    for (String step : path) {
      at = at instanceof Map<?, ?> m ? m.get(step) : null;
    }
    return at instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  static List<?> list(Map<String, Object> node, String... path) {
    Map<String, Object> parent = map(node, java.util.Arrays.copyOf(path, path.length - 1));
    return parent.get(path[path.length - 1]) instanceof List<?> l ? l : List.of();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> maps(Map<String, Object> node, String... path) {
    return list(node, path).stream().filter(Map.class::isInstance).map(o -> (Map<String, Object>) o).toList();
  }

  static String str(Map<String, Object> node, String... path) {
    Object v = map(node, java.util.Arrays.copyOf(path, path.length - 1)).get(path[path.length - 1]);
    return v == null ? null : String.valueOf(v);
  }

  static Map<String, String> strings(Map<String, Object> node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }
}
