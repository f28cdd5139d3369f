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

import dev.coldsendproxy.cluster.RedisTierState;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.ProxyTestBase;
import dev.coldsendproxy.support.RedisServerResource;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The pace with the Redis tier on: a replica refuses what its pace does not allow before it leases
 * anything, so no unit is leased in Redis that the pace then keeps from going out.
 */
@QuarkusTest
@TestProfile(PacedSharedQuotaTest.Paced.class)
@WithTestResource(ColdsendStubResource.class)
@WithTestResource(RedisServerResource.class)
class PacedSharedQuotaTest extends ProxyTestBase {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    /** 20 a minute and 100 an hour, paced over 6 minutes. */
    public static class Paced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The short wait for a unit stays on: a replica new to an emptied Redis leases nothing while it
            // settles (about a second), and its first asks wait that out; the pace's refusals (6 minutes) do not wait.
            return Map.of("coldsend.quota.per-minute", "20", "coldsend.quota.per-hour", "100",
                    "proxy.quota.pace-window", "6m");
        }
    }

    @TestHTTPResource("/")
    URI proxy;

    @Inject
    RedisTierState state;

    /** Looked up lazily: test classes are beans of every test application, most of which have no Redis. */
    @Inject
    Instance<ReactiveRedisDataSource> redisClients;

    @BeforeEach
    void emptySharedWindowsInSharedMode() {
        await().atMost(PATIENCE).until(state::shared);
        redisClients.get().flushall().await().atMost(PATIENCE);
        // An emptied Redis grants no lease until the replica re-reported its sends (its next probe).
        await().atMost(PATIENCE).until(() -> redisClients.get().set(String.class).scard("csp:{quota}:imported")
                .await().atMost(PATIENCE) >= 1);
        upstreamAnswersEveryLead(lead(leadBody(uuid())));
    }

    @Test
    void leasesNothingThePaceKeepsFromGoingOut() {
        List<HttpResponse<byte[]>> answers = new ArrayList<>();
        String campaign = uuid();
        for (int i = 0; i < 20; i++) {
            answers.add(ConcurrentGets.get(proxy.resolve(leadPath(campaign, uuid()))));
        }

        // One expected replica: 100 an hour is 10 in 6 minutes, 12 with the units' time in flight and the holdbacks.
        assertThat(answers.stream().filter(answer -> answer.statusCode() == 200)).as("the minute would allow 20")
                .hasSize(12);
        assertThat(answers.stream().filter(answer -> answer.statusCode() == 429)).hasSize(8);
        assertThat(upstreamCalls()).isEqualTo(12);
        assertThat(redisClients.get().sortedSet(String.class).zcard("csp:{quota}:m").await().atMost(PATIENCE))
                .as("units leased in Redis: only those sent").isEqualTo(12);
    }
}
