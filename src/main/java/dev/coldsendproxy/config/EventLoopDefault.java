package dev.coldsendproxy.config;

import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes one event loop per CPU the JVM sees the default of {@code quarkus.http.io-threads}, where
 * Quarkus would use two: on 1 and 2 CPUs, more loops than CPUs preempt one another and add
 * milliseconds to the slowest hits for no more throughput (docs/benchmarks.md, "Event loops").
 * In a container the JVM sees the CPU limit, rounded up. The lowest precedence of all sources that
 * set it, so {@code application.properties}, {@code QUARKUS_HTTP_IO_THREADS} and {@code -D} win.
 */
public final class EventLoopDefault implements ConfigSource {

    static final String PROPERTY = "quarkus.http.io-threads";
    /** Below application.properties (250), environment (300) and system properties (400). */
    static final int ORDINAL = 50;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTY.equals(propertyName) ? Integer.toString(Runtime.getRuntime().availableProcessors()) : null;
    }

    @Override
    public String getName() {
        return "coldsend-proxy event-loop default (one per CPU)";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
