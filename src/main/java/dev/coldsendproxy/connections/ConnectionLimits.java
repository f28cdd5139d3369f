package dev.coldsendproxy.connections;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How long a caller may take to say what it wants, and how many connections the public port holds.
 * The defaults fit a pod with one CPU serving in-cluster services, whose clients send a request's
 * headers in one packet and keep a pool of a few connections each.
 */
@ConfigMapping(prefix = "proxy.connections")
public interface ConnectionLimits {

    /**
     * Longest a request's line and headers may take to arrive, counted from the connection's
     * acceptance (first request) or from the first byte of the next request (keep-alive). A caller
     * that is slower is cut off. NGINX's client_header_timeout is 60 s for the open internet; our
     * callers are services on the cluster network, so 10 s is generous and frees a half-sent
     * connection six times sooner. Default 10s.
     */
    @WithDefault("10s")
    Duration headerTimeout();

    /**
     * Longest a request's body may take to arrive once its headers are in. The lead route reads no
     * body, so a slow one only holds a connection. Default 10s.
     */
    @WithDefault("10s")
    Duration bodyTimeout();

    /**
     * Most connections the public port holds at once; past it a new connection is closed as soon
     * as it is accepted, while established ones are served on. A 1-CPU replica is saturated by a
     * few hundred busy keep-alive connections; 4096 leaves room for many consumers' pools and stays
     * far below the process's file-descriptor limit (20,000 on our machines, often more in
     * containers), so the proxy can always open its own sockets to Coldsend and Redis. Default 4096.
     */
    @WithDefault("4096")
    int max();
}
