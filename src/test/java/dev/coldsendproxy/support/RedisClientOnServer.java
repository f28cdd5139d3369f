package dev.coldsendproxy.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * A private redis-server and a client to it, without Quarkus: for tests that run the lease scripts
 * directly. Registered with {@code @RegisterExtension}, it starts a server on a free port before
 * each test and closes the client, its Vert.x and the server after it.
 */
public final class RedisClientOnServer implements BeforeEachCallback, AfterEachCallback {

    private RedisServer server;
    private Vertx vertx;
    private Redis client;
    private ReactiveRedisDataSource redis;

    @Override
    public void beforeEach(ExtensionContext context) {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, server.url());
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
    }

    /** The data source the scripts run through, for the test now running. */
    public ReactiveRedisDataSource redis() {
        return redis;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        client.close();
        vertx.closeAndAwait();
        server.close();
    }
}
