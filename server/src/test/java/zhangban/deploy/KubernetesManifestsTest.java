package zhangban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static zhangban.deploy.RenderedManifests.list;
import static zhangban.deploy.RenderedManifests.map;
import static zhangban.deploy.RenderedManifests.maps;
import static zhangban.deploy.RenderedManifests.str;
import static zhangban.deploy.RenderedManifests.strings;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import zhangban.api.Contract;
import zhangban.config.Config;
import zhangban.deploy.RenderedManifests.Container;
import zhangban.deploy.RenderedManifests.Environment;
import zhangban.deploy.RenderedManifests.Resource;

/**
 * Renders every overlay under {@code k8s/overlays} with {@code kubectl kustomize} and checks what
 * a cluster would be given: known kinds, probes on paths the server serves, only documented
 * variables, a configuration the server accepts, pinned images, resources, locked-down pods, a
 * grace period that covers draining, and the production guarantees.
 */
class KubernetesManifestsTest {
  /** Known kinds and the API versions the manifests may use for them. */
  static final Map<String, String> KNOWN_KINDS = Map.ofEntries(
      Map.entry("ServiceAccount", "v1"),
      Map.entry("ConfigMap", "v1"),
      Map.entry("Secret", "v1"),
      Map.entry("Service", "v1"),
      Map.entry("Deployment", "apps/v1"),
      Map.entry("StatefulSet", "apps/v1"),
      Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"),
      Map.entry("PodDisruptionBudget", "policy/v1"),
      Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
      Map.entry("Ingress", "networking.k8s.io/v1"),
      Map.entry("PodMonitor", "monitoring.coreos.com/v1"),
      Map.entry("Cluster", "postgresql.cnpg.io/v1"));

  /** Paths only the cluster may ask: probes, the scrape, and the development endpoints. */
  static final Pattern INTERNAL_PATHS = Pattern.compile("/health/.*|/metrics|/dev/.*");

  /** Variables for the JVM, not the server: docs/deploy.md documents each. */
  static final Set<String> RUNTIME_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  /** Seconds after both drains for releasing leases, closing the pool and the JVM's exit. */
  static final int SHUTDOWN_MARGIN_SECONDS = 5;

  /** Connections per pod besides the pool: the push and report workers' LISTEN connections, and one spare. */
  static final int CONNECTIONS_BESIDES_POOL = 3;

  static List<String> overlays() throws IOException {
    List<String> overlays = RenderedManifests.overlays();
    assertTrue(overlays.containsAll(List.of("dev", "prod")), "overlays: " + overlays);
    return overlays;
  }

