package dev.coldsendproxy.cluster;

import java.util.function.Function;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The door every Redis command of the proxy goes through: bounded in time, and failing with
 * {@link RedisUnavailableException} when Redis does not answer. {@link RedisTier} is the one
 * implementation in the service; a simulation can put faults of its own in front of a real Redis.
 */
public interface RedisCommands {

    /** Runs {@code command} against Redis; fails with {@link RedisUnavailableException} on any error or timeout. */
    <T> Uni<T> call(Function<ReactiveRedisDataSource, Uni<T>> command);
}
