package dev.coldsendproxy.deploy;

import static dev.coldsendproxy.deploy.Manifests.list;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What {@code ./mvnw package} writes to target/kubernetes/kubernetes.yml is what the cluster gets:
 * these tests read that file, after the package phase, and check each promise of the deployment.
 */
class KubernetesManifestIT {

    private static final Pattern SECRET_LOOKING = Pattern.compile(".*(KEY|SHA256|TOKEN|PASSWORD|SECRET).*");

    private final Manifests manifests = manifests();

    /** The manifests whose promises are checked: the generated file, as it is applied without the Redis tier. */
    Manifests manifests() {
        return Manifests.generated();
    }

    @Test
    void runsTwoReplicasWithASelectorThatSurvivesUpgrades() {
        JsonNode deployment = manifests.proxy("Deployment");

        assertThat(deployment.at("/apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(deployment.at("/metadata/name").asText()).isEqualTo("coldsend-proxy");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        Map<String, String> selector = labels(deployment.at("/spec/selector/matchLabels"));
        assertThat(podLabels()).containsAllEntriesOf(selector);
        // A Deployment's selector is immutable: a version in it would make the next release's apply fail.
        assertThat(selector).containsKey("app.kubernetes.io/name").doesNotContainKey("app.kubernetes.io/version");
    }

    @Test
    void serviceExposesOnlyThePublicPortOfThePods() {
        JsonNode service = manifests.proxy("Service");

        assertThat(podLabels()).containsAllEntriesOf(labels(service.at("/spec/selector")));
        List<JsonNode> ports = list(service.at("/spec/ports"));
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0).path("targetPort").asInt()).isEqualTo(manifests.containerPort("http")).isEqualTo(8080);
        assertThat(manifests.containerPort("management")).isEqualTo(9000);
    }

    @Test
    void probesAskTheManagementPortsHealthPaths() {
        JsonNode container = manifests.container();
        int management = manifests.containerPort("management");

        assertThat(probe(container, "livenessProbe")).isEqualTo("HTTP " + management + " /q/health/live");
        assertThat(probe(container, "readinessProbe")).isEqualTo("HTTP " + management + " /q/health/ready");
        assertThat(probe(container, "startupProbe")).isEqualTo("HTTP " + management + " /q/health/started");
    }

