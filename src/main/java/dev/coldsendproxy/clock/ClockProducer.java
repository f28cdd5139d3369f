package dev.coldsendproxy.clock;

import com.github.benmanes.caffeine.cache.Ticker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The one monotonic time source behind cache ages, TTLs and quota windows, so that tests can
 * replace it with a manual clock instead of sleeping.
 */
@ApplicationScoped
public class ClockProducer {

    /** Nanosecond ticker; tests swap it for an {@code @Alternative} they can advance. */
    @Produces
    @ApplicationScoped
    Ticker ticker() {
        return Ticker.systemTicker();
    }
}
