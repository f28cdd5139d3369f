package dev.coldsendproxy.upstream;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where Coldsend lives and how the proxy talks to it; the key is held here and nowhere else. */
@ConfigMapping(prefix = "coldsend")
public interface ColdsendConfig {

    /** Base URL of the Coldsend API (scheme, host, optional port and path prefix). Env: COLDSEND_BASE_URL. */
    @WithDefault("https://api.coldsend.pro")
    String baseUrl();

    /** The one Coldsend API key, sent as {@code X-API-Key}. Env: COLDSEND_API_KEY. Required in prod. */
    Optional<String> apiKey();

    /** Connection handling towards Coldsend. */
    Http http();

    /** Transport limits of the upstream connection pool. */
    interface Http {

        /** Time allowed to open a TCP/TLS connection. Default 1s. */
        @WithDefault("1s")
        Duration connectTimeout();

        /**
         * Longest silence tolerated on an open request before it is reset; a second guard beside
         * {@link #attemptTimeout()}, which also cuts an answer that trickles in. Default 2s.
         */
        @WithDefault("2s")
        Duration idleTimeout();

        /**
         * Longest one attempt may take, from asking for a connection to the answer's last byte; past
         * it the request is reset (its connection closed) and the attempt retried. Default 2s.
         */
        @WithDefault("2s")
        Duration attemptTimeout();

        /**
         * Longest one caller's fetch may take: the wait for the bulkhead, every attempt and every
         * backoff together. Past it the caller gets 504 (or a stale copy) and the attempt on the wire
         * is reset. Default 5s.
         */
        @WithDefault("5s")
        Duration deadline();

        /** Pooled connections to Coldsend; more than the bulkhead allows is never used. Default 32. */
        @WithDefault("32")
        int maxConnections();

        /** A 200 body larger than this is refused (502) and reading stops. Default 2 MiB. */
        @WithDefault("2097152")
        int maxBodyBytes();
    }
}
