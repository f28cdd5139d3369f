package dev.coldsendproxy.connections;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpServerRequest;

/**
 * First handler of every accepted connection: times how long a request's headers, then its body,
 * take to arrive, and closes the connection when either is too slow. Armed when the connection is
 * accepted and again on the first byte after a request has been read; disarmed by
 * {@link #headersArrived}, which the router calls when a request reaches it. Runs on the
 * connection's event loop only, so it needs no locks.
 *
 * <p>One timer per connection, itself the task: arming moves a deadline, and the timer, when it
 * fires, closes the connection only if the deadline has passed and still waits; otherwise it
 * sleeps again until the deadline or until the next request arms it. A keep-alive connection thus
 * schedules about one task per timeout, not one per request (a new task and its lambdas on every
 * request were a tenth of the bytes a hit allocated on the event loop, bench/alloc.sh).
 */
final class RequestClock extends ChannelInboundHandlerAdapter implements Runnable {

    /** Where the router finds a connection's clock. */
    static final AttributeKey<RequestClock> KEY = AttributeKey.valueOf("coldsend-proxy.request-clock");

    private enum State { HEADERS, BODY, BETWEEN_REQUESTS }

    private final long headerTimeout;
    private final long bodyTimeout;
    private final Counter headerTimeouts;
    private final Counter bodyTimeouts;
    private ChannelHandlerContext ctx;
    private State state = State.HEADERS;
    /** When the awaited headers or body are late ({@link System#nanoTime()}). */
    private long deadline;
    /** The request whose body is awaited, in state BODY. */
    private HttpServerRequest awaitedBody;
    private ScheduledFuture<?> timer;
    /** When {@link #timer} fires ({@link System#nanoTime()}). */
    private long timerAt;

    RequestClock(Duration headerTimeout, Duration bodyTimeout, Counter headerTimeouts, Counter bodyTimeouts) {
        this.headerTimeout = headerTimeout.toNanos();
        this.bodyTimeout = bodyTimeout.toNanos();
        this.headerTimeouts = headerTimeouts;
        this.bodyTimeouts = bodyTimeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().attr(KEY).set(this);
        await(State.HEADERS, headerTimeout);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.BETWEEN_REQUESTS && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            await(State.HEADERS, headerTimeout);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(/* mayInterruptIfRunning= */ false);
            timer = null;
        }
        awaitedBody = null;
        ctx.fireChannelInactive();
    }

    /**
     * A request's headers are in. When {@code body} is not null its body is still to come, and the
     * body's own clock starts; {@link HttpServerRequest#isEnded()} tells, when that runs out,
     * whether the body has arrived meanwhile.
     */
    void headersArrived(HttpServerRequest body) {
        if (body != null && !body.isEnded()) {
            awaitedBody = body;
            await(State.BODY, bodyTimeout);
        } else {
            awaitedBody = null;
            state = State.BETWEEN_REQUESTS;
        }
    }

    private void await(State awaited, long timeout) {
        state = awaited;
        deadline = System.nanoTime() + timeout;
        if (timer != null && timerAt - deadline > 0) {
            timer.cancel(/* mayInterruptIfRunning= */ false); // a shorter clock than the one pending
            timer = null;
        }
        if (timer == null) {
            sleepUntil(deadline);
        }
    }

    private void sleepUntil(long at) {
        timerAt = at;
        timer = ctx.executor().schedule(this, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The timer fired, on the connection's event loop. */
    @Override
    public void run() {
        timer = null;
        if (state == State.BETWEEN_REQUESTS || !ctx.channel().isActive()) {
            return; // nothing awaited: the next request arms the clock again
        }
        if (state == State.BODY && awaitedBody.isEnded()) {
            awaitedBody = null;
            state = State.BETWEEN_REQUESTS;
            return;
        }
        if (deadline - System.nanoTime() > 0) {
            sleepUntil(deadline); // re-armed since this timer was set
            return;
        }
        (state == State.HEADERS ? headerTimeouts : bodyTimeouts).increment();
        ctx.close();
    }
}
