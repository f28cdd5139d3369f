package dev.coldsendproxy.connections;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits on the listening socket, in front of Vert.x's acceptor: each accepted connection is either
 * refused at once (past {@code proxy.connections.max}, before Vert.x spends anything on it) or given
 * a {@link RequestClock} and counted until it closes.
 */
@ChannelHandler.Sharable
final class AcceptGate extends ChannelInboundHandlerAdapter {

    private final ConnectionLimits limits;
    private final AtomicInteger open;
    private final Counter refused;
    private final Counter headerTimeouts;
    private final Counter bodyTimeouts;

    AcceptGate(ConnectionLimits limits, AtomicInteger open, Counter refused, Counter headerTimeouts, Counter bodyTimeouts) {
        this.limits = limits;
        this.open = open;
        this.refused = refused;
        this.headerTimeouts = headerTimeouts;
        this.bodyTimeouts = bodyTimeouts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Channel connection)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (open.incrementAndGet() > limits.max()) {
            open.decrementAndGet();
            refused.increment();
            // Not yet registered with an event loop: close the socket itself, as Netty's acceptor does.
            connection.unsafe().closeForcibly();
            return;
        }
        connection.closeFuture().addListener(closed -> open.decrementAndGet());
        connection.pipeline().addFirst("coldsend-proxy-request-clock",
                new RequestClock(limits.headerTimeout(), limits.bodyTimeout(), headerTimeouts, bodyTimeouts));
        ctx.fireChannelRead(msg);
    }
}