    @Test
    void coldsendKeyAndConsumerKeyHashesComeFromSecretsNeverLiterals() throws IOException {
        JsonNode container = manifests.container();

        JsonNode apiKey = list(container.path("env")).stream()
                .filter(e -> "COLDSEND_API_KEY".equals(e.path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("COLDSEND_API_KEY is not set in the Deployment"));
        assertThat(apiKey.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("coldsend-proxy");
        assertThat(apiKey.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("coldsend-api-key");
        assertThat(list(container.path("envFrom")))
                .extracting(e -> e.at("/secretRef/name").asText())
                .contains("coldsend-proxy-consumers");
        for (JsonNode env : list(container.path("env"))) {
            if (SECRET_LOOKING.matcher(env.path("name").asText()).matches()) {
                assertThat(env.has("value")).as("literal value for %s", env.path("name").asText()).isFalse();
                assertThat(env.at("/valueFrom/secretKeyRef").isObject()).as(env.path("name").asText()).isTrue();
            }
        }
        assertThat(manifests.all("Secret")).as("Secrets are created by the operator, not shipped").isEmpty();
        assertThat(Files.readString(Manifests.GENERATED)).doesNotContain("cs_live").doesNotContain("cs_test");
    }

    @Test
    void requestsAndLimitsCpuAndMemory() {
        JsonNode resources = manifests.container().path("resources");

        for (String bound : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertThat(resources.path(bound).path(resource).asText()).as(bound + "." + resource).isNotBlank();
            }
        }
        assertThat(mebibytes(resources.at("/limits/memory").asText()))
                .isGreaterThanOrEqualTo(mebibytes(resources.at("/requests/memory").asText()));
    }

    @Test
    void runsAsNonRootOnAReadOnlyRootFilesystemWithAWritableTmp() {
        JsonNode pod = manifests.proxy("Deployment").at("/spec/template/spec");
        JsonNode container = manifests.container();

        Manifests.assertLockedDown(pod, container);

        JsonNode tmp = list(container.path("volumeMounts")).stream()
                .filter(m -> "/tmp".equals(m.path("mountPath").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at /tmp"));
        assertThat(tmp.path("readOnly").asBoolean(false)).isFalse();
        JsonNode volume = list(pod.path("volumes")).stream()
                .filter(v -> tmp.path("name").asText().equals(v.path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume " + tmp.path("name").asText()));
        assertThat(volume.has("emptyDir")).as("/tmp is an emptyDir").isTrue();
    }

    @Test
    void prometheusScrapesTheManagementPortOfEachPod() {
        Map<String, String> annotations = labels(manifests.proxy("Deployment").at("/spec/template/metadata/annotations"));

        assertThat(annotations)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(manifests.containerPort("management")))
                .containsEntry("prometheus.io/path", "/q/metrics");
    }

    @Test
    void alertRulesShipBesideTheServiceMonitor() {
        JsonNode rules = manifests.one("PrometheusRule");

        assertThat(manifests.one("ServiceMonitor").at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(rules.at("/metadata/name").asText()).isEqualTo("coldsend-proxy");
        // As written in src/main/kubernetes/kubernetes.yml, which PrometheusRulesTest runs through promtool.
        assertThat(rules.at("/spec/groups")).isEqualTo(Manifests.read(PrometheusRulesTest.SOURCE)
                .one("PrometheusRule").at("/spec/groups"));
    }

    @Test
    void disruptionBudgetKeepsOneOfTheReplicas() {
        JsonNode budget = manifests.proxy("PodDisruptionBudget");

        assertThat(budget.at("/apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(budget.at("/spec/minAvailable").asInt())
                .isPositive()
                .isLessThan(manifests.proxy("Deployment").at("/spec/replicas").asInt());
        assertThat(podLabels()).containsAllEntriesOf(labels(budget.at("/spec/selector/matchLabels")));
    }

    @Test
    void networkPolicyLetsOnlyInClusterCallersReachThePublicPort() {
        JsonNode policy = manifests.proxy("NetworkPolicy");

        assertThat(policy.at("/apiVersion").asText()).isEqualTo("networking.k8s.io/v1");
        assertThat(podLabels()).containsAllEntriesOf(labels(policy.at("/spec/podSelector/matchLabels")));
        assertThat(list(policy.at("/spec/policyTypes"))).extracting(JsonNode::asText).contains("Ingress");
        List<JsonNode> rules = list(policy.at("/spec/ingress"));
        assertThat(rules).isNotEmpty();
        for (JsonNode rule : rules) {
            // A rule without ports opens every port, one without peers admits every source.
            assertThat(rule.path("ports").isEmpty()).as("rule without ports: %s", rule).isFalse();
            assertThat(rule.path("from").isEmpty()).as("rule without peers: %s", rule).isFalse();
            for (JsonNode peer : list(rule.path("from"))) {
                assertThat(peer.has("ipBlock")).as("addresses outside the cluster: %s", peer).isFalse();
            }
        }
        int publicPort = manifests.containerPort("http");
        int management = manifests.containerPort("management");
        assertThat(rules).flatExtracting(rule -> list(rule.path("ports")))
                .extracting(port -> port.path("port").asInt())
                .containsOnly(publicPort, management);
        for (JsonNode rule : rules) {
            if (list(rule.path("ports")).stream().anyMatch(p -> p.path("port").asInt() == management)) {
                assertThat(list(rule.path("from"))).allSatisfy(peer -> assertThat(
                        peer.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText())
                        .isEqualTo("monitoring"));
            }
        }
    }

    private Map<String, String> podLabels() {
        return labels(manifests.proxy("Deployment").at("/spec/template/metadata/labels"));
    }

    private static Map<String, String> labels(JsonNode node) {
        return new ObjectMapper().convertValue(node, new TypeReference<Map<String, String>>() {
        });
    }

    private static String probe(JsonNode container, String name) {
        JsonNode get = container.path(name).path("httpGet");
        assertThat(get.isObject()).as(name + " is an HTTP GET probe").isTrue();
        return get.path("scheme").asText("HTTP") + " " + get.path("port").asText() + " " + get.path("path").asText();
    }

    /** Kubernetes memory quantities as MiB (Mi, Gi, M, G). */
    private static long mebibytes(String quantity) {
        var m = Pattern.compile("(\\d+)(Mi|Gi|M|G)").matcher(quantity);
        assertThat(m.matches()).as("memory quantity %s", quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "Gi" -> n * 1024;
            case "G" -> n * 1_000_000_000L / (1024 * 1024);
            case "M" -> n * 1_000_000L / (1024 * 1024);
            default -> n;
        };
    }
}
