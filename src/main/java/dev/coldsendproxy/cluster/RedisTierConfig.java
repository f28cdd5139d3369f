package dev.coldsendproxy.cluster;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The optional Redis tier shared by replicas: whether it is on, and how little it may cost a request. */
@ConfigMapping(prefix = "proxy.redis")
public interface RedisTierConfig {

    /**
     * Share cache, single flight, quota and purges between replicas through Redis
     * ({@code quarkus.redis.hosts}). Default false: nothing connects to Redis.
     */
    @WithDefault("false")
    boolean enabled();

    /** Longest wait for any one Redis command before the replica goes local-only. Default 250ms. */
    @WithDefault("250ms")
    Duration timeout();

    /** How often the tier is pinged, to notice an outage and the return of Redis. Default 1s. */
    @WithDefault("1s")
    Duration probeInterval();

    /**
     * Expiry of the cluster-wide fetch lock of one lead: how long other replicas hold back while
     * one replica fetches it, should that replica die mid-fetch. Default 6s (above the 5 s upstream deadline).
     */
    @WithDefault("6s")
    Duration lockTtl();

    /**
     * Longest time a replica waits for another replica's fetch before fetching itself. Default 3s:
     * above a normal Coldsend answer with one retry, below the 5 s upstream deadline.
     */
    @WithDefault("3s")
    Duration lockWait();

    /** Pause between looks at the shared cache while waiting for another replica's fetch. Default 25ms. */
    @WithDefault("25ms")
    Duration lockPoll();

    /**
     * Replicas expected to run at once: while Redis is unreachable each replica spends at most
     * {@code 1/expected-replicas} of the quota windows on its own. Default 2.
     */
    @WithDefault("2")
    int expectedReplicas();

    /**
     * How long a replica may hold units leased from the shared budget before it spends them or
     * gives them back. Each unit counts in the shared windows from its lease until this long after
     * it, plus the window. Default 2s.
     */
    @WithDefault("2s")
    Duration leaseTtl();

    /** Most units one lease may take for one consumer, when concurrent misses queue for units. Default 4. */
    @WithDefault("4")
    int leaseMax();

    /**
     * After Redis lost its data (restarted empty), how long leases wait for the replicas to
     * re-report their sends of the last hour, unless {@code expected-replicas} replicas did so
     * sooner. Default 5s: above one probe interval plus one command timeout.
     */
    @WithDefault("5s")
    Duration rebuildWait();

    /** Prefix of every Redis key and channel the proxy uses, to share one Redis safely. Default {@code csp}. */
    @WithDefault("csp")
    String keyPrefix();
}
