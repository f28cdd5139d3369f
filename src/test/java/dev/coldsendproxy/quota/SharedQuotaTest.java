package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cluster.RedisTierConfig;
import dev.coldsendproxy.cluster.RedisTierState;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.InjectRedisServer;
import dev.coldsendproxy.support.ProxyTestBase;
import dev.coldsendproxy.support.RedisServer;
import dev.coldsendproxy.support.RedisServerResource;
import dev.coldsendproxy.upstream.ColdsendConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The key's budget with the Redis tier on (10 a minute): spend recorded by other replicas in Redis
 * counts here, and while Redis is down this replica spends nothing it had not leased.
 */
@QuarkusTest
@TestProfile(SharedQuotaTest.TenAMinute.class)
@WithTestResource(ColdsendStubResource.class)
@WithTestResource(RedisServerResource.class)
class SharedQuotaTest extends ProxyTestBase {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    /** A budget small enough to spend in a test. */
    public static class TenAMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coldsend.quota.per-minute", "10", "coldsend.quota.per-hour", "100");
        }
    }

    @TestHTTPResource("/")
    URI proxy;

    @InjectRedisServer
    RedisServer redis;

    @Inject
    RedisTierState state;

    @Inject
    RedisTierConfig tier;

    @Inject
    ColdsendConfig coldsend;

    /** Looked up lazily: test classes are beans of every test application, most of which have no Redis. */
    @Inject
    Instance<ReactiveRedisDataSource> redisClients;

    @BeforeEach
    void emptySharedWindowsInSharedMode() {
        await().atMost(PATIENCE).until(state::shared);
        redisClient().flushall().await().atMost(PATIENCE);
        upstreamAnswersEveryLead(lead(leadBody(uuid())));
    }

    @Test
    void countsWhatOtherReplicasSpentInTheSharedWindow() {
        spendAsAnotherReplica(6);

        List<HttpResponse<byte[]>> answers = coldLeads(10);

        assertThat(answers.stream().filter(answer -> answer.statusCode() == 200)).hasSize(4);
        assertThat(answers.stream().filter(answer -> answer.statusCode() == 429)).hasSize(6)
                .allSatisfy(refused -> assertThat(refused.headers().firstValue("Retry-After")).isPresent());
        assertThat(upstreamCalls()).isEqualTo(4);
    }

    @Test
    void spendsNothingItHadNotLeasedWhileRedisIsDown() {
        List<HttpResponse<byte[]>> answers;
        try {
            redis.kill();
            answers = coldLeads(10);
        } finally {
            redis.restart();
        }

        // Other replicas may have spent the whole window just before the outage: until a full
        // hour has passed without Redis, only leased units may go out, and none were left.
        assertThat(answers).allSatisfy(refused -> {
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        });
        assertThat(upstreamCalls()).isZero();
        assertThat(state.fallbacks()).isPositive();
    }

    @Test
    void aLeasedUnitStaysCountedForItsLeaseAndTheLongestAnAttemptMayTakeToReachColdsend() {
        long before = redisMillis();
        assertThat(ConcurrentGets.get(proxy.resolve(leadPath(uuid(), uuid()))).statusCode()).isEqualTo(200);
        long after = redisMillis();

        // The test profile's attempt timeout is 10 s: a fixed cover of 2 s would let the unit go 8 s early.
        long cover = tier.leaseTtl().plus(coldsend.http().attemptTimeout()).plusMillis(100).toMillis();
        List<Double> deadlines = redisClient().sortedSet(String.class).zrangeWithScores("csp:{quota}:m", 0, -1)
                .await().atMost(PATIENCE).stream().map(ScoredValue::score).toList();
        assertThat(deadlines).isNotEmpty().allSatisfy(deadline -> assertThat(deadline.longValue())
                .as("scored with its lease's deadline: the lease, then the attempt timeout and the 100 ms grace")
                .isBetween(before + cover, after + cover));
    }

    private long redisMillis() {
        var time = redisClient().execute("TIME").await().atMost(PATIENCE);
        return time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
    }

    /** Records {@code count} sends in the key's shared minute and hour windows, as another replica's script would. */
    private void spendAsAnotherReplica(int count) {
        for (int i = 0; i < count; i++) {
            String member = "other-" + i;
            redisClient().execute("EVAL", """
                    local t = redis.call('TIME')
                    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                    redis.call('ZADD', KEYS[1], now, ARGV[1])
                    redis.call('ZADD', KEYS[2], now, ARGV[1])
                    return 1""", "2", "csp:{quota}:m", "csp:{quota}:h", member).await().atMost(PATIENCE);
        }
    }

    private ReactiveRedisDataSource redisClient() {
        return redisClients.get();
    }

    private List<HttpResponse<byte[]>> coldLeads(int count) {
        List<HttpResponse<byte[]>> answers = new ArrayList<>();
        String campaign = uuid();
        for (int i = 0; i < count; i++) {
            answers.add(ConcurrentGets.get(proxy.resolve(leadPath(campaign, uuid()))));
        }
        return answers;
    }
}
