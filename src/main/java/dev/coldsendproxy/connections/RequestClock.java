package dev.coldsendproxy.connections;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * First handler of every accepted connection: times how long a request's headers, then its body,
 * take to arrive, and closes the connection when either is too slow. Armed when the connection is
 * accepted and again on the first byte after a request has been read; disarmed by
 * {@link #headersArrived}, which the router calls when a request reaches it. Runs on the
 * connection's event loop only, so it needs no locks.
 */
final class RequestClock extends ChannelInboundHandlerAdapter {

    /** Where the router finds a connection's clock. */
    static final AttributeKey<RequestClock> KEY = AttributeKey.valueOf("coldsend-proxy.request-clock");

    private enum State { HEADERS, BODY, BETWEEN_REQUESTS }

    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final Counter headerTimeouts;
    private final Counter bodyTimeouts;
    private ChannelHandlerContext ctx;
    private State state = State.HEADERS;
    private ScheduledFuture<?> timer;

    RequestClock(Duration headerTimeout, Duration bodyTimeout, Counter headerTimeouts, Counter bodyTimeouts) {
        this.headerTimeout = headerTimeout;
        this.bodyTimeout = bodyTimeout;
        this.headerTimeouts = headerTimeouts;
        this.bodyTimeouts = bodyTimeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().attr(KEY).set(this);
        arm(headerTimeout, () -> state == State.HEADERS, headerTimeouts);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.BETWEEN_REQUESTS && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            state = State.HEADERS;
            arm(headerTimeout, () -> state == State.HEADERS, headerTimeouts);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    /**
     * A request's headers are in. When a body is still to come, its own clock starts; {@code bodyRead}
     * tells, when that runs out, whether the body has arrived meanwhile.
     */
    void headersArrived(boolean bodyExpected, BooleanSupplier bodyRead) {
        disarm();
        if (bodyExpected && !bodyRead.getAsBoolean()) {
            state = State.BODY;
            arm(bodyTimeout, () -> {
                if (bodyRead.getAsBoolean()) {
                    state = State.BETWEEN_REQUESTS;
                    return false;
                }
                return state == State.BODY;
            }, bodyTimeouts);
        } else {
            state = State.BETWEEN_REQUESTS;
        }
    }

    private void arm(Duration timeout, BooleanSupplier stillWaiting, Counter cut) {
        disarm();
        timer = ctx.executor().schedule(() -> {
            if (stillWaiting.getAsBoolean() && ctx.channel().isActive()) {
                cut.increment();
                ctx.close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(/* mayInterruptIfRunning= */ false);
            timer = null;
        }
    }
}
