package dev.tidemark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * Renders every kustomize overlay under {@code k8s/overlays} (and the base) with
 * {@code kubectl kustomize} and reads every object into the fabric8 Kubernetes model strictly:
 * an unknown field (the model's catch-all map is switched off), a wrong type (no coercion of
 * scalars: {@code "2"} is not an integer, {@code true} is not a string) or an unknown
 * apiVersion/kind fails. Then checks what issue 7 asks of the objects.
 */
class KubernetesManifestsTest {

    static final Path K8S = Path.of("k8s");

    /** The kinds the manifests may use, by apiVersion/kind, with the API group versions a cluster serves. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class));

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper STRICT = strictMapper();

    static String kubectl;

    @BeforeAll
    static void findKubectl() {
        kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    }

    static ObjectMapper strictMapper() {
        SimpleModule noCatchAll = new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                    BeanDeserializerBuilder builder) {
                builder.setAnySetter(null); // fabric8 keeps unknown fields in additionalProperties: refuse them
                return builder;
            }
        });
        JsonMapper mapper = JsonMapper.builder(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(noCatchAll)
                .build();
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        return mapper;
    }

    /** Reads one rendered object into its model class, strictly; fails on an unknown kind. */
    static HasMetadata read(JsonNode node) {
        String key = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(key);
        if (type == null) {
            throw new IllegalArgumentException("unknown or unchecked apiVersion/kind " + key);
        }
        try {
            return STRICT.treeToValue(node, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + " " + node.path("metadata").path("name").asText() + ": " + e.getMessage(), e);
        }
    }

