package dev.coldsendproxy.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;

import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.Metrics;
import dev.coldsendproxy.support.PackagedProxy;
import dev.coldsendproxy.support.RedisServer;

/**
 * Two replicas of the packaged proxy (A and B) share one private Redis and one stub Coldsend, as
 * two pods would: what A fetched B serves, a cold lead costs one upstream request for the whole
 * cluster, the key's budget holds across both, and a Redis outage leaves both serving.
 */
class TwoReplicasIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String KEY = "cs_live_TEST-ONLY-not-a-real-key";
    private static final String ADMIN_TOKEN = "admin-TEST-ONLY-token";

    private RedisServer redis;
    private WireMockServer coldsend;
    private final List<PackagedProxy> replicas = new ArrayList<>();

    @BeforeEach
    void startRedisAndStubColdsend() {
        redis = RedisServer.start();
        coldsend = new WireMockServer(options().dynamicPort().containerThreads(100));
        coldsend.start();
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (PackagedProxy replica : replicas) {
            replica.close();
        }
        coldsend.stop();
        redis.close();
    }

    @Test
    void aLeadFetchedOnOneReplicaIsAHitOnTheOther() throws Exception {
        PackagedProxy a = replica(Map.of());
        PackagedProxy b = replica(Map.of());
        String path = leadPath();
        byte[] body = stubLead(path, 0);

        HttpResponse<byte[]> onA = ConcurrentGets.get(a.uri(path));
        HttpResponse<byte[]> onB = ConcurrentGets.get(b.uri(path));

        assertThat(onA.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(onB.statusCode()).isEqualTo(200);
        assertThat(onB.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(onB.body()).isEqualTo(body);
        assertThat(onB.headers().firstValue("ETag")).isEqualTo(onA.headers().firstValue("ETag"));
        assertThat(upstreamCalls(path)).isEqualTo(1);
    }

    @Test
    void hundredConcurrentColdRequestsOverBothReplicasCostOneUpstreamRequest() throws Exception {
        PackagedProxy a = replica(Map.of());
        PackagedProxy b = replica(Map.of());
        warmUp(a, b);
        String path = leadPath();
        byte[] body = stubLead(path, 500);
        List<URI> requests = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            requests.add((i % 2 == 0 ? a : b).uri(path));
        }

        List<HttpResponse<byte[]>> answers = ConcurrentGets.getAll(requests);

        assertThat(answers).hasSize(100).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(body);
        });
        assertThat(upstreamCalls(path)).as("upstream requests; replica A said:%n%s%nreplica B said:%n%s",
                a.output(), b.output()).isEqualTo(1);
    }

    @Test
    void aSharedQuotaOfTenAMinuteHoldsAcrossBothReplicas() throws Exception {
        Map<String, String> tenAMinute = Map.of("COLDSEND_QUOTA_PER_MINUTE", "10");
        PackagedProxy a = replica(tenAMinute);
        PackagedProxy b = replica(tenAMinute);
        coldsend.stubFor(get(urlPathMatching("/api/public/v1/campaigns/[^/]+/leads/[^/]+"))
                .willReturn(aResponse().withStatus(200).withBody("{\"lead_id\":\"x\"}")));

        List<HttpResponse<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(ConcurrentGets.get((i % 2 == 0 ? a : b).uri(leadPath())));
        }

        // Every unit of the minute was leased, and none more. A cold JVM's first call starts a few
        // hundred ms after its unit, within the unit's lease (QuotaGatesTest): it pays no second one.
        // On a starved machine a first call may start after its lease's end and pay again: one per replica.
        long served = answers.stream().filter(answer -> answer.statusCode() == 200).count();
        long sent = coldsend.countRequestsMatching(RequestPatternBuilder.allRequests().build()).getCount();
        assertThat(unitsKept(a) + unitsKept(b)).isEqualTo(10);
        assertThat(served).isEqualTo(sent).isBetween(8L, 10L);
        assertThat(answers.stream().filter(answer -> answer.statusCode() == 429)).hasSize(30 - (int) served)
                .allSatisfy(refused -> assertThat(refused.headers().firstValue("Retry-After")).isPresent());
    }

    /**
     * A replica stopped with SIGTERM says goodbye: nothing is held back for it. A replica killed
     * may instead be cut off and spending on its own: the one left holds its share back, until a
     * successor talks to Redis and the replicas expected are there again.
     */
    @Test
    void aKilledReplicaIsHeldBackUntilItsSuccessorTalksAndAStoppedOneIsNot() throws Exception {
        PackagedProxy a = replica(Map.of());
        PackagedProxy b = replica(Map.of());
        await().atMost(PATIENCE).until(() -> recordsOfContact() == 2);

        b.close();
        await().atMost(PATIENCE).until(() -> recordsOfContact() == 1);
        PackagedProxy c = replica(Map.of());
        await().atMost(PATIENCE).until(() -> recordsOfContact() == 2);
        double awayBeforeTheKill = replicasAway(a);
        c.kill();
        await().atMost(PATIENCE).until(() -> replicasAway(a) == 1);
        replica(Map.of());
        await().atMost(PATIENCE).until(() -> replicasAway(a) == 0);

        assertThat(awayBeforeTheKill).isZero();
        assertThat(recordsOfContact()).as("the killed replica's record stays, for a day").isEqualTo(3);
    }

    private static double replicasAway(PackagedProxy replica) {
        return Metrics.scrape(replica.managementUri("/q/metrics")).value("proxy_quota_replicas_away");
    }

    /** The {@code heard:} records in the shared budget's epoch hash: one per replica Redis heard from. */
    private long recordsOfContact() throws Exception {
        Process cli = new ProcessBuilder("redis-cli", "-p", String.valueOf(redis.port()), "--raw", "HKEYS",
                new RedisKeys("csp").quotaEpoch()).redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        cli.waitFor();
        return out.lines().filter(line -> line.startsWith("heard:")).count();
    }

    /** Units the replica leased and did not give back. */
    private static double unitsKept(PackagedProxy replica) {
        Metrics metrics = Metrics.scrape(replica.managementUri("/q/metrics"));
        return metrics.value("proxy_quota_lease_units_total", "state=\"leased\"")
                - metrics.value("proxy_quota_lease_units_total", "state=\"given_back\"");
    }

    @Test
    void anAdminPurgeOnOneReplicaDropsTheLeadOnEveryReplica() throws Exception {
        PackagedProxy a = replica(Map.of());
        PackagedProxy b = replica(Map.of());
        String path = leadPath();
        stubLead(path, 0);
        ConcurrentGets.get(a.uri(path));
        assertThat(ConcurrentGets.get(b.uri(path)).headers().firstValue("X-Cache")).hasValue("HIT");

        HttpResponse<String> purge = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                a.managementUri("/admin/cache" + path.substring("/api/public/v1".length())))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(purge.statusCode()).as(purge.body()).isEqualTo(200);

        // B's local copy goes when the pub/sub message arrives; the shared copy went with the purge.
        await().atMost(PATIENCE).until(() -> ConcurrentGets.get(b.uri(path)).headers().firstValue("X-Cache")
                .orElse("").equals("MISS"));
        assertThat(upstreamCalls(path)).isEqualTo(2);
    }

    @Test
    void bothReplicasKeepServingCopiesWhileRedisIsDownAndShareAgainWhenItIsBack() throws Exception {
        PackagedProxy a = replica(Map.of());
        PackagedProxy b = replica(Map.of());
        warmUp(a, b);
        String cached = leadPath();
        byte[] body = stubLead(cached, 0);
        ConcurrentGets.get(a.uri(cached));
        ConcurrentGets.get(b.uri(cached));

        redis.kill();
        String duringOutage = leadPath();
        stubLead(duringOutage, 0);
        await().atMost(PATIENCE).until(() -> a.output().contains("local-only") && b.output().contains("local-only"));
        HttpResponse<byte[]> copyOnA = ConcurrentGets.get(a.uri(cached));
        HttpResponse<byte[]> copyOnB = ConcurrentGets.get(b.uri(cached));
        HttpResponse<byte[]> coldOnA = ConcurrentGets.get(a.uri(duringOutage));
        assertThat(copyOnA.statusCode()).as("A said:%n%s", a.output()).isEqualTo(200);
        assertThat(copyOnB.body()).as("B said:%n%s", b.output()).isEqualTo(body);
        // Without Redis a replica spends only what it had leased: a cold lead waits rather than overspend.
        assertThat(coldOnA.statusCode()).isEqualTo(429);
        assertThat(coldOnA.headers().firstValue("Retry-After")).isPresent();
        assertThat(upstreamCalls(duringOutage)).isZero();

        redis.restart();
        await().atMost(PATIENCE).until(() -> {
            String path = leadPath();
            stubLead(path, 0);
            ConcurrentGets.get(a.uri(path));
            HttpResponse<byte[]> shared = ConcurrentGets.get(b.uri(path));
            return shared.headers().firstValue("X-Cache").orElse("").equals("HIT") && upstreamCalls(path) == 1;
        });
        assertThat(a.output()).doesNotContain(KEY);
        assertThat(b.output()).doesNotContain(KEY);
    }

    private PackagedProxy replica(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "COLDSEND_BASE_URL", "http://localhost:" + coldsend.port(),
                "COLDSEND_API_KEY", KEY,
                "PROXY_AUTH_MODE", "none",
                "PROXY_REDIS_ENABLED", "true",
                "QUARKUS_REDIS_HOSTS", redis.url(),
                "PROXY_REDIS_TIMEOUT", "1s",
                "PROXY_REDIS_PROBE_INTERVAL", "200ms",
                "PROXY_ADMIN_TOKEN_SHA256", sha256(ADMIN_TOKEN)));
        env.putAll(extra);
        PackagedProxy replica = PackagedProxy.start(env);
        replicas.add(replica);
        replica.awaitStarted(PATIENCE);
        await().atMost(PATIENCE).until(() -> replica.output().contains("shared mode"));
        return replica;
    }

    /** One unrelated lead through each replica, so the cold lead below meets warm JVMs and open connections. */
    private void warmUp(PackagedProxy... targets) {
        for (PackagedProxy target : targets) {
            String path = leadPath();
            stubLead(path, 0);
            assertThat(ConcurrentGets.get(target.uri(path)).statusCode()).isEqualTo(200);
        }
    }

    private byte[] stubLead(String path, int delayMillis) {
        byte[] body = ("{\"lead_id\":\"" + path.substring(path.lastIndexOf('/') + 1) + "\",\"email\":\"x@example.com\"}")
                .getBytes(StandardCharsets.UTF_8);
        coldsend.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody(body)
                .withFixedDelay(delayMillis)));
        return body;
    }

    private int upstreamCalls(String path) {
        return coldsend.countRequestsMatching(getRequestedFor(urlPathEqualTo(path)).build()).getCount();
    }

    private static String sha256(String text) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String leadPath() {
        return "/api/public/v1/campaigns/" + UUID.randomUUID() + "/leads/" + UUID.randomUUID();
    }
}
