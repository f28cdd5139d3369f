package dev.coldsendproxy.resilience;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A misbehaving Coldsend that counts the requests open on the wire right now: a request counts from
 * its arrival until its connection closes (or it is reset), however the proxy abandons it. Its peak
 * is the upstream concurrency the proxy really caused, whatever the proxy believes it caused.
 */
public class WireCountingColdsend implements QuarkusTestResourceLifecycleManager {

    /** How the stub (mis)behaves for the next requests. */
    enum Mode {
        /** Accepts the request and never answers. */
        HANG,
        /** Sends 200 headers at once, then the body a byte every 100 ms, never finishing. */
        DRIP,
        /** Answers a lead, but only after {@link #LATE_MILLIS}: always past the attempt timeout. */
        LATE
    }

    static final long LATE_MILLIS = 1_500;
    static final AtomicInteger OPEN = new AtomicInteger();
    static final AtomicInteger PEAK = new AtomicInteger();
    static final AtomicInteger RECEIVED = new AtomicInteger();
    static volatile Mode mode = Mode.HANG;

    private Vertx vertx;

    /** Starts a new measurement: no request counted, the peak back to what is open now. */
    static void startMeasuring(Mode next) {
        mode = next;
        RECEIVED.set(0);
        PEAK.set(OPEN.get());
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(this::misbehave);
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the wire-counting stub", e);
        }
        return Map.of("coldsend.base-url", "http://127.0.0.1:" + server.actualPort(),
                "coldsend.api-key", "cs_live_TEST-ONLY-not-a-real-key");
    }

    private void misbehave(HttpServerRequest request) {
        RECEIVED.incrementAndGet();
        // Netty reports a closed connection in a task queued behind the read that saw it close. When this
        // loop was descheduled, the proxy's close of one request and its next request arrive in the same
        // batch; counting this request in a task too keeps the kernel's order: the close first.
        AtomicInteger state = new AtomicInteger(); // 0 new, 1 counted open, 2 ended
        long[] dripping = { -1 };
        vertx.runOnContext(counted -> {
            if (state.compareAndSet(0, 1)) {
                PEAK.accumulateAndGet(OPEN.incrementAndGet(), Math::max);
            }
        });
        Runnable end = () -> {
            int was = state.getAndSet(2);
            if (was == 1) {
                OPEN.decrementAndGet();
            }
            if (was != 2) {
                vertx.cancelTimer(dripping[0]);
            }
        };
        request.connection().closeHandler(ignored -> end.run());
        request.exceptionHandler(ignored -> end.run());
        request.response().closeHandler(ignored -> end.run());
        request.response().endHandler(ignored -> end.run());
        switch (mode) {
            case HANG -> { }
            case DRIP -> {
                request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .putHeader("Content-Length", "100000").writeHead();
                dripping[0] = vertx.setPeriodic(100, id -> request.response().write("{"));
            }
            case LATE -> vertx.setTimer(LATE_MILLIS, id -> {
                if (state.get() != 2) {
                    request.response().putHeader("Content-Type", "application/json")
                            .end("{\"lead_id\":\"" + request.path().substring(request.path().lastIndexOf('/') + 1) + "\"}");
                }
            });
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
