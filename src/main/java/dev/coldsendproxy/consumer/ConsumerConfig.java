package dev.coldsendproxy.consumer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Who may call the proxy and how much of the Coldsend budget each caller may spend. */
@ConfigMapping(prefix = "proxy")
public interface ConsumerConfig {

    /** Inbound authentication. */
    Auth auth();

    /**
     * Consumers by name ({@code proxy.consumers.<name>.*}); the name appears in logs and
     * metrics, the key never does.
     */
    Map<String, Entry> consumers();

    /** Inbound authentication settings. */
    interface Auth {

        /** {@code keys} (callers send their own key) or {@code none} (network policy only). Default keys. */
        @WithDefault("keys")
        AuthMode mode();
    }

    /** One consumer. */
    interface Entry {

        /** Lower-case hex SHA-256 of the consumer's key; the key itself is never configured. */
        Optional<String> keySha256();

        /**
         * Fraction (0..1) of each quota window this consumer's misses may spend. Default: an equal
         * split of what the consumers with an explicit share leave over.
         */
        OptionalDouble upstreamShare();

        /**
         * How old past its freshness an answer this consumer takes when no fresh one can be
         * bought (Coldsend failing, the budget spent), like sending {@code Cache-Control:
         * max-stale=N} on every request. Default: {@code proxy.cache.stale-if-error}.
         */
        Optional<Duration> maxStale();

        /**
         * {@code critical}, {@code normal} or {@code background}: orders callers waiting for a budget
         * unit and decides who borrows idle shares first; {@code background} never borrows from a
         * {@code critical} consumer's guarantee. Default normal.
         */
        @WithDefault("normal")
        Priority priority();
    }
}