  static List<String> productionOverlays() throws IOException {
    return overlays().stream().filter(o -> o.startsWith("prod")).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyResourceIsOfAKnownKindAndVersion(String overlay) {
    for (Resource r : RenderedManifests.of(overlay).resources) {
      assertTrue(KNOWN_KINDS.containsKey(r.kind()), overlay + ": unknown kind " + r.kind() + " (" + r + ")");
      assertEquals(KNOWN_KINDS.get(r.kind()), r.apiVersion(), overlay + ": " + r);
      assertNotNull(r.name(), overlay + ": a " + r.kind() + " without a name");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void probesAndScrapesAskPathsTheContractServesOnTheContainerPort(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    JsonObject paths = Contract.raw().getJsonObject("paths");
    for (Container c : appContainers(m)) {
      Map<String, String> expected = Map.of("readinessProbe", "healthReady", "livenessProbe", "healthLive");
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        Map<String, Object> get = map(c.spec(), probe, "httpGet");
        if (get.isEmpty()) {
          assertFalse(expected.containsKey(probe), c + " has no HTTP " + probe);
          continue;
        }
        String path = str(get, "path");
        JsonObject operation = paths.getJsonObject(path, new JsonObject()).getJsonObject("get");
        assertNotNull(operation, c + ": " + probe + " asks " + path + ", which the contract does not serve");
        if (expected.containsKey(probe)) {
          assertEquals(expected.get(probe), operation.getString("operationId"), c + ": " + probe + " asks " + path);
        }
        assertTrue(operation.getJsonArray("security").isEmpty(), c + ": the kubelet sends no token to " + path);
        assertProbePortIsServed(m, c, probe, get.get("port"));
      }
      Map<String, String> scrape = c.podAnnotations();
      assertEquals("true", scrape.get("prometheus.io/scrape"), c + ": metrics are scraped");
      String metrics = scrape.get("prometheus.io/path");
      assertEquals("metrics", paths.getJsonObject(metrics, new JsonObject())
          .getJsonObject("get", new JsonObject()).getString("operationId"), c + ": scraped at " + metrics);
      assertProbePortIsServed(m, c, "the scrape annotation", Integer.valueOf(scrape.get("prometheus.io/port")));
    }
  }

  private static void assertProbePortIsServed(RenderedManifests m, Container c, String what, Object port) {
    Optional<Integer> resolved = c.containerPort(port);
    assertTrue(resolved.isPresent(), c + ": " + what + " port " + port + " is not a container port");
    Config config = Config.from(m.environment(c).values());
    assertEquals(config.port(), resolved.get(), c + ": " + what + " asks a port the server does not listen on");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyVariableIsAConfigurationKeyOrADocumentedJvmVariable(String overlay) throws IOException {
    Set<String> keys = readmeConfigurationKeys();
    String deploy = docsPage("deploy.md");
    for (String v : RUNTIME_VARIABLES) {
      assertTrue(deploy.contains("| `" + v + "` |"), v + " is set in the manifests: document it in docs/deploy.md");
    }
    RenderedManifests m = RenderedManifests.of(overlay);
    for (Container c : appContainers(m)) {
      Environment env = m.environment(c);
      assertEquals(List.of(), env.problems(), c + ": variables that would not get the value meant");
      List<String> unknown = env.values().keySet().stream()
          .filter(k -> !keys.contains(k) && !RUNTIME_VARIABLES.contains(k)).toList();
      assertEquals(List.of(), unknown, c + ": variables that are neither in the configuration table (docs/configuration.md) nor "
          + RUNTIME_VARIABLES);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theServerAcceptsTheConfigurationEachPodGetsAndUsesTheClustersDatabase(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    for (Container c : appContainers(m)) {
      Config config = Config.from(m.environment(c).values());
      assertTrue(config.database().isPresent(), c + " would start the embedded PostgreSQL");
      if (m.isProduction()) {
        assertFalse(config.devMode(), c + ": DEV_MODE signs tokens for anyone");
        assertFalse(config.demoData(), c + ": demo data in production");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyImageIsPinnedAndTheAppsPodsShareOne(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    List<String> images = new ArrayList<>();
    m.containers().forEach(c -> images.add(c.image()));
    m.ofKind("Cluster").forEach(r -> images.add(str(r.spec(), "imageName")));
    assertFalse(images.isEmpty(), overlay + " runs no image");
    for (String image : images) {
      assertTrue(isPinned(image), overlay + ": image " + image + " has no tag or digest, or is latest");
    }
    Set<String> appImages = new TreeSet<>(appContainers(m).stream().map(Container::image).toList());
    assertEquals(1, appImages.size(), overlay + ": server and push workers run one image: " + appImages);
  }

  static boolean isPinned(String image) {
    if (image == null) {
      return false;
    }
    if (image.matches(".+@sha256:[0-9a-f]{64}")) {
      return true;
    }
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') && !image.substring(colon + 1).equals("latest") && colon < image.length() - 1;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyContainerHasCpuAndMemoryRequestsAndLimitsAndTheJvmFollowsThem(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    for (Container c : m.containers()) {
      for (String kind : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          assertNotNull(str(c.spec(), "resources", kind, resource), c + " has no " + kind + "." + resource);
        }
      }
    }
    for (Container c : appContainers(m)) {
      Map<String, String> env = m.environment(c).values();
      double cpuLimit = RenderedManifests.cpu(str(c.spec(), "resources", "limits", "cpu"));
      int eventLoops = Integer.parseInt(env.getOrDefault("HTTP_INSTANCES", "0"));
      assertTrue(eventLoops >= 1 && eventLoops <= Math.ceil(cpuLimit),
          c + ": HTTP_INSTANCES " + eventLoops + " event loops for a CPU limit of " + cpuLimit);
      String jvm = env.getOrDefault("JAVA_TOOL_OPTIONS", "");
      Matcher ram = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(jvm);
      assertTrue(ram.find(), c + ": without MaxRAMPercentage the heap is a quarter of the memory limit");
      int percent = Integer.parseInt(ram.group(1));
      assertTrue(percent >= 50 && percent <= 80, c + ": MaxRAMPercentage " + percent + " leaves too little or too much");
      assertTrue(jvm.contains("-XX:+ExitOnOutOfMemoryError"), c + ": a JVM out of memory must exit and be restarted");
      Matcher cpus = Pattern.compile("-XX:ActiveProcessorCount=(\\d+)").matcher(jvm);
      if (cpus.find()) {
        assertTrue(Integer.parseInt(cpus.group(1)) <= Math.ceil(cpuLimit), c + ": more processors than the limit");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void podsRunAsNonRootOnAReadOnlyRootWithEveryWritablePathMounted(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    for (Container c : m.containers()) {
      Object nonRoot = map(c.spec(), "securityContext").getOrDefault("runAsNonRoot",
          map(c.pod(), "securityContext").get("runAsNonRoot"));
      assertEquals(Boolean.TRUE, nonRoot, c + " may run as root");
      assertEquals(Boolean.TRUE, map(c.spec(), "securityContext").get("readOnlyRootFilesystem"), c + ": writable root");
      assertEquals(Boolean.FALSE, map(c.spec(), "securityContext").get("allowPrivilegeEscalation"),
          c + " may gain privileges");
    }
    for (Container c : appContainers(m)) {
      Config config = Config.from(m.environment(c).values());
      assertWritableMount(c, Path.of("/tmp"));
      assertWritableMount(c, config.dataDir());
      assertWritableMount(c, config.uploadsDir());
      config.push().credentialsFile().ifPresent(file -> {
        String volume = mountHolding(c, file).map(mount -> str(mount, "name"))
            .orElseGet(() -> fail(c + ": GOOGLE_APPLICATION_CREDENTIALS " + file + " is on no volume"));
        String secret = maps(c.pod(), "volumes").stream().filter(v -> volume.equals(v.get("name")))
            .map(v -> str(v, "secret", "secretName")).findFirst().orElse(null);
        assertNotNull(secret, c + ": the FCM service account comes from a Secret");
        assertTrue(RenderedManifests.EXTERNAL_SECRETS.containsKey(secret), c + ": unknown secret " + secret);
      });
    }
  }

  private static void assertWritableMount(Container c, Path path) {
    assertTrue(path.isAbsolute(), c + ": " + path + " is relative to the image's working directory");
    Map<String, Object> mount = mountHolding(c, path)
        .orElseGet(() -> fail(c + ": " + path + " is on the read-only root filesystem"));
    assertFalse(Boolean.TRUE.equals(mount.get("readOnly")), c + ": " + path + " is mounted read-only");
    String volume = str(mount, "name");
    assertTrue(maps(c.pod(), "volumes").stream().anyMatch(v -> volume.equals(v.get("name")) && v.containsKey("emptyDir")),
        c + ": " + path + " should be an emptyDir");
  }

  private static Optional<Map<String, Object>> mountHolding(Container c, Path path) {
    return maps(c.spec(), "volumeMounts").stream()
        .filter(mount -> path.startsWith(Path.of(str(mount, "mountPath"))))
        .max(java.util.Comparator.comparing(mount -> str(mount, "mountPath").length()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void terminationGraceCoversThePauseAndBothDrains(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    for (Container c : appContainers(m)) {
      Config config = Config.from(m.environment(c).values());
      int pause = RenderedManifests.preStopSeconds(c);
      if (behindAService(m, c)) {
        assertTrue(pause >= 5, c + ": a pod behind a Service keeps serving while endpoints forget it; preStop "
            + pause + " s");
      }
      long needed = pause + config.shutdownGraceMillis() / 1000 + config.push().shutdownGraceMillis() / 1000
          + SHUTDOWN_MARGIN_SECONDS;
      Object grace = c.pod().getOrDefault("terminationGracePeriodSeconds", 30);
      assertTrue(((Number) grace).longValue() >= needed, c + ": terminationGracePeriodSeconds " + grace
          + " is shorter than preStop " + pause + " s + SHUTDOWN_GRACE_MS + PUSH_SHUTDOWN_GRACE_MS + "
          + SHUTDOWN_MARGIN_SECONDS + " s = " + needed + " s");
    }
  }

  private static boolean behindAService(RenderedManifests m, Container c) {
    return m.ofKind("Service").stream()
        .anyMatch(s -> selects(strings(map(s.spec(), "selector")), c.podLabels()));
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theOutboxIsDrainedByTheServerPodsOrByItsOwnDeploymentNeverBoth(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    List<Config> configs = appContainers(m).stream().map(c -> Config.from(m.environment(c).values())).toList();
    assertTrue(configs.stream().anyMatch(c -> c.role().servesApi()), overlay + ": nothing serves the API");
    assertTrue(configs.stream().anyMatch(Config::runsPushWorker), overlay + ": nothing sends the pushes");
    if (configs.stream().anyMatch(c -> c.role() == Config.Role.PUSH_WORKER)) {
      for (Config c : configs) {
        assertTrue(c.role() == Config.Role.PUSH_WORKER || c.role() == Config.Role.API,
            overlay + ": with push workers of their own the server runs SERVER_ROLE=api, not " + c.role());
      }
    }
  }

  @Test
  void anOverlayRunsThePushWorkersInTheirOwnDeployment() throws IOException {
    List<String> split = overlays().stream().filter(o -> {
      RenderedManifests m = RenderedManifests.of(o);
      return appContainers(m).stream()
          .anyMatch(c -> Config.from(m.environment(c).values()).role() == Config.Role.PUSH_WORKER);
    }).toList();
    assertFalse(split.isEmpty(), "components/push-workers is rendered and checked through an overlay");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theNetworkPolicyAdmitsHttpAndLetsOutOnlyDatabaseDnsAndHttps(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    for (Container c : appContainers(m)) {
      List<Resource> policies = m.ofKind("NetworkPolicy").stream()
          .filter(p -> selects(strings(map(p.spec(), "podSelector", "matchLabels")), c.podLabels())).toList();
      assertEquals(1, policies.size(), c + ": one NetworkPolicy selects the pod");
      Map<String, Object> policy = policies.get(0).spec();
      assertEquals(List.of("Ingress", "Egress"), List.copyOf(list(policy, "policyTypes")), c + ": both directions");
      int port = Config.from(m.environment(c).values()).port();
      for (Map<String, Object> rule : maps(policy, "ingress")) {
        List<Map<String, Object>> ports = maps(rule, "ports");
        assertFalse(ports.isEmpty(), c + ": an ingress rule without ports opens every port");
        ports.forEach(p -> assertEquals(port, p.get("port"), c + ": ingress to a port the server does not serve"));
      }
      List<Map<String, Object>> egress = maps(policy, "egress");
      egress.forEach(rule -> assertFalse(maps(rule, "ports").isEmpty(), c + ": an egress rule without ports"));
      assertTrue(egress.stream().anyMatch(rule -> allowsPort(rule, 53, "UDP")), c + ": DNS");
      assertTrue(egress.stream().anyMatch(rule -> allowsPort(rule, 443, "TCP")), c + ": HTTPS to FCM");
      for (Map<String, String> database : databasePodLabels(m)) {
        assertTrue(egress.stream().anyMatch(rule -> allowsPort(rule, 5432, "TCP") && maps(rule, "to").stream()
                .anyMatch(to -> selects(strings(map(to, "podSelector", "matchLabels")), database))),
            c + ": PostgreSQL pods labelled " + database + " are not reachable");
      }
    }
  }

  private static boolean allowsPort(Map<String, Object> rule, int port, String protocol) {
    return maps(rule, "ports").stream().anyMatch(p -> Integer.valueOf(port).equals(p.get("port"))
        && protocol.equals(p.getOrDefault("protocol", "TCP")));
  }

  /** The labels of the PostgreSQL pods: a StatefulSet's template, or what a CNPG Cluster puts on its pods. */
  private static List<Map<String, String>> databasePodLabels(RenderedManifests m) {
    List<Map<String, String>> labels = new ArrayList<>();
    m.ofKind("StatefulSet").forEach(s -> labels.add(strings(map(s.spec(), "template", "metadata", "labels"))));
    m.ofKind("Cluster").forEach(cl -> {
      Map<String, String> pods = new java.util.HashMap<>(strings(map(cl.spec(), "inheritedMetadata", "labels")));
      pods.put("cnpg.io/cluster", cl.name());
      labels.add(pods);
    });
    assertFalse(labels.isEmpty(), m.overlay + " has no PostgreSQL");
    return labels;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("productionOverlays")
  void productionScalesOnCpuKeepsServingThroughDisruptionsAndRunsThreeDatabaseInstances(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    Resource server = m.find("Deployment", "zhangban-server").orElseThrow();
    Resource hpa = m.ofKind("HorizontalPodAutoscaler").stream()
        .filter(h -> server.name().equals(str(h.spec(), "scaleTargetRef", "name"))
            && "Deployment".equals(str(h.spec(), "scaleTargetRef", "kind")))
        .findFirst().orElseGet(() -> fail(overlay + ": no HPA scales the server"));
    int min = ((Number) hpa.spec().get("minReplicas")).intValue();
    assertTrue(min >= 2, overlay + ": the HPA keeps at least 2 servers, not " + min);
    assertTrue(maps(hpa.spec(), "metrics").stream().anyMatch(x -> "cpu".equals(str(x, "resource", "name"))),
        overlay + ": the HPA scales on CPU");
    Object replicas = server.spec().get("replicas");
    assertTrue(replicas == null || ((Number) replicas).intValue() >= 2,
        overlay + ": the server Deployment sets " + replicas + " replicas (leave the count to the HPA)");

    Map<String, String> serverPods = strings(map(server.spec(), "template", "metadata", "labels"));
    Resource pdb = m.ofKind("PodDisruptionBudget").stream()
        .filter(p -> selects(strings(map(p.spec(), "selector", "matchLabels")), serverPods))
        .findFirst().orElseGet(() -> fail(overlay + ": no PodDisruptionBudget covers the server pods"));
    Object minAvailable = pdb.spec().get("minAvailable");
    if (minAvailable != null) {
      int n = ((Number) minAvailable).intValue();
      assertTrue(n >= 1 && n < min, overlay + ": minAvailable " + n + " must keep one pod and let a node drain");
    } else {
      assertNotNull(pdb.spec().get("maxUnavailable"), overlay + ": the PDB sets minAvailable or maxUnavailable");
    }

    List<Resource> clusters = m.ofKind("Cluster");
    assertEquals(1, clusters.size(), overlay + ": one CloudNativePG cluster");
    Resource cluster = clusters.get(0);
    assertEquals(3, cluster.spec().get("instances"), overlay + ": a primary and two replicas");
    for (Container c : appContainers(m)) {
      String secret = c.env().stream().filter(e -> "PGPASSWORD".equals(e.get("name")))
          .map(e -> str(e, "valueFrom", "secretKeyRef", "name")).findFirst().orElse(null);
      assertEquals(cluster.name() + "-app", secret, c + ": reads the cluster's generated app secret");
      Config config = Config.from(m.environment(c).values());
      config.statsDatabase().ifPresent(stats -> assertEquals(cluster.name() + "-ro", stats.host(),
          c + ": statistics read from the replicas' service"));
      if (config.runsPushWorker()) {
        assertTrue(config.push().hasCredentials(), c + ": sends pushes without FCM credentials");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("productionOverlays")
  void productionConnectionsFitInTheDatabase(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    Resource cluster = m.ofKind("Cluster").get(0);
    int maxConnections = Integer.parseInt(String.valueOf(
        map(cluster.spec(), "postgresql", "parameters").getOrDefault("max_connections", "100")));
    int needed = 0;
    List<String> terms = new ArrayList<>();
    for (Container c : appContainers(m)) {
      int pods = m.ofKind("HorizontalPodAutoscaler").stream()
          .filter(h -> c.workload().name().equals(str(h.spec(), "scaleTargetRef", "name")))
          .map(h -> ((Number) h.spec().get("maxReplicas")).intValue())
          .findFirst().orElse(((Number) c.workload().spec().getOrDefault("replicas", 1)).intValue());
      int perPod = Config.from(m.environment(c).values()).dbPoolSize() + CONNECTIONS_BESIDES_POOL;
      needed += pods * perPod;
      terms.add(c.workload() + ": " + pods + " x " + perPod);
    }
    // superuser_reserved_connections (3) and the operator's own connections
    assertTrue(needed <= maxConnections - 10, overlay + ": " + terms + " = " + needed
        + " connections at most, max_connections " + maxConnections);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("productionOverlays")
  void theIngressServesEveryPublicOperationOverHttpsAndKeepsProbesMetricsAndDevInside(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    List<Resource> ingresses = m.ofKind("Ingress");
    assertFalse(ingresses.isEmpty(), overlay + ": no Ingress");
    /** Each route with the Ingress it belongs to. */
    record Route(Resource ingress, Map<String, Object> route) {
      boolean serves(String path) {
        String p = str(route, "path");
        return "Exact".equals(str(route, "pathType")) ? path.equals(p)
            : path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/");
      }
    }
    List<Route> routes = new ArrayList<>();
    for (Resource ingress : ingresses) {
      Set<String> tlsHosts = new TreeSet<>();
      maps(ingress.spec(), "tls").forEach(t -> {
        assertNotNull(str(t, "secretName"), ingress + ": a TLS entry without its secret");
        list(t, "hosts").forEach(h -> tlsHosts.add((String) h));
      });
      assertEquals("true", strings(map(ingress.body(), "metadata", "annotations"))
          .get("nginx.ingress.kubernetes.io/ssl-redirect"), ingress + ": plain HTTP is redirected to HTTPS");
      for (Map<String, Object> rule : maps(ingress.spec(), "rules")) {
        assertTrue(tlsHosts.contains(str(rule, "host")), ingress + ": " + str(rule, "host") + " is served without TLS");
        for (Map<String, Object> route : maps(rule, "http", "paths")) {
          Map<String, Object> service = map(route, "backend", "service");
          Resource target = m.find("Service", str(service, "name")).orElseThrow(
              () -> new AssertionError(ingress + ": no Service " + str(service, "name")));
          Object port = map(service, "port").getOrDefault("name", map(service, "port").get("number"));
          assertTrue(maps(target.spec(), "ports").stream().anyMatch(p -> port.equals(p.get("name"))
              || port.equals(p.get("port"))), ingress + ": " + target + " has no port " + port);
          List<Container> behind = appContainers(m).stream()
              .filter(c -> selects(strings(map(target.spec(), "selector")), c.podLabels())).toList();
          assertFalse(behind.isEmpty(), ingress + ": " + target + " selects no server pod");
          behind.forEach(c -> assertTrue(Config.from(m.environment(c).values()).role().servesApi(),
              ingress + ": " + target + " sends requests to " + c + ", which does not serve the API"));
          routes.add(new Route(ingress, route));
        }
      }
    }
    java.util.function.Function<String, List<Route>> routing = path -> routes.stream().filter(r -> r.serves(path)).toList();
    for (String path : Contract.raw().getJsonObject("paths").fieldNames()) {
      String example = path.replaceAll("\\{[^}]+}", "x");
      boolean internal = INTERNAL_PATHS.matcher(example).matches();
      assertEquals(!internal, !routing.apply(example).isEmpty(),
          overlay + (internal ? ": exposes " : ": does not serve ") + path + " to the outside");
      // a rating link's token is in the path, a callback's key in the query: the controller that
      // routes them must not log requests
      io.vertx.core.json.JsonObject operations = Contract.raw().getJsonObject("paths").getJsonObject(path);
      boolean keyInQuery = operations.fieldNames().stream().map(operations::getValue)
          .filter(io.vertx.core.json.JsonObject.class::isInstance).map(io.vertx.core.json.JsonObject.class::cast)
          .anyMatch(op -> op.getJsonArray("security", new io.vertx.core.json.JsonArray()).encode()
              .contains("smsCallbackKey"));
      if (path.startsWith("/public/rating-links/") || keyInQuery) {
        assertFalse(routing.apply(example).isEmpty(), overlay + ": does not route " + path);
        routing.apply(example).forEach(r -> assertEquals("false", strings(map(r.ingress().body(), "metadata",
            "annotations")).get("nginx.ingress.kubernetes.io/enable-access-log"), r.ingress() + " logs " + path));
      }
    }
    for (String page : List.of("/dashboard/", "/docs/", "/rate/", "/webjars/echarts/5/dist/echarts.min.js")) {
      assertFalse(routing.apply(page).isEmpty(), overlay + ": does not serve " + page);
    }
    // the Ingress that takes uploads lets the server's own limit answer
    for (Route r : routing.apply("/applications/x/materials/x")) {
      Map<String, String> annotations = strings(map(r.ingress().body(), "metadata", "annotations"));
      long bodyLimit = sizeInBytes(annotations.get("nginx.ingress.kubernetes.io/proxy-body-size"));
      for (Container c : appContainers(m)) {
        long largest = Config.from(m.environment(c).values()).maxUploadBytes();
        assertTrue(bodyLimit >= largest, r.ingress() + ": bodies are cut at " + bodyLimit
            + " bytes before the server's own limit (" + largest + ") can answer");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("productionOverlays")
  void productionScrapesEveryPodOnThePortAndPathOfItsMetrics(String overlay) {
    RenderedManifests m = RenderedManifests.of(overlay);
    List<Resource> monitors = m.ofKind("PodMonitor");
    assertFalse(monitors.isEmpty(), overlay + ": no PodMonitor");
    JsonObject paths = Contract.raw().getJsonObject("paths");
    for (Container c : appContainers(m)) {
      List<Map<String, Object>> endpoints = monitors.stream()
          .filter(pm -> selects(strings(map(pm.spec(), "selector", "matchLabels")), c.podLabels()))
          .flatMap(pm -> maps(pm.spec(), "podMetricsEndpoints").stream()).toList();
      assertEquals(1, endpoints.size(), c + ": scraped by one PodMonitor endpoint, not " + endpoints.size());
      Map<String, Object> e = endpoints.get(0);
      assertEquals("metrics", paths.getJsonObject(str(e, "path"), new JsonObject())
          .getJsonObject("get", new JsonObject()).getString("operationId"), c + ": scraped at " + str(e, "path"));
      assertProbePortIsServed(m, c, "the PodMonitor", e.get("port"));
    }
  }

  /** An nginx size ("21m", "512k", "1g", "100"). */
  private static long sizeInBytes(String size) {
    assertNotNull(size, "nginx's default body limit (1m) would refuse uploads");
    Matcher m = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(size);
    assertTrue(m.matches(), "not an nginx size: " + size);
    long unit = switch (m.group(2).toLowerCase()) {
      case "k" -> 1024L;
      case "m" -> 1024L * 1024;
      case "g" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    return Long.parseLong(m.group(1)) * unit;
  }

  @Test
  void developmentRunsOneServerAndOnePostgres() {
    RenderedManifests m = RenderedManifests.of("dev");
    assertEquals(1, m.find("Deployment", "zhangban-server").orElseThrow().spec().get("replicas"));
    List<Resource> databases = m.ofKind("StatefulSet");
    assertEquals(1, databases.size());
    assertEquals(1, databases.get(0).spec().get("replicas"));
    assertEquals(List.of(), m.ofKind("Cluster"));
    assertEquals(List.of(), m.ofKind("HorizontalPodAutoscaler"));
  }

  private static List<Container> appContainers(RenderedManifests m) {
    List<Container> app = m.appContainers();
    assertFalse(app.isEmpty(), m.overlay + " runs no Zhangban pod (label " + RenderedManifests.APP_LABEL + ")");
    return app;
  }

  /** The variables of the configuration table (docs/configuration.md) (first column). */
  static Set<String> readmeConfigurationKeys() throws IOException {
    Set<String> keys = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\|([^|\\n]*)\\|").matcher(docsPage("configuration.md"));
    while (row.find()) {
      Matcher key = Pattern.compile("`([A-Z][A-Z0-9_]*)`").matcher(row.group(1));
      while (key.find()) {
        keys.add(key.group(1));
      }
    }
    assertTrue(keys.size() > 40, "the configuration table was not found: " + keys);
    return keys;
  }

  private static String docsPage(String name) throws IOException {
    return Files.readString(Path.of("../docs", name));
  }
}
