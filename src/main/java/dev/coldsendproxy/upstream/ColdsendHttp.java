package dev.coldsendproxy.upstream;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One HTTP attempt against Coldsend on the Vert.x client, never blocking a thread.
 *
 * <p>The Vert.x client is used rather than the REST Client because the body must be read as a
 * stream: an oversized answer is cut off at {@code coldsend.http.max-body-bytes} (the REST Client
 * buffers the whole entity first), and an attempt whose time is up is reset, its connection closed
 * before the failure is reported, so a retry or the next caller in the bulkhead never overlaps it on
 * the wire. Package-private: {@link ColdsendClient} is the only door to Coldsend.
 */
@ApplicationScoped
class ColdsendHttp {

    private final Vertx vertx;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String pathPrefix;
    private final String apiKey;
    private final long idleTimeoutMillis;
    private final int maxBodyBytes;
    private final Counter cutByAttemptTimeout;
    private final Counter cutByDeadline;
    private final Counter rateLimited;

    ColdsendHttp(Vertx vertx, ColdsendConfig config, MeterRegistry registry) {
        this.vertx = vertx;
        this.cutByAttemptTimeout = cutCounter(registry, "attempt_timeout");
        this.cutByDeadline = cutCounter(registry, "deadline");
        // The quota keeps the proxy under the key's limits, so a 429 means another system spends the key or the
        // configured limits are above Coldsend's: an alert fires on any (README "Alerts").
        this.rateLimited = Counter.builder("proxy.upstream.rate.limited")
                .description("Coldsend answers 429 to the proxy's attempts (spare-budget refreshes included)")
                .register(registry);
        URI base = parseBaseUrl(config.baseUrl());
        this.ssl = "https".equalsIgnoreCase(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : (ssl ? 443 : 80);
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.apiKey = config.apiKey().orElse("");
        this.idleTimeoutMillis = config.http().idleTimeout().toMillis();
        this.maxBodyBytes = config.http().maxBodyBytes();
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(ssl)
                .setVerifyHost(true)
                .setKeepAlive(true)
                .setConnectTimeout((int) config.http().connectTimeout().toMillis())
                .setIdleTimeout(0)
                .setDecompressionSupported(false);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(config.http().maxConnections()));
    }

    private static Counter cutCounter(MeterRegistry registry, String reason) {
        return Counter.builder("proxy.upstream.attempts.cut")
                .description("Coldsend requests reset on the wire because their time was up")
                .tag("reason", reason)
                .register(registry);
    }

    /**
     * GETs {@code path} (below the base URL) and reads the answer with the body size bounded. When
     * {@code limit} passes first (a hang, or headers and then a body a byte at a time), the request
     * is reset and its connection closed, and only then does the attempt fail with {@code whenCut}.
     */
    Uni<UpstreamAnswer> get(String path, String requestId, Duration limit, Supplier<? extends Throwable> whenCut) {
        return Uni.createFrom().emitter(emitter -> {
            Outcome outcome = new Outcome(emitter);
            outcome.timer = vertx.setTimer(Math.max(1, limit.toMillis()), id -> outcome.cut(whenCut.get()));
            emitter.onTermination(outcome::abandon);
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost(host)
                    .setPort(port)
                    .setSsl(ssl)
                    .setURI(pathPrefix + path)
                    .setIdleTimeout(idleTimeoutMillis)
                    .putHeader("X-API-Key", apiKey)
                    .putHeader("Accept", "application/json")
                    .putHeader("User-Agent", "coldsend-proxy");
            if (requestId != null) {
                options.putHeader("X-Request-Id", requestId);
            }
            client.request(options).onComplete(opened -> {
                if (opened.failed()) {
                    outcome.fail(new UpstreamUnavailableException("could not connect to Coldsend", opened.cause()));
                    return;
                }
                HttpClientRequest request = opened.result();
                outcome.inFlight.set(request);
                if (outcome.settled.get()) {
                    // Timed out or cancelled while waiting for a connection: never send it.
                    closeAbruptly(outcome.inFlight.getAndSet(null));
                    return;
                }
                request.send().onComplete(sent -> {
                    if (sent.failed()) {
                        outcome.fail(new UpstreamUnavailableException("Coldsend connection failed", sent.cause()));
                    } else {
                        readBounded(sent.result(), outcome);
                    }
                });
            });
        });
    }

