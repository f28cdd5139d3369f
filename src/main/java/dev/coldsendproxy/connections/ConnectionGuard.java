package dev.coldsendproxy.connections;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.ServerID;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

/**
 * Bounds what misbehaving callers can hold: a request's headers and body must arrive within their
 * timeouts, and the public port holds at most {@code proxy.connections.max} connections.
 *
 * <p>Vert.x (4.5) has no header timeout and Quarkus no hook for accepted connections (its own
 * {@code quarkus.http.limits.max-connections} takes the server's one connection handler, and a
 * connection handler would see a connection only after Vert.x had set it up). So, once the server
 * is listening, an {@link AcceptGate} is put in front of Vert.x's acceptor on the listening
 * socket; the router tells each connection's {@link RequestClock} when a request's headers are in.
 * Reaching the listening socket takes one private field of Vert.x's {@code TCPServerBase}: checked
 * at start-up (it fails with a message naming it) and by {@code MisbehavingClientsIT}.
 */
@ApplicationScoped
class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class);
    private static final String GATE = "coldsend-proxy-accept-gate";

    private final Vertx vertx;
    private final ConnectionLimits limits;
    private final int managementPort;
    private final AcceptGate gate;
    private final Field bindFuture = bindFuture();

    ConnectionGuard(Vertx vertx, ConnectionLimits limits, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.management.port", defaultValue = "9000") int managementPort) {
        this.vertx = vertx;
        this.limits = check(limits);
        this.managementPort = managementPort;
        AtomicInteger open = new AtomicInteger();
        Gauge.builder("proxy.http.connections.open", open, AtomicInteger::get)
                .description("Connections open on the public port").register(registry);
        this.gate = new AcceptGate(limits, open, closed(registry, "refused"), closed(registry, "header_timeout"),
                closed(registry, "body_timeout"));
    }

    private static Counter closed(MeterRegistry registry, String reason) {
        return Counter.builder("proxy.http.connections.closed")
                .description("Connections the proxy refused or cut off, by reason")
                .tag("reason", reason)
                .register(registry);
    }

    /** Every request that reaches the router stops its connection's header clock, before any route runs. */
    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::headersArrived);
    }

    private void headersArrived(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (request.connection() instanceof ConnectionBase connection) {
            RequestClock clock = connection.channel().attr(RequestClock.KEY).get();
            if (clock != null) {
                clock.headersArrived(expectsBody(request) ? request : null);
            }
        }
        routing.next();
    }

    private static boolean expectsBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null || (length != null && !"0".equals(length.trim()));
    }

    /** Once the public port listens, every connection it accepts passes the gate first. */
    void listening(@ObservesAsync HttpServerStart started) {
        Map<ServerID, HttpServerImpl> servers = ((VertxInternal) vertx).sharedHttpServers();
        synchronized (servers) {
            for (HttpServerImpl server : servers.values()) {
                if (server.actualPort() != managementPort || managementPort == 0) {
                    listeningSocket(bindFuture, server).onSuccess(socket -> socket.eventLoop().execute(() -> install(socket)));
                }
            }
        }
    }

    private void install(Channel socket) {
        ChannelPipeline pipeline = socket.pipeline();
        if (pipeline.get(GATE) == null) {
            pipeline.addFirst(GATE, gate);
            LOG.infof("Connection limits on %s: headers within %s, bodies within %s, at most %d connections",
                    socket.localAddress(), human(limits.headerTimeout()), human(limits.bodyTimeout()), limits.max());
        }
    }

    /** Fails start-up, naming the field, when this Vert.x is not the one the proxy was built against. */
    private static Field bindFuture() {
        try {
            Field field = TCPServerBase.class.getDeclaredField("bindFuture");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reach Vert.x's listening socket (TCPServerBase.bindFuture) to bound "
                    + "connections: Vert.x is not the version the proxy was built against", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Future<Channel> listeningSocket(Field bindFuture, TCPServerBase server) {
        try {
            return (Future<Channel>) bindFuture.get(server);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Vert.x's listening socket (TCPServerBase.bindFuture)", e);
        }
    }

    private static ConnectionLimits check(ConnectionLimits limits) {
        positive("proxy.connections.header-timeout", limits.headerTimeout());
        positive("proxy.connections.body-timeout", limits.bodyTimeout());
        if (limits.max() < 1) {
            throw new ConfigurationException("proxy.connections.max must be at least 1, but was " + limits.max());
        }
        return limits;
    }

    private static void positive(String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigurationException(property + " must be a positive duration, but was " + value);
        }
    }

    private static String human(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
