package dev.coldsendproxy.cluster;

import java.time.Duration;

/**
 * A Redis tier switched off, built without Quarkus, for unit tests of classes that need one only
 * to exist (a stub {@code ClusterQuota} in the quota package): it never connects.
 */
public final class DisabledRedisTier {

    private DisabledRedisTier() {
    }

    /** The tier with {@link #config()}: disabled, no data source, no Vert.x. */
    public static RedisTier create() {
        return new RedisTier(config(), /* state= */ null, /* dataSources= */ null, /* vertx= */ null,
                /* settings= */ null);
    }

    /** The tier's defaults, with the tier disabled. */
    public static RedisTierConfig config() {
        return new RedisTierConfig() {
            @Override
            public boolean enabled() {
                return false;
            }

            @Override
            public Duration timeout() {
                return Duration.ofMillis(250);
            }

            @Override
            public Duration probeInterval() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration lockTtl() {
                return Duration.ofSeconds(6);
            }

            @Override
            public Duration lockWait() {
                return Duration.ofSeconds(3);
            }

            @Override
            public Duration lockPoll() {
                return Duration.ofMillis(25);
            }

            @Override
            public int expectedReplicas() {
                return 2;
            }

            @Override
            public Duration leaseTtl() {
                return Duration.ofSeconds(2);
            }

            @Override
            public int leaseMax() {
                return 4;
            }

            @Override
            public Duration rebuildWait() {
                return Duration.ofSeconds(5);
            }

            @Override
            public String keyPrefix() {
                return "csp";
            }
        };
    }
}
