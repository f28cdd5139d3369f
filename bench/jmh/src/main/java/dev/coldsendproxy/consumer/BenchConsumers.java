package dev.coldsendproxy.consumer;

import java.util.Map;

import io.quarkus.runtime.LaunchMode;

/** Builds a {@link ConsumerRegistry} with {@code proxy.auth.mode=none} for the JMH benchmarks. */
public final class BenchConsumers {

    private BenchConsumers() {
    }

    /** No caller keys: every request is the anonymous consumer, as in the wrk benchmark. */
    public static ConsumerRegistry anonymous() {
        return new ConsumerRegistry(new ConsumerConfig() {
            @Override
            public Auth auth() {
                return () -> AuthMode.NONE;
            }

            @Override
            public Map<String, Entry> consumers() {
                return Map.of();
            }
        }, LaunchMode.NORMAL);
    }
}
