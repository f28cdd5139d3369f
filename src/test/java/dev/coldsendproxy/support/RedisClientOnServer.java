package dev.coldsendproxy.support;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * A private redis-server and a client to it, without Quarkus: for tests that run the lease scripts
 * directly. Closing it closes the client, its Vert.x and the server.
 */
public final class RedisClientOnServer implements AutoCloseable {

    private final RedisServer server;
    private final Vertx vertx;
    private final Redis client;
    private final ReactiveRedisDataSource redis;

    private RedisClientOnServer() {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, server.url());
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
    }

    /** Starts a redis-server on a free port and connects to it. */
    public static RedisClientOnServer start() {
        return new RedisClientOnServer();
    }

    /** The data source the scripts run through. */
    public ReactiveRedisDataSource redis() {
        return redis;
    }

    @Override
    public void close() {
        client.close();
        vertx.closeAndAwait();
        server.close();
    }
}
