package dev.coldsendproxy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.cache.PurgeBus;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.InjectRedisServer;
import dev.coldsendproxy.support.ProxyTestBase;
import dev.coldsendproxy.support.RedisServer;
import dev.coldsendproxy.support.RedisServerResource;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * One proxy against a real private Redis: answers are shared through L2, purges from other
 * replicas arrive over pub/sub, and a Redis outage never fails a request. An emptied L1 stands in
 * for "another replica" here; the two-replica proofs are in {@link TwoReplicasIT}.
 */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
@WithTestResource(RedisServerResource.class)
class RedisTierTest extends ProxyTestBase {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI proxy;

    @TestHTTPResource(value = "health", management = true)
    URI health;

    @InjectRedisServer
    RedisServer redis;

    @Inject
    LeadCache cache;

    @Inject
    RedisTierState state;

    @Inject
    PurgeBus purges;

    /** Looked up lazily: test classes are beans of every test application, most of which have no Redis. */
    @Inject
    Instance<ReactiveRedisDataSource> redisClients;

    @BeforeEach
    void sharedModeToStartWith() {
        await().atMost(PATIENCE).until(state::shared);
    }

    @Test
    void servesALeadAnotherReplicaFetchedAsAHitWithItsBytes() {
        String campaign = uuid();
        String leadId = uuid();
        byte[] body = leadBody(leadId);
        upstreamAnswers(campaign, leadId, lead(body));

        HttpResponse<byte[]> miss = get(campaign, leadId);
        cache.invalidate(new LeadKey(campaign, leadId));
        HttpResponse<byte[]> shared = get(campaign, leadId);

        assertThat(miss.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(shared.statusCode()).isEqualTo(200);
        assertThat(shared.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(shared.body()).isEqualTo(body);
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
        List<String> keys = redisClient().key().keys("*").await().atMost(PATIENCE);
        assertThat(keys).contains("csp:lead:" + campaign + ":" + leadId)
                .allSatisfy(key -> assertThat(key).doesNotContain(ColdsendStubResource.PROXY_KEY));
    }

    @Test
    void sharesANotFoundToo() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(404, "Lead not found"));

        get(campaign, leadId);
        cache.invalidate(new LeadKey(campaign, leadId));
        HttpResponse<byte[]> shared = get(campaign, leadId);

        assertThat(shared.statusCode()).isEqualTo(404);
        assertThat(shared.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
    }

    @Test
    void dropsTheLocalCopyWhenAnotherReplicaPublishesAPurge() {
        String campaign = uuid();
        String leadId = uuid();
        LeadKey key = new LeadKey(campaign, leadId);
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        get(campaign, leadId);
        assertThat(cache.peek(key)).isNotNull();

        // Published until received: the replica (re)subscribes asynchronously after entering shared mode.
        await().atMost(PATIENCE).until(() -> {
            redisClient().pubsub(String.class).publish("csp:purge", "lead " + campaign + " " + leadId).await().atMost(PATIENCE);
            return cache.peek(key) == null;
        });
    }

    @Test
    void purgeRemovesTheSharedCopySoTheNextRequestGoesUpstream() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        get(campaign, leadId);

        purges.publish(new PurgeBus.Purge.Campaign(campaign)).await().atMost(PATIENCE);
        HttpResponse<byte[]> after = get(campaign, leadId);

        assertThat(after.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(2);
    }

    @Test
    void keepsServingCopiesLocalOnlyWhileRedisIsDownThenReturnsToSharedMode() {
        String campaign = uuid();
        String leadId = uuid();
        String cold = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        upstreamAnswers(campaign, cold, lead(leadBody(cold)));
        assertThat(get(campaign, leadId).statusCode()).isEqualTo(200);
        try {
            redis.kill();

            HttpResponse<byte[]> hit = get(campaign, leadId);
            HttpResponse<byte[]> refused = get(campaign, cold);

            assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
            // No lease left and cut off for less than an hour: a cold lead waits rather than overspend.
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(upstreamCalls(campaign, cold)).isZero();
            await().atMost(PATIENCE).until(() -> state.mode() == RedisTierState.Mode.LOCAL_ONLY);
            HttpResponse<byte[]> well = ConcurrentGets.get(URI.create(health + "/well"));
            HttpResponse<byte[]> ready = ConcurrentGets.get(URI.create(health + "/ready"));
            assertThat(new String(well.body(), StandardCharsets.UTF_8)).as(health.toString()).contains("LOCAL_ONLY");
            assertThat(ready.statusCode()).as("Redis must not decide readiness").isEqualTo(200);
        } finally {
            redis.restart();
        }

        await().atMost(PATIENCE).until(state::shared);
        String again = uuid();
        upstreamAnswers(campaign, again, lead(leadBody(again)));
        get(campaign, again);
        cache.invalidate(new LeadKey(campaign, again));
        assertThat(get(campaign, again).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(upstreamCalls(campaign, again)).isEqualTo(1);
        LeadKey key = new LeadKey(campaign, again);
        await().atMost(PATIENCE).until(() -> {
            redisClient().pubsub(String.class).publish("csp:purge", "lead " + campaign + " " + again).await().atMost(PATIENCE);
            return cache.peek(key) == null;
        });
    }

    private ReactiveRedisDataSource redisClient() {
        return redisClients.get();
    }

    private HttpResponse<byte[]> get(String campaign, String leadId) {
        return ConcurrentGets.get(proxy.resolve(leadPath(campaign, leadId)));
    }
}