    /**
     * The one outcome of an attempt: the first of answer, failure and cut wins, so the errors that the
     * cut's own reset raises on the request are not reported instead of the timeout.
     */
    private final class Outcome {

        final UniEmitter<? super UpstreamAnswer> emitter;
        final AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
        final AtomicBoolean settled = new AtomicBoolean();
        volatile long timer = -1;
        /**
         * A 429's status and headers, once they came: whatever then befalls its body (too large,
         * broken, cut by a timeout), the attempt ends as that 429, so its hold is kept.
         */
        volatile UpstreamAnswer rateLimitedHead;

        Outcome(UniEmitter<? super UpstreamAnswer> emitter) {
            this.emitter = emitter;
        }

        void complete(UpstreamAnswer answer) {
            if (settled.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                inFlight.set(null);
                emitter.complete(answer);
            }
        }

        void fail(Throwable failure) {
            if (rateLimitedHead != null) {
                cut(failure);
            } else if (settled.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                emitter.fail(failure);
            }
        }

        /** Time is up: the request goes off the wire first, then the attempt fails (or ends as its 429). */
        void cut(Throwable failure) {
            if (settled.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                UpstreamAnswer head = rateLimitedHead;
                if (head == null) {
                    (failure instanceof DeadlineExceededException ? cutByDeadline : cutByAttemptTimeout).increment();
                }
                closeAbruptly(inFlight.getAndSet(null)).onComplete(closed -> {
                    if (head != null) {
                        emitter.complete(head);
                    } else {
                        emitter.fail(failure);
                    }
                });
            }
        }

        /** After any outcome, or when the subscriber cancels: nothing of this attempt stays on the wire. */
        void abandon() {
            if (settled.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
            }
            closeAbruptly(inFlight.getAndSet(null));
        }
    }

    private void readBounded(HttpClientResponse response, Outcome outcome) {
        if (response.statusCode() == 429) {
            rateLimited.increment();
            outcome.rateLimitedHead = new UpstreamAnswer(429, new byte[0], RateLimitHeaders.from(response.headers()));
        }
        Long declared = RateLimitHeaders.number(response.getHeader("Content-Length"));
        if (declared != null && declared > maxBodyBytes) {
            outcome.fail(tooLarge());
            return;
        }
        Buffer body = Buffer.buffer(declared == null ? 4096 : declared.intValue());
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodyBytes) {
                outcome.fail(tooLarge());
            } else {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(failure -> outcome.fail(
                new UpstreamUnavailableException("Coldsend connection broke while sending its answer", failure)));
        response.endHandler(ignored -> {
            outcome.complete(new UpstreamAnswer(response.statusCode(), body.getBytes(),
                    RateLimitHeaders.from(response.headers())));
        });
    }

    /**
     * Resets a request that is still on the wire and closes its connection; HTTP/1.1 cannot abandon a
     * request otherwise. Completes once the connection is closed (at once when there is none).
     */
    private static Future<Void> closeAbruptly(HttpClientRequest request) {
        if (request == null) {
            return Future.succeededFuture();
        }
        request.reset();
        return request.connection().close();
    }

    private UpstreamBadAnswerException tooLarge() {
        return new UpstreamBadAnswerException("Coldsend's answer is larger than coldsend.http.max-body-bytes ("
                + maxBodyBytes + " bytes)");
    }

    @PreDestroy
    void close() {
        client.close();
    }

    private static URI parseBaseUrl(String value) {
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("coldsend.base-url is not a URL: '" + value + "'");
        }
        String scheme = uri.getScheme();
        if (uri.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new ConfigurationException(
                    "coldsend.base-url must be an http(s) URL with a host, but was '" + value + "'");
        }
        if (uri.getUserInfo() != null) {
            throw new ConfigurationException("coldsend.base-url must not carry credentials; set COLDSEND_API_KEY");
        }
        return uri;
    }
}
