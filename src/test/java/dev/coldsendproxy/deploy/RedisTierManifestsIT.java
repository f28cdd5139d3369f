package dev.coldsendproxy.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.coldsendproxy.deploy.Manifests.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.PackagedProxy;

/**
 * The Redis tier as operators deploy it: the generated manifests plus deploy/redis-tier/, as
 * {@code kubectl apply -f target/kubernetes/kubernetes.yml -f deploy/redis-tier/} creates them. Every
 * promise of {@link KubernetesManifestIT} (inherited: probes on 9000, the key from a Secret, non-root,
 * read-only root, resources, PDB, NetworkPolicy) still holds for the proxy; the Redis beside it is
 * checked here, and a real redis-server started with the manifest's own arguments serves the packaged
 * proxy configured by the tier's ConfigMap.
 */
class RedisTierManifestsIT extends KubernetesManifestIT {

    private static final String REDIS = "coldsend-proxy-redis";
    /** The only lines the tier's ConfigMap may change in the example: the tier and the key's whole limits. */
    private static final Set<String> TIER_KEYS = Set.of("PROXY_REDIS_ENABLED", "COLDSEND_QUOTA_PER_MINUTE",
            "COLDSEND_QUOTA_PER_HOUR", "PROXY_REDIS_EXPECTED_REPLICAS", "QUARKUS_REDIS_HOSTS");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Z0-9_]+)\\)");

    private final Manifests rendered = Manifests.withRedisTier();

    @Override
    Manifests manifests() {
        return Manifests.withRedisTier();
    }

    @Test
    void redisKeepsNothingOnDiskBoundsItsMemoryAndTakesItsPasswordFromASecret() {
        Map<String, String> flags = redisFlags();

        assertThat(flags).containsEntry("--save", "").containsEntry("--appendonly", "no")
                .containsEntry("--maxmemory-policy", "volatile-lru");
        long maxmemory = bytes(flags.get("--maxmemory"));
        long limit = bytes(redisContainer().at("/resources/limits/memory").asText());
        assertThat(maxmemory).as("maxmemory leaves Redis room under its memory limit").isPositive().isLessThan(limit);

        Matcher password = ENV_REFERENCE.matcher(flags.get("--requirepass"));
        assertThat(password.matches()).as("--requirepass names an environment variable, never a literal").isTrue();
        JsonNode secret = env(redisContainer(), password.group(1)).at("/valueFrom/secretKeyRef");
        assertThat(secret.path("name").asText()).isEqualTo(REDIS);
        assertThat(secret.path("key").asText()).isEqualTo("password");
        assertThat(secret.path("optional").asBoolean(false)).as("Redis never starts without its password").isFalse();
    }

    @Test
    void redisRunsNonRootOnAReadOnlyRootWithBoundedResources() {
        JsonNode pod = redisDeployment().at("/spec/template/spec");
        JsonNode container = redisContainer();

        assertThat(redisDeployment().at("/spec/replicas").asInt()).isEqualTo(1);
        Manifests.assertLockedDown(pod, container);
        for (String bound : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertThat(container.at("/resources/" + bound + "/" + resource).asText()).as(bound + "." + resource).isNotBlank();
            }
        }
        assertThat(container.at("/resources/requests/memory").asText())
                .as("memory request = limit: the node never evicts Redis first")
                .isEqualTo(container.at("/resources/limits/memory").asText());
    }

    @Test
    void onlyTheProxysPodsReachRedis() {
        JsonNode policy = rendered.named("NetworkPolicy", REDIS);
        Map<String, String> redisPods = labels(redisDeployment().at("/spec/template/metadata/labels"));
        Map<String, String> proxyPods = labels(rendered.proxy("Deployment").at("/spec/template/metadata/labels"));

        assertThat(redisPods).containsAllEntriesOf(labels(policy.at("/spec/podSelector/matchLabels")));
        assertThat(list(policy.at("/spec/policyTypes"))).extracting(JsonNode::asText).contains("Ingress");
        List<JsonNode> rules = list(policy.at("/spec/ingress"));
        assertThat(rules).hasSize(1);
        assertThat(list(rules.get(0).path("ports"))).extracting(p -> p.path("port").asInt()).containsExactly(redisPort());
        List<JsonNode> peers = list(rules.get(0).path("from"));
        assertThat(peers).isNotEmpty().allSatisfy(peer -> {
            // No namespaceSelector (this namespace only), no ipBlock, and a selector that only the proxy's pods match.
            assertThat(peer.fieldNames()).toIterable().containsExactly("podSelector");
            Map<String, String> selector = labels(peer.at("/podSelector/matchLabels"));
            assertThat(selector).isNotEmpty();
            assertThat(proxyPods).containsAllEntriesOf(selector);
            assertThat(selects(selector, redisPods)).as("Redis's own pods are no peer").isFalse();
        });
        // Nor may the proxy's Service, budget or policy pick up Redis's pods.
        for (JsonNode selector : List.of(rendered.proxy("Service").at("/spec/selector"),
                rendered.proxy("PodDisruptionBudget").at("/spec/selector/matchLabels"),
                rendered.proxy("NetworkPolicy").at("/spec/podSelector/matchLabels"),
                rendered.proxy("Deployment").at("/spec/selector/matchLabels"))) {
            assertThat(selects(labels(selector), redisPods)).as("a proxy selector %s picks Redis's pods", selector).isFalse();
        }
    }

    @Test
    void proxyFindsRedisThroughItsServiceWithThePasswordRedisRequires() {
        JsonNode service = rendered.named("Service", REDIS);
        Map<String, String> config = tierConfig();

        assertThat(labels(redisDeployment().at("/spec/template/metadata/labels")))
                .containsAllEntriesOf(labels(service.at("/spec/selector")));
        JsonNode port = list(service.at("/spec/ports")).get(0);
        assertThat(port.path("targetPort").asText()).isIn(String.valueOf(redisPort()), "redis");
        assertThat(config.get("QUARKUS_REDIS_HOSTS")).isEqualTo("redis://" + REDIS + ":" + port.path("port").asInt());

        JsonNode proxySecret = env(rendered.container(), "QUARKUS_REDIS_PASSWORD").at("/valueFrom/secretKeyRef");
        Matcher redisPassword = ENV_REFERENCE.matcher(redisFlags().get("--requirepass"));
        assertThat(redisPassword.matches()).isTrue();
        JsonNode redisSecret = env(redisContainer(), redisPassword.group(1)).at("/valueFrom/secretKeyRef");
        assertThat(proxySecret.path("name").asText()).isEqualTo(redisSecret.path("name").asText());
        assertThat(proxySecret.path("key").asText()).isEqualTo(redisSecret.path("key").asText());
        assertThat(proxySecret.path("optional").asBoolean())
                .as("without the tier that Secret does not exist, and the proxy must start all the same").isTrue();
    }

    @Test
    void proxyIsSwitchedToTheTierWithTheKeysWholeLimits() {
        Map<String, String> tier = tierConfig();
        Map<String, String> example = configMap(Manifests.read(Manifests.CONFIGMAP_EXAMPLE));
        int replicas = rendered.proxy("Deployment").at("/spec/replicas").asInt();

        assertThat(list(rendered.container().path("envFrom"))).extracting(e -> e.at("/configMapRef/name").asText())
                .contains(rendered.one("ConfigMap").at("/metadata/name").asText());
        assertThat(tier).containsEntry("PROXY_REDIS_ENABLED", "true")
                .containsEntry("COLDSEND_QUOTA_PER_MINUTE", "100")
                .containsEntry("COLDSEND_QUOTA_PER_HOUR", "1000")
                .containsEntry("PROXY_REDIS_EXPECTED_REPLICAS", String.valueOf(replicas));
        // The same settings as the example otherwise, so the two cannot drift apart.
        assertThat(tier.keySet()).isEqualTo(example.keySet());
        example.forEach((key, value) -> {
            if (!TIER_KEYS.contains(key)) {
                assertThat(tier.get(key)).as("%s differs from deploy/configmap-example.yaml", key).isEqualTo(value);
            }
        });
    }

    @Test
    void packagedProxySharesThroughARedisStartedWithTheManifestsArguments() throws Exception {
        String password = "TEST-ONLY-" + UUID.randomUUID();
        Path dir = Files.createTempDirectory("redis-tier-");
        int port = PackagedProxy.freePort();
        List<String> command = new ArrayList<>(List.of("redis-server"));
        // The container's own arguments, with the Secret's value where Kubernetes expands $(REDIS_PASSWORD)
        // and this machine's folder and port in place of the pod's.
        for (JsonNode arg : list(redisContainer().path("args"))) {
            command.add(ENV_REFERENCE.matcher(arg.asText()).replaceAll(password).replace("/data", dir.toString()));
        }
        command.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1"));
        Process redis = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        WireMockServer coldsend = new WireMockServer(options().dynamicPort());
        coldsend.start();
        try (Resp anonymous = Resp.connect(port, Duration.ofSeconds(20))) {
            assertThat(anonymous.call("PING")).startsWith("-NOAUTH");
            try (Resp redisCli = Resp.connect(port, Duration.ofSeconds(5))) {
                assertThat(redisCli.call("AUTH", password)).isEqualTo("+OK");
                assertThat(redisCli.call("CONFIG", "GET", "maxmemory-policy")).isEqualTo("maxmemory-policy volatile-lru");
                assertThat(redisCli.call("CONFIG", "GET", "appendonly")).isEqualTo("appendonly no");
                assertThat(redisCli.call("CONFIG", "GET", "save")).isEqualTo("save ");
                assertThat(redisCli.call("CONFIG", "GET", "maxmemory"))
                        .isEqualTo("maxmemory " + bytes(redisFlags().get("--maxmemory")));

                String campaign = UUID.randomUUID().toString();
                String lead = UUID.randomUUID().toString();
                String path = "/api/public/v1/campaigns/" + campaign + "/leads/" + lead;
                coldsend.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"lead_id\":\"" + lead + "\"}")));
                String billingKey = "billing-TEST-ONLY-" + UUID.randomUUID();

                // The proxy as the tier's pods get it: the tier's ConfigMap whole, the Secrets' values, and this
                // machine's addresses in place of the Services'.
                Map<String, String> env = new HashMap<>(tierConfig());
                env.put("QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:" + port);
                env.put("QUARKUS_REDIS_PASSWORD", password);
                env.put("COLDSEND_API_KEY", "cs_live_TEST-ONLY-not-a-real-key");
                env.put("PROXY_CONSUMERS_BILLING_KEY_SHA256", sha256(billingKey));
                env.put("COLDSEND_BASE_URL", "http://localhost:" + coldsend.port());
                env.remove("QUARKUS_MANAGEMENT_PORT"); // PackagedProxy's own free port, not the pod's 9000
                // One replica here: an empty Redis grants leases once this many replicas re-reported their sends.
                env.put("PROXY_REDIS_EXPECTED_REPLICAS", "1");
                try (PackagedProxy proxy = PackagedProxy.start(env).awaitStarted(Duration.ofSeconds(60))) {
                    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                            redisTierMode(proxy)).isEqualTo("SHARED"));
                    HttpResponse<byte[]> miss = ConcurrentGets.await(ConcurrentGets.send(proxy.uri(path), "X-API-Key", billingKey));

                    assertThat(miss.statusCode()).as(proxy.output()).isEqualTo(200);
                    assertThat(miss.headers().firstValue("X-Cache")).hasValue("MISS");
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                            redisCli.call("EXISTS", "csp:lead:" + campaign + ":" + lead)).isEqualTo(":1"));
                    coldsend.verify(1, getRequestedFor(urlPathEqualTo(path)));
                    assertThat(proxy.output()).doesNotContain(password);
                }
            }
        } finally {
            coldsend.stop();
            redis.destroyForcibly();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Whether a label selector (matchLabels) picks pods with these labels. */
    private static boolean selects(Map<String, String> selector, Map<String, String> podLabels) {
        return podLabels.entrySet().containsAll(selector.entrySet());
    }

    private JsonNode redisDeployment() {
        return rendered.named("Deployment", REDIS);
    }

    private JsonNode redisContainer() {
        return list(redisDeployment().at("/spec/template/spec/containers")).get(0);
    }

    private int redisPort() {
        return list(redisContainer().path("ports")).get(0).path("containerPort").asInt();
    }

    /** The container's arguments as flag -> value (every flag of redis-server's command line takes one). */
    private Map<String, String> redisFlags() {
        assertThat(list(redisContainer().path("command"))).extracting(JsonNode::asText).containsExactly("redis-server");
        List<String> args = list(redisContainer().path("args")).stream().map(JsonNode::asText).toList();
        assertThat(args.size() % 2).as("flag/value pairs: %s", args).isZero();
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            assertThat(args.get(i)).startsWith("--");
            flags.put(args.get(i), args.get(i + 1));
        }
        return flags;
    }

    private Map<String, String> tierConfig() {
        return configMap(rendered);
    }

    private static Map<String, String> configMap(Manifests manifests) {
        return new ObjectMapper().convertValue(manifests.one("ConfigMap").path("data"),
                new TypeReference<Map<String, String>>() {
                });
    }

    private static JsonNode env(JsonNode container, String name) {
        return list(container.path("env")).stream().filter(e -> name.equals(e.path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in container " + container.path("name").asText()));
    }

    private static Map<String, String> labels(JsonNode node) {
        return new ObjectMapper().convertValue(node, new TypeReference<Map<String, String>>() {
        });
    }

    /** Redis memory sizes as bytes (its mb and gb are powers of two) and Kubernetes quantities (128Mi, 1Gi). */
    private static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)(mb|gb|Mi|Gi)").matcher(size);
        assertThat(m.matches()).as("size %s", size).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "mb", "Mi" -> n << 20;
            default -> n << 30;
        };
    }

    private static String redisTierMode(PackagedProxy proxy) throws IOException {
        JsonNode health = new ObjectMapper().readTree(ConcurrentGets.get(proxy.managementUri("/q/health/well")).body());
        return list(health.path("checks")).stream().filter(c -> "redis-tier".equals(c.path("name").asText()))
                .map(c -> c.at("/data/mode").asText()).findFirst().orElse("(no redis-tier check)");
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
