package dev.coldsendproxy.quota;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cluster.DisabledRedisTier;
import dev.coldsendproxy.support.Configs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The shared budget with the Redis tier disabled: off, no lease counters, no probe timer to start
 * or stop; only the replicas-away gauge, at 0, which the alert reads on every pod.
 */
class ClusterQuotaTest {

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(1));
    private final QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 100), now::get);

    @Test
    void staysOffAndRegistersOnlyAZeroReplicasAwayWhenTheRedisTierIsDisabled() {
        ClusterQuota cluster = new ClusterQuota(DisabledRedisTier.create(), DisabledRedisTier.config(),
                Configs.quota(10, 100), new InFlight(Duration.ofSeconds(2)), governor, now::get, /* vertx= */ null);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        cluster.start(new StartupEvent(), registry);
        cluster.stop(new ShutdownEvent());

        assertThat(cluster.enabled()).isFalse();
        assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName()).containsExactly("proxy.quota.replicas.away");
        assertThat(registry.get("proxy.quota.replicas.away").gauge().value()).isZero();
    }
}
