package dev.coldsendproxy.resilience;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A Coldsend that accepts every request and never answers, counting requests that are open on
 * the wire right now (a reset or closed connection ends one), to measure upstream concurrency.
 */
public class HangingColdsend implements QuarkusTestResourceLifecycleManager {

    static final AtomicInteger OPEN = new AtomicInteger();
    static final AtomicInteger PEAK = new AtomicInteger();
    static final AtomicInteger RECEIVED = new AtomicInteger();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            RECEIVED.incrementAndGet();
            PEAK.accumulateAndGet(OPEN.incrementAndGet(), Math::max);
            AtomicInteger ended = new AtomicInteger();
            Runnable end = () -> {
                if (ended.getAndIncrement() == 0) {
                    OPEN.decrementAndGet();
                }
            };
            request.connection().closeHandler(ignored -> end.run());
            request.exceptionHandler(ignored -> end.run());
            request.response().closeHandler(ignored -> end.run());
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the hanging stub", e);
        }
        return Map.of("coldsend.base-url", "http://127.0.0.1:" + server.actualPort(),
                "coldsend.api-key", "cs_live_TEST-ONLY-not-a-real-key");
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
