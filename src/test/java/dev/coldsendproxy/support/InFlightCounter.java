package dev.coldsendproxy.support;

import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/** Counts requests the stub is serving at once, and the most ever seen, to prove the bulkhead. */
public class InFlightCounter implements ServeEventListener {

    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static final AtomicInteger PEAK = new AtomicInteger();

    @Override
    public void beforeMatch(ServeEvent serveEvent, Parameters parameters) {
        int now = IN_FLIGHT.incrementAndGet();
        PEAK.accumulateAndGet(now, Math::max);
    }

    @Override
    public void afterComplete(ServeEvent serveEvent, Parameters parameters) {
        IN_FLIGHT.decrementAndGet();
    }

    @Override
    public String getName() {
        return "in-flight-counter";
    }

    /** The highest number of requests served at the same time since the last {@link #resetPeak()}. */
    public static int peak() {
        return PEAK.get();
    }

    /** Starts a new measurement from the current level. */
    public static void resetPeak() {
        PEAK.set(IN_FLIGHT.get());
    }
}
