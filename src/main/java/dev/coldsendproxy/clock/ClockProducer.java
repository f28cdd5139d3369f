package dev.coldsendproxy.clock;

import com.github.benmanes.caffeine.cache.Ticker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one monotonic time source behind cache ages, TTLs and quota windows, so that tests can
 * replace it with a manual clock instead of sleeping.
 */
@ApplicationScoped
public class ClockProducer {

    /**
     * Nanosecond ticker; tests swap it for an {@code @Alternative} they can advance. {@code @Singleton}:
     * every cache read and hit reads it, and a client proxy would look its context up each time.
     */
    @Produces
    @Singleton
    Ticker ticker() {
        return Ticker.systemTicker();
    }
}