    static List<HasMetadata> readAll(String yaml) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode node : YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll()) {
            if (node != null && !node.isNull() && !node.isEmpty()) {
                objects.add(read(node));
            }
        }
        return objects;
    }

    static String render(Path dir) {
        // In CI the manifests must be validated: .ci/run installs kubectl, so its absence is a failure
        // there. A developer machine without kubectl skips, saying so.
        if (kubectl == null && "true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assertions.fail("kubectl is not on the PATH in CI: the Kubernetes manifests cannot be validated");
        }
        Assumptions.assumeTrue(kubectl != null,
                "kubectl is not on the PATH: the Kubernetes manifests are NOT validated (.ci/run installs it)");
        try {
            Process process = new ProcessBuilder(kubectl, "kustomize", dir.toString()).redirectErrorStream(false).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + dir + " timed out");
            assertEquals(0, process.exitValue(), () -> "kubectl kustomize " + dir + " failed: " + err);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, List<HasMetadata>> renderEveryOverlay() throws IOException {
        Map<String, List<HasMetadata>> rendered = new LinkedHashMap<>();
        rendered.put("base", readAll(render(K8S.resolve("base"))));
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            for (Path overlay : overlays.sorted().toList()) {
                rendered.put(overlay.getFileName().toString(), readAll(render(overlay)));
            }
        }
        return rendered;
    }

    static <T> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> ((HasMetadata) o).getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    @Test
    void shouldRenderEveryOverlayIntoValidKubernetesObjects() throws IOException {
        Map<String, List<HasMetadata>> rendered = renderEveryOverlay();
        assertTrue(rendered.keySet().containsAll(List.of("base", "dev", "prod")), rendered.keySet()::toString);
        for (Map.Entry<String, List<HasMetadata>> overlay : rendered.entrySet()) {
            List<HasMetadata> objects = overlay.getValue();
            Set<String> kinds = new HashSet<>();
            objects.forEach(o -> kinds.add(o.getKind()));
            assertTrue(kinds.containsAll(List.of("Deployment", "Service", "ConfigMap", "ServiceAccount", "PodDisruptionBudget",
                    "HorizontalPodAutoscaler", "Job")), overlay.getKey() + ": " + kinds);
            checkServer(overlay.getKey(), objects);
        }
        List<HasMetadata> dev = rendered.get("dev");
        StatefulSet postgres = one(dev, StatefulSet.class, "tidemark-postgres");
        assertEquals(1, postgres.getSpec().getVolumeClaimTemplates().size(), "dev PostgreSQL keeps its data in a PVC");
        Secret generated = dev.stream().filter(Secret.class::isInstance).map(Secret.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("dev generates the database Secret"));
        assertTrue(generated.getMetadata().getName().startsWith("tidemark-db-"), "a generated Secret, name with hash");
        Set<String> secretRefs = secretRefs(dev);
        assertEquals(Set.of(generated.getMetadata().getName()), secretRefs, "every reference points at the generated Secret");

        List<HasMetadata> prod = rendered.get("prod");
        assertTrue(prod.stream().noneMatch(o -> o instanceof StatefulSet || o instanceof Secret),
                "prod brings no database and no credentials");
        assertEquals(Set.of("tidemark-db"), secretRefs(prod), "prod reads the external database from the Secret tidemark-db");
        Container prodServer = one(prod, Deployment.class, "tidemark").getSpec().getTemplate().getSpec().getContainers().get(0);
        for (String variable : List.of("MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_PUBLICKEY_LOCATION")) {
            assertEquals("tidemark-identity", prodServer.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst()
                    .orElseThrow(() -> new AssertionError("prod sets " + variable)).getValueFrom().getConfigMapKeyRef().getName(),
                    "prod verifies tokens with the identity provider's keys from the ConfigMap tidemark-identity");
        }
        assertNull(one(prod, ConfigMap.class, "tidemark-config").getData().get("TIDEMARK_AUTH_ANONYMOUS_ACCESS"), "prod never lets anonymous callers in");
        assertEquals("true", one(dev, ConfigMap.class, "tidemark-config").getData().get("TIDEMARK_AUTH_ANONYMOUS_ACCESS"),
                "the dev cluster has no identity provider: anonymous access is on");
        Ingress ingress = one(prod, Ingress.class, "tidemark");
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        assertTrue(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout")) >= 3600, "idle WebSockets");
        assertTrue(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-send-timeout")) >= 3600, "idle WebSockets");
        assertEquals(applicationProperties().getProperty("quarkus.http.limits.max-body-size").toLowerCase(),
                annotations.get("nginx.ingress.kubernetes.io/proxy-body-size"), "the ingress passes the bodies the server takes, no more");
        assertEquals("true", one(dev, ConfigMap.class, "tidemark-config").getData().get("QUARKUS_SMALLRYE_GRAPHQL_UI_ENABLED"),
                "GraphiQL in the dev cluster");
        assertNull(one(prod, ConfigMap.class, "tidemark-config").getData().get("QUARKUS_SMALLRYE_GRAPHQL_UI_ENABLED"),
                "no GraphiQL in production");
    }

    /** What issue 7 asks of the replicas and the migration Job, in every overlay. */
    static void checkServer(String overlay, List<HasMetadata> objects) {
        Deployment deployment = one(objects, Deployment.class, "tidemark");
        assertTrue(deployment.getSpec().getReplicas() >= 2, overlay + ": 2+ replicas");
        assertEquals(0, deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container server = pod.getContainers().get(0);
        assertTrue(pod.getSecurityContext().getRunAsNonRoot(), overlay + ": runAsNonRoot");
        assertTrue(server.getSecurityContext().getReadOnlyRootFilesystem(), overlay + ": readOnlyRootFilesystem");
        assertFalse(server.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(server.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), "a writable /tmp");
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getEmptyDir() != null), "/tmp is an emptyDir");
        assertEquals("/q/health/live", server.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/q/health/ready", server.getReadinessProbe().getHttpGet().getPath());
        checkManagementPort(overlay, deployment, one(objects, Service.class, "tidemark"));
        assertNotNull(server.getResources().getRequests().get("memory"));
        assertEquals(server.getResources().getRequests().get("memory"), server.getResources().getLimits().get("memory"),
                "memory request = limit (the heap is a share of it)");
        assertEquals("tidemark", pod.getServiceAccountName());
        one(objects, ServiceAccount.class, "tidemark");

        ConfigMap config = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).findFirst().orElseThrow();
        assertTrue(server.getEnvFrom().stream().anyMatch(e -> e.getConfigMapRef().getName().equals(config.getMetadata().getName())));
        Map<String, String> env = config.getData();
        assertEquals("false", env.get("QUARKUS_FLYWAY_MIGRATE_AT_START"), "replicas never migrate");
        assertEquals("true", env.get("QUARKUS_FLYWAY_VALIDATE_AT_START"));
        long delay = seconds(env.get("QUARKUS_SHUTDOWN_DELAY"));
        long timeout = seconds(env.get("QUARKUS_SHUTDOWN_TIMEOUT"));
        assertTrue(pod.getTerminationGracePeriodSeconds() >= delay + timeout + 10,
                overlay + ": the grace period covers the socket drain (shutdown delay), running requests and the JVM stop");

        Job migrate = one(objects, Job.class, "tidemark-migrate");
        Container job = migrate.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(server.getImage(), job.getImage(), "the Job migrates with the replicas' image");
        Map<String, String> jobEnv = new LinkedHashMap<>();
        for (EnvVar var : job.getEnv()) {
            jobEnv.put(var.getName(), var.getValue());
        }
        assertEquals("true", jobEnv.get("TIDEMARK_MIGRATE_AND_EXIT"));
        assertEquals("true", jobEnv.get("QUARKUS_FLYWAY_MIGRATE_AT_START"));
        assertEquals("0", jobEnv.get("TIDEMARK_DATABASE_SOCKET_TIMEOUT_SECONDS"), "a migration may run longer than a request");
        assertTrue(migrate.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());

        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        assertEquals(selector, one(objects, Service.class, "tidemark").getSpec().getSelector(), "the Service selects the replicas");
        assertEquals(selector, one(objects, PodDisruptionBudget.class, "tidemark").getSpec().getSelector().getMatchLabels());
        assertEquals("tidemark", one(objects, HorizontalPodAutoscaler.class, "tidemark").getSpec().getScaleTargetRef().getName());
    }

    /**
     * Health and metrics are served on the management port in prod (application.properties): the
     * probes and Prometheus use it, and the Service (so the Ingress) does not expose it.
     */
    static void checkManagementPort(String overlay, Deployment deployment, Service service) {
        Properties app = applicationProperties();
        assertEquals("true", app.getProperty("%prod.quarkus.management.enabled"), "prod serves health and metrics apart");
        Container server = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        int management = server.getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": the container declares its management port")).getContainerPort();
        assertEquals(Integer.parseInt(app.getProperty("quarkus.management.port")), management, overlay + ": quarkus.management.port");
        for (Probe probe : List.of(server.getStartupProbe(), server.getLivenessProbe(), server.getReadinessProbe())) {
            assertEquals("management", probe.getHttpGet().getPort().getStrVal(), overlay + ": probes on the management port");
        }
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals(String.valueOf(management), annotations.get("prometheus.io/port"), overlay + ": Prometheus scrapes it");
        assertEquals("/q/metrics", annotations.get("prometheus.io/path"));
        for (ServicePort port : service.getSpec().getPorts()) {
            assertEquals("http", port.getTargetPort().getStrVal(), overlay + ": the Service exposes the application port only");
        }
    }

    static Properties applicationProperties() {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    static Set<String> secretRefs(List<HasMetadata> objects) {
        Set<String> names = new HashSet<>();
        for (HasMetadata object : objects) {
            PodSpec pod = object instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                    : object instanceof Job j ? j.getSpec().getTemplate().getSpec()
                    : object instanceof StatefulSet s ? s.getSpec().getTemplate().getSpec() : null;
            if (pod != null) {
                pod.getContainers().forEach(c -> c.getEnv().stream().filter(e -> e.getValueFrom() != null
                        && e.getValueFrom().getSecretKeyRef() != null).forEach(e -> names.add(e.getValueFrom().getSecretKeyRef().getName())));
            }
        }
        return names;
    }

    static long seconds(String duration) {
        assertTrue(duration.matches("\\d+s"), duration);
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: bad
            spec:
              %s
              selector:
                matchLabels: {app: bad}
              template:
                metadata:
                  labels: {app: bad}
                spec:
                  containers:
                    - name: bad
                      image: bad
                      %s
            """;

    @Test
    void shouldAcceptTheNegativeCasesControl() throws IOException {
        assertEquals(1, readAll(DEPLOYMENT.formatted("replicas: 2", "imagePullPolicy: IfNotPresent")).size());
        assertEquals(1, readAll(DEPLOYMENT.formatted("replicas: 2", "env: [{name: A, value: \"true\"}]")).size());
    }

    @Test
    void shouldFailOnAnUnknownField() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> readAll(DEPLOYMENT.formatted("replica: 2", "imagePullPolicy: IfNotPresent")));
        assertTrue(typo.getMessage().contains("replica"), typo.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> readAll(DEPLOYMENT.formatted("replicas: 2", "imagePullPolicyy: IfNotPresent")));
        assertThrows(IllegalArgumentException.class,
                () -> readAll(DEPLOYMENT.formatted("replicas: 2", "securityContext: {readOnlyRootFileSystem: true}")));
    }

    @Test
    void shouldFailOnAWrongType() {
        assertThrows(IllegalArgumentException.class, () -> readAll(DEPLOYMENT.formatted("replicas: two", "imagePullPolicy: IfNotPresent")));
        assertThrows(IllegalArgumentException.class, () -> readAll(DEPLOYMENT.formatted("replicas: \"2\"", "imagePullPolicy: IfNotPresent")));
        assertThrows(IllegalArgumentException.class, () -> readAll(DEPLOYMENT.formatted("replicas: 2", "env: [{name: A, value: true}]")));
        assertThrows(IllegalArgumentException.class, () -> readAll(DEPLOYMENT.formatted("replicas: 2", "ports: {containerPort: 8080}")));
        assertThrows(IllegalArgumentException.class,
                () -> readAll(DEPLOYMENT.formatted("replicas: 2", "securityContext: {runAsNonRoot: \"yes\"}")));
    }

    @Test
    void shouldFailOnAnUnknownKindOrApiVersion() {
        assertThrows(IllegalArgumentException.class, () -> readAll(DEPLOYMENT.replace("apps/v1", "apps/v1beta1").formatted("replicas: 2", "")));
        assertThrows(IllegalArgumentException.class, () -> readAll("apiVersion: v1\nkind: Servic\nmetadata: {name: x}\n"));
    }
}
