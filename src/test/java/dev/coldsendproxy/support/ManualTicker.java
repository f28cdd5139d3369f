package dev.coldsendproxy.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/** The proxy's clock in tests: time moves only when a test says so, so nothing sleeps. */
@Alternative
@Priority(1)
@ApplicationScoped
public class ManualTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong(System.nanoTime());

    @Override
    public long read() {
        return nanos.get();
    }

    /** Moves the clock forward. */
    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
