package dev.coldsendproxy.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.Metrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Slow callers are cut at their timeout even while they keep sending: headers dripped a byte at a
 * time, a body dripped after its headers. A keep-alive connection waiting between requests is not.
 */
@QuarkusTest
@TestProfile(ConnectionLimitsTest.ShortTimeouts.class)
@WithTestResource(ColdsendStubResource.class)
class ConnectionLimitsTest {

    /** One-second timeouts, far below the 60 s keep-alive idle timeout that could otherwise explain a close. */
    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("proxy.connections.header-timeout", "1s", "proxy.connections.body-timeout", "1s");
        }
    }

    @TestHTTPResource("/")
    URI proxy;

    private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopDripping() {
        drip.shutdownNow();
    }

    @Test
    void cutsHeadersDrippedAByteAtATime() throws Exception {
        double before = closed("header_timeout");
        try (Socket socket = connect()) {
            dripForever(socket.getOutputStream(), "GET /api/public/v1/campaigns/" + UUID.randomUUID() + "/leads/");

            await().atMost(Duration.ofSeconds(15)).until(() -> closedByPeer(socket));
        }
        assertThat(closed("header_timeout") - before).isGreaterThanOrEqualTo(1);
    }

    @Test
    void cutsABodyDrippedAfterItsHeaders() throws Exception {
        double before = closed("body_timeout");
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/public/v1/campaigns/" + UUID.randomUUID() + "/leads/" + UUID.randomUUID()
                    + " HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            dripForever(out, "{");

            await().atMost(Duration.ofSeconds(15)).until(() -> closedByPeer(socket));
        }
        assertThat(closed("body_timeout") - before).isGreaterThanOrEqualTo(1);
    }

    @Test
    void keepsAnIdleKeepAliveConnectionBetweenRequests() throws Exception {
        String lead = "/api/public/v1/campaigns/" + UUID.randomUUID() + "/leads/not-a-uuid";
        try (KeepAliveCaller caller = KeepAliveCaller.connect(proxy.getPort()); Socket silent = connect()) {
            assertThat(caller.get(lead)).isEqualTo(400);
            silent.getOutputStream().write("GET /api".getBytes(StandardCharsets.US_ASCII));

            // A header timeout has passed once the connection opened after the caller's request is cut.
            await().atMost(Duration.ofSeconds(15)).until(() -> closedByPeer(silent));

            assertThat(caller.get(lead)).as("the same connection still serves: the header clock starts on a "
                    + "request's first byte, not while a kept-alive connection waits").isEqualTo(400);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(proxy.getHost(), proxy.getPort());
        socket.setSoTimeout(50);
        return socket;
    }

    /** Sends {@code start}, then a byte every 200 ms, until the connection breaks. */
    private void dripForever(OutputStream out, String start) throws IOException {
        out.write(start.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        drip.scheduleAtFixedRate(() -> {
            try {
                out.write('a');
                out.flush();
            } catch (IOException closed) {
                throw new IllegalStateException(closed);
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Whether the proxy closed the connection: end of stream, or a reset. */
    private static boolean closedByPeer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static double closed(String reason) {
        return Metrics.scrape().value("proxy_http_connections_closed_total", "reason=\"" + reason + "\"");
    }
}
