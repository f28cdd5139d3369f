package dev.coldsendproxy.upstream;

import java.time.Duration;

/**
 * The instant by which one caller's fetch must be over, queueing for the bulkhead, every attempt and
 * every backoff included. Each attempt is given no more than what is left of it, so the attempt on the
 * wire is reset when the deadline passes, not left to finish for nobody.
 */
final class CallDeadline {

    private final long endNanos;

    private CallDeadline(long endNanos) {
        this.endNanos = endNanos;
    }

    /** A deadline {@code length} from now. */
    static CallDeadline in(Duration length) {
        return new CallDeadline(System.nanoTime() + length.toNanos());
    }

    /** Time left before the deadline; zero or negative once it has passed. */
    Duration remaining() {
        return Duration.ofNanos(endNanos - System.nanoTime());
    }
}
