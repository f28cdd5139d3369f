package dev.coldsendproxy.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.coldsendproxy.deploy.Manifests.list;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.PackagedProxy;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * In Kubernetes the proxy is configured by environment alone: every setting of the README table has
 * an environment variable that really reaches its property, the Deployment reads the example
 * ConfigMap whole, and that ConfigMap holds documented, non-secret settings only.
 */
class ConfigurationByEnvironmentIT {

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|\\s*`([^`]+)`\\s*\\|.*");
    /** Settings that belong in a Secret, never in a ConfigMap. */
    private static final Pattern SECRET = Pattern.compile("COLDSEND_API_KEY|.*_(KEY_SHA256|TOKEN|TOKEN_SHA256|PASSWORD)");

    private final Map<String, String> table = readmeTable();
    private final Manifests configMapExample = Manifests.read(Manifests.CONFIGMAP_EXAMPLE);

    @Test
    void everyReadmeEnvironmentVariableReachesItsProperty() {
        assertThat(table).containsKeys("coldsend.api-key", "proxy.cache.ttl", "proxy.consumers.<name>.key-sha256");
        table.forEach((property, env) -> {
            // SmallRye Config's own lookup, as the packaged jar does it: the variable alone must yield the property.
            // A consumer name is a map key, which SmallRye may spell plain or quoted: either spelling counts.
            String concreteEnv = env.replace("<NAME>", "BILLING");
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .withSources(new EnvConfigSource(Map.of(concreteEnv, "from-env"), 300))
                    .build();
            List<String> found = List.of(property.replace("<name>", "billing"), property.replace("<name>", "\"billing\""))
                    .stream().distinct().map(name -> config.getConfigValue(name).getValue()).toList();
            assertThat(found).as("README says %s sets %s", env, property).contains("from-env");
        });
    }

    @Test
    void configMapExampleHoldsEveryNonSecretSettingAndOnlyDocumentedOnes() {
        Map<String, String> data = configMapData();

        for (String key : data.keySet()) {
            assertThat(table.values().stream().anyMatch(env -> envPattern(env).matcher(key).matches()))
                    .as("ConfigMap key %s is not in the README configuration table", key).isTrue();
            assertThat(SECRET.matcher(key).matches()).as("%s is a secret: it belongs in a Secret", key).isFalse();
        }
        for (String env : table.values()) {
            if (!SECRET.matcher(env).matches()) {
                assertThat(data.keySet().stream().anyMatch(key -> envPattern(env).matcher(key).matches()))
                        .as("README setting %s is missing from %s", env, Manifests.CONFIGMAP_EXAMPLE).isTrue();
            }
        }
    }

    @Test
    void deploymentReadsTheExampleConfigMapWholeAndTheSecretsByReference() {
        JsonNode container = Manifests.generated().container();

        assertThat(list(container.path("envFrom")))
                .extracting(e -> e.at("/configMapRef/name").asText())
                .contains(configMapExample.one("ConfigMap").at("/metadata/name").asText());
        assertThat(list(container.path("env"))).allSatisfy(env -> assertThat(configMapData())
                .as("%s is set both in the Deployment and the ConfigMap; the Deployment's wins", env.path("name").asText())
                .doesNotContainKey(env.path("name").asText()));
    }

    @Test
    void exampleQuotaKeepsAllReplicasTogetherWithinColdsendsLimits() {
        // Without the shared Redis tier every replica spends its own windows: together they must not
        // exceed the one key's 100 a minute and 1,000 an hour, or Coldsend answers 429 to all of them.
        Map<String, String> data = configMapData();
        boolean shared = "true".equalsIgnoreCase(data.getOrDefault("PROXY_REDIS_ENABLED", "false"));
        int replicas = shared ? 1 : Manifests.generated().one("Deployment").at("/spec/replicas").asInt();

        assertThat(Integer.parseInt(data.get("COLDSEND_QUOTA_PER_MINUTE")) * replicas).isLessThanOrEqualTo(100);
        assertThat(Integer.parseInt(data.get("COLDSEND_QUOTA_PER_HOUR")) * replicas).isLessThanOrEqualTo(1000);
    }

    @Test
    void packagedJarStartsWithTheExampleConfigMapAndSecretsAsItsOnlyConfiguration() throws Exception {
        WireMockServer coldsend = new WireMockServer(options().dynamicPort());
        coldsend.start();
        try {
            String campaign = UUID.randomUUID().toString();
            String lead = UUID.randomUUID().toString();
            String path = "/api/public/v1/campaigns/" + campaign + "/leads/" + lead;
            coldsend.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"lead_id\":\"" + lead + "\",\"email\":\"x@example.com\"}")));
            String billingKey = "billing-TEST-ONLY-" + UUID.randomUUID();

            Map<String, String> env = new HashMap<>(configMapData());
            // As the Deployment adds them: the Coldsend key (Secret coldsend-proxy) and the consumers' hashes
            // (Secret coldsend-proxy-consumers), here for the example's consumer "billing".
            env.put("COLDSEND_API_KEY", "cs_live_TEST-ONLY-not-a-real-key");
            env.put("PROXY_CONSUMERS_BILLING_KEY_SHA256", sha256(billingKey));
            env.put("COLDSEND_BASE_URL", "http://localhost:" + coldsend.port());
            env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(PackagedProxy.freePort()));

            try (PackagedProxy proxy = PackagedProxy.start(env).awaitStarted(Duration.ofSeconds(60))) {
                HttpResponse<byte[]> billing = send(proxy.uri(path), billingKey);
                assertThat(billing.statusCode()).as(new String(billing.body(), StandardCharsets.UTF_8)).isEqualTo(200);
                assertThat(send(proxy.uri(path), "someone-else").statusCode()).isEqualTo(401);
                assertThat(proxy.output()).doesNotContain(billingKey).doesNotContain("cs_live_TEST-ONLY-not-a-real-key");
            }
        } finally {
            coldsend.stop();
        }
    }

    /** README configuration table: property -> env var, in order. */
    private static Map<String, String> readmeTable() {
        try {
            Map<String, String> rows = new java.util.LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("README.md"))) {
                Matcher row = ROW.matcher(line);
                if (row.matches() && row.group(2).matches("[A-Z0-9_<>]+")) {
                    rows.put(row.group(1), row.group(2));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Map<String, String> configMapData() {
        Map<String, String> data = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = configMapExample.one("ConfigMap").path("data").fields();
        fields.forEachRemaining(field -> data.put(field.getKey(), field.getValue().asText()));
        return data;
    }

    /** An env var name from the README, {@code <NAME>} standing for any consumer name. */
    private static Pattern envPattern(String env) {
        List<String> parts = new ArrayList<>(List.of(env.split("<NAME>", -1)));
        return Pattern.compile(String.join("[A-Z0-9_]+", parts.stream().map(Pattern::quote).toList()));
    }

    private static HttpResponse<byte[]> send(URI uri, String apiKey) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).header("X-API-Key", apiKey).timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
