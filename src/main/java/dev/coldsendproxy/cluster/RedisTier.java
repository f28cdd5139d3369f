package dev.coldsendproxy.cluster;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import java.time.Duration;
import java.util.function.Function;

import org.eclipse.microprofile.config.Config;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/**
 * The one door to Redis: every command goes through {@link #call}, which bounds it by
 * {@code proxy.redis.timeout} and turns any error into local-only mode, and a periodic ping
 * notices both outages and recoveries. When the tier is disabled the data source is never
 * looked up, so nothing connects.
 */
@ApplicationScoped
public class RedisTier implements RedisCommands {

    /** Bound of the very first command, which also opens the connection, and of purges. */
    private static final Duration FIRST_CONNECT = Duration.ofSeconds(5);

    private final RedisTierConfig config;
    private final RedisTierState state;
    private final Instance<ReactiveRedisDataSource> dataSources;
    private final Vertx vertx;
    private final Duration timeout;
    private final RedisKeys keys;
    private volatile ReactiveRedisDataSource redis;
    private long probeTimer = -1;

    RedisTier(RedisTierConfig config, RedisTierState state, Instance<ReactiveRedisDataSource> dataSources, Vertx vertx,
            Config settings) {
        this.config = config;
        this.state = state;
        this.dataSources = dataSources;
        this.vertx = vertx;
        this.timeout = config.timeout();
        this.keys = new RedisKeys(config.keyPrefix());
        if (config.enabled()) {
            check("proxy.redis.timeout", config.timeout());
            check("proxy.redis.probe-interval", config.probeInterval());
            check("proxy.redis.lock-ttl", config.lockTtl());
            check("proxy.redis.lock-wait", config.lockWait());
            check("proxy.redis.lock-poll", config.lockPoll());
            check("proxy.redis.lease-ttl", config.leaseTtl());
            check("proxy.redis.rebuild-wait", config.rebuildWait());
            if (config.leaseTtl().compareTo(config.timeout()) <= 0) {
                throw new ConfigurationException("proxy.redis.lease-ttl must be longer than proxy.redis.timeout ("
                        + config.timeout() + ") but was " + config.leaseTtl());
            }
            if (config.leaseMax() < 1) {
                throw new ConfigurationException("proxy.redis.lease-max must be at least 1 but was " + config.leaseMax());
            }
            if (settings.getOptionalValue("quarkus.redis.hosts", String.class).isEmpty()
                    && settings.getOptionalValue("quarkus.redis.hosts-provider-name", String.class).isEmpty()) {
                throw new ConfigurationException(
                        "proxy.redis.enabled=true needs quarkus.redis.hosts (e.g. redis://coldsend-proxy-redis:6379) but none is set");
            }
            if (config.expectedReplicas() < 1) {
                throw new ConfigurationException(
                        "proxy.redis.expected-replicas must be at least 1 but was " + config.expectedReplicas());
            }
        }
    }

    /** Connects (when enabled) and starts the probe that keeps {@link RedisTierState} true. */
    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        redis = dataSources.get();
        state.connecting();
        // The first command also opens the connection: give it longer than a request would get.
        call(ds -> ds.execute("PING"), FIRST_CONNECT.compareTo(timeout) > 0 ? FIRST_CONNECT : timeout)
                .subscribe().with(pong -> state.redisAnswered(), failure -> {
                });
        probeTimer = vertx.setPeriodic(config.probeInterval().toMillis(), id -> probe());
    }

    void stop(@Observes ShutdownEvent event) {
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
        }
    }

    /** Whether the tier is configured on at all. */
    public boolean enabled() {
        return config.enabled();
    }

    /** Whether requests should use Redis right now (enabled and answering). */
    public boolean shared() {
        return state.shared();
    }

    /** The tier's key layout. */
    public RedisKeys keys() {
        return keys;
    }

    /** The tier's configuration. */
    public RedisTierConfig config() {
        return config;
    }

    /**
     * Runs one Redis command, bounded by {@code proxy.redis.timeout}; a failure or timeout puts the
     * replica in local-only mode and reaches the caller as a {@link RedisUnavailableException}.
     */
    @Override
    public <T> Uni<T> call(Function<ReactiveRedisDataSource, Uni<T>> command) {
        return call(command, timeout);
    }

    /** Like {@link #call} for rare operator work (purging many keys) that may take longer than a request may. */
    public <T> Uni<T> callSlow(Function<ReactiveRedisDataSource, Uni<T>> command) {
        return call(command, FIRST_CONNECT.compareTo(timeout) > 0 ? FIRST_CONNECT : timeout);
    }

    private <T> Uni<T> call(Function<ReactiveRedisDataSource, Uni<T>> command, Duration limit) {
        ReactiveRedisDataSource ds = redis;
        if (ds == null) {
            return Uni.createFrom().failure(new RedisUnavailableException("the Redis tier is disabled", null));
        }
        return Uni.createFrom().deferred(() -> command.apply(ds))
                .ifNoItem().after(limit).failWith(() -> new RedisUnavailableException(
                        "no answer from Redis within " + limit.toMillis() + " ms", null))
                .onFailure().transform(failure -> {
                    state.redisFailed(failure);
                    return failure instanceof RedisUnavailableException ? failure
                            : new RedisUnavailableException("Redis command failed", failure);
                });
    }

    private void probe() {
        call(ds -> ds.execute("PING")).subscribe().with(pong -> state.redisAnswered(), failure -> {
        });
    }

    private static void check(String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigurationException(property + " must be positive but was " + value);
        }
    }
}
