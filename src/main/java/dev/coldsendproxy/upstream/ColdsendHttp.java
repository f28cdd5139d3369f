package dev.coldsendproxy.upstream;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
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
 * buffers the whole entity first), and an abandoned attempt is reset so its connection is freed.
 * Package-private: {@link ColdsendClient} is the only door to Coldsend.
 */
@ApplicationScoped
class ColdsendHttp {

    private final HttpClient client;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String pathPrefix;
    private final String apiKey;
    private final long idleTimeoutMillis;
    private final int maxBodyBytes;

    ColdsendHttp(Vertx vertx, ColdsendConfig config) {
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

    /** GETs {@code path} (below the base URL) and reads the answer with the body size bounded. */
    Uni<UpstreamAnswer> get(String path, String requestId) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            AtomicBoolean over = new AtomicBoolean();
            emitter.onTermination(() -> {
                over.set(true);
                HttpClientRequest request = inFlight.getAndSet(null);
                if (request != null) {
                    request.reset();
                }
            });
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
                    emitter.fail(new UpstreamUnavailableException("could not connect to Coldsend", opened.cause()));
                    return;
                }
                HttpClientRequest request = opened.result();
                inFlight.set(request);
                if (over.get()) {
                    // Timed out or cancelled while waiting for a connection: never send it.
                    if (inFlight.compareAndSet(request, null)) {
                        request.reset();
                    }
                    return;
                }
                request.send().onComplete(sent -> {
                    if (sent.failed()) {
                        inFlight.set(null);
                        emitter.fail(new UpstreamUnavailableException("Coldsend connection failed", sent.cause()));
                    } else {
                        readBounded(sent.result(), inFlight, emitter);
                    }
                });
            });
        });
    }

    private void readBounded(HttpClientResponse response, AtomicReference<HttpClientRequest> inFlight,
            UniEmitter<? super UpstreamAnswer> emitter) {
        Long declared = RateLimitHeaders.number(response.getHeader("Content-Length"));
        if (declared != null && declared > maxBodyBytes) {
            emitter.fail(tooLarge());
            return;
        }
        Buffer body = Buffer.buffer(declared == null ? 4096 : declared.intValue());
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodyBytes) {
                emitter.fail(tooLarge());
            } else {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(failure -> emitter.fail(
                new UpstreamUnavailableException("Coldsend connection broke while sending its answer", failure)));
        response.endHandler(ignored -> {
            inFlight.set(null);
            emitter.complete(new UpstreamAnswer(response.statusCode(), body.getBytes(),
                    RateLimitHeaders.from(response.headers())));
        });
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
