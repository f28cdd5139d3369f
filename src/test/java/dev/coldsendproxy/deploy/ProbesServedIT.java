package dev.coldsendproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.PackagedProxy;

/**
 * The probes and the scrape annotation of the generated Deployment name paths the packaged jar
 * really serves on its management port, and not on the public one: a wrong path would restart
 * healthy pods or keep them out of the Service.
 */
class ProbesServedIT {

    private final Manifests manifests = Manifests.generated();

    @Test
    void servesEveryProbePathOnTheManagementPortOnly() throws Exception {
        int declaredManagementPort = manifests.containerPort("management");
        Map<String, String> probes = probePaths(declaredManagementPort);
        int management = PackagedProxy.freePort();

        try (PackagedProxy proxy = PackagedProxy.start(Map.of(
                "COLDSEND_API_KEY", "cs_live_TEST-ONLY-not-a-real-key",
                "PROXY_AUTH_MODE", "none",
                // The manifest's 9000, moved to a free port: other builds run on this machine at the same time.
                "QUARKUS_MANAGEMENT_PORT", String.valueOf(management))).awaitStarted(Duration.ofSeconds(60))) {

            // In a pod, the kubelet calls the pod's IP: the management interface must not bind to localhost only.
            assertThat(proxy.output()).contains("Management interface listening on http://0.0.0.0:" + management);
            for (Map.Entry<String, String> probe : probes.entrySet()) {
                HttpResponse<byte[]> onManagement = ConcurrentGets.get(URI.create("http://localhost:" + management + probe.getValue()));
                HttpResponse<byte[]> onPublic = ConcurrentGets.get(proxy.uri(probe.getValue()));

                assertThat(onManagement.statusCode()).as(probe.getKey() + " " + probe.getValue()).isEqualTo(200);
                assertThat(new String(onManagement.body(), StandardCharsets.UTF_8)).contains("\"status\"").contains("UP");
                assertThat(onPublic.statusCode()).as(probe.getKey() + " on the public port").isEqualTo(404);
            }
        }
    }

    /** Probe name -> path, for every HTTP probe of the container, all of them on the management port. */
    private Map<String, String> probePaths(int managementPort) {
        JsonNode container = manifests.container();
        Map<String, String> paths = new LinkedHashMap<>();
        for (String name : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            JsonNode get = container.path(name).path("httpGet");
            if (get.isObject()) {
                assertThat(get.path("port").asInt()).as(name + " port").isEqualTo(managementPort);
                paths.put(name, get.path("path").asText());
            }
        }
        assertThat(paths).containsKeys("livenessProbe", "readinessProbe");
        return paths;
    }
}
