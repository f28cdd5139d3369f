package dev.coldsendproxy.connections;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.PackagedProxy;

/**
 * Thousands of half-sent requests neither exhaust the packaged proxy nor slow it down: they are cut
 * at the header timeout, a normal request is answered meanwhile, and past the connection maximum new
 * connections are refused at once while an established caller is served on.
 */
class MisbehavingClientsIT {

    private static final int HALF_SENT = 10_000;
    private static final int MAX_CONNECTIONS = HALF_SENT + 20;
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(8);
    private static final String CAMPAIGN = UUID.randomUUID().toString();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WireMockServer coldsend;

    @BeforeEach
    void startStubColdsend() {
        coldsend = new WireMockServer(options().dynamicPort());
        coldsend.start();
        coldsend.stubFor(get(urlPathMatching("/api/public/v1/campaigns/[^/]+/leads/[^/]+")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"lead_id\":\"00000000-0000-4000-8000-000000000001\",\"email\":\"x@example.com\"}")));
    }

    @AfterEach
    void stopStubColdsend() {
        coldsend.stop();
    }

    @Test
    void cutsHalfSentRequestsAtTheHeaderTimeoutAndRefusesPastTheMaximumWhileServingOthers() throws Exception {
        List<SocketChannel> halfSent = new ArrayList<>();
        List<SocketChannel> pastTheMaximum = new ArrayList<>();
        try (PackagedProxy proxy = PackagedProxy.start(Map.of(
                "COLDSEND_BASE_URL", "http://localhost:" + coldsend.port(),
                "COLDSEND_API_KEY", "cs_live_TEST-ONLY-not-a-real-key",
                "PROXY_AUTH_MODE", "none",
                "PROXY_CONNECTIONS_HEADER_TIMEOUT", HEADER_TIMEOUT.toSeconds() + "s",
                "PROXY_CONNECTIONS_MAX", String.valueOf(MAX_CONNECTIONS)), List.of("-Xmx256m"))
                .awaitStarted(Duration.ofSeconds(60));
                KeepAliveCaller established = KeepAliveCaller.connect(proxy.uri("/").getPort())) {
            awaitGuardInstalled(proxy);
            String lead = "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + UUID.randomUUID();
            assertThat(established.get(lead)).as("the cache is warm").isEqualTo(200);

            int port = proxy.uri("/").getPort();
            for (int i = 0; i < HALF_SENT; i++) {
                halfSent.add(openHalfSent(port));
            }
            long allOpened = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> metric(proxy, "proxy_http_connections_open") >= HALF_SENT);

            assertThat(medianMillisOfFiveHits(proxy, lead)).as("a normal request meanwhile").isLessThan(100);

            for (int i = 0; i < 60; i++) {
                pastTheMaximum.add(openHalfSent(port));
            }
            // Refused at once: closed long before any header timeout could have closed them.
            int refused = closedWithin(pastTheMaximum, Duration.ofSeconds(2)).size();
            assertThat(refused).as("connections past the maximum closed at once").isGreaterThanOrEqualTo(40);
            assertThat(metric(proxy, "proxy_http_connections_closed_total", "reason=\"refused\"")).isEqualTo(refused);
            assertThat(established.get(lead)).as("an established caller is served past the maximum").isEqualTo(200);

            Collection<SocketChannel> cut = closedWithin(halfSent, HEADER_TIMEOUT.plusSeconds(15));
            long millis = Duration.ofNanos(System.nanoTime() - allOpened).toMillis();
            assertThat(cut).as("half-sent requests the proxy closed").hasSize(HALF_SENT);
            assertThat(millis).as("all closed soon after the header timeout").isLessThan(HEADER_TIMEOUT.plusSeconds(15).toMillis());
            assertThat(metric(proxy, "proxy_http_connections_closed_total", "reason=\"header_timeout\""))
                    .isGreaterThanOrEqualTo(HALF_SENT);
            assertThat(established.get(lead)).as("the established caller, idle for less than its timeout, stays").isEqualTo(200);
        } finally {
            closeAll(halfSent);
            closeAll(pastTheMaximum);
        }
    }

    /** The guard is put in place as the server starts listening; it says so in the log. */
    private static void awaitGuardInstalled(PackagedProxy proxy) {
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.output().contains("Connection limits on"));
    }

    /** A connection that sent half a request line, with no CRLF, and will send nothing more. */
    private static SocketChannel openHalfSent(int port) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.write(ByteBuffer.wrap("GET /api/public/v1/campa".getBytes(StandardCharsets.US_ASCII)));
        return channel;
    }

    /** The channels the peer closed (end of stream or reset) within {@code limit}. */
    private static Collection<SocketChannel> closedWithin(List<SocketChannel> channels, Duration limit) throws IOException {
        List<SocketChannel> closed = new ArrayList<>();
        ByteBuffer scratch = ByteBuffer.allocate(512);
        try (Selector selector = Selector.open()) {
            for (SocketChannel channel : channels) {
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, channel);
            }
            long deadline = System.nanoTime() + limit.toNanos();
            while (closed.size() < channels.size() && System.nanoTime() < deadline) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.attachment();
                    int read;
                    try {
                        scratch.clear();
                        read = channel.read(scratch);
                    } catch (IOException reset) {
                        read = -1;
                    }
                    if (read < 0) {
                        key.cancel();
                        closed.add(channel);
                    }
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                key.cancel();
            }
            selector.selectNow();
        }
        for (SocketChannel channel : channels) {
            channel.configureBlocking(true);
        }
        return closed;
    }

    private long medianMillisOfFiveHits(PackagedProxy proxy, String lead) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            HttpResponse<String> hit = http.send(HttpRequest.newBuilder(proxy.uri(lead)).build(),
                    HttpResponse.BodyHandlers.ofString());
            millis.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
            assertThat(hit.statusCode()).isEqualTo(200);
            assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
        }
        return millis.stream().sorted().toList().get(2);
    }

    private double metric(PackagedProxy proxy, String name, String... labels) throws Exception {
        String text = http.send(HttpRequest.newBuilder(proxy.managementUri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                boolean matches = true;
                for (String label : labels) {
                    matches &= line.contains(label);
                }
                if (matches) {
                    // An OpenMetrics exemplar (" # {trace_id=...} 1.0 <time>") may follow the value.
                    String sample = line.contains(" # {") ? line.substring(0, line.indexOf(" # {")) : line;
                    sum += Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    private static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
    }
}
