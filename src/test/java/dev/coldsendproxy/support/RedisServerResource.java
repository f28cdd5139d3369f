package dev.coldsendproxy.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A private Redis for a {@code @QuarkusTest}, with the proxy's Redis tier switched on against it
 * and short, test-friendly probe and command bounds. Inject the server with {@link InjectRedisServer}
 * to kill and restart it.
 */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    private RedisServer server;

    @Override
    public Map<String, String> start() {
        server = RedisServer.start();
        return Map.of(
                "proxy.redis.enabled", "true",
                "quarkus.redis.hosts", server.url(),
                "proxy.redis.timeout", "1s",
                "proxy.redis.probe-interval", "100ms",
                // One replica under test: its own re-report ends the rebuild of a new (or flushed) Redis.
                "proxy.redis.expected-replicas", "1");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectRedisServer.class,
                RedisServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
