package dev.coldsendproxy.config;

import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes one event loop per CPU the JVM sees, less one, but at least one, the default of
 * {@code quarkus.http.io-threads}, where Quarkus would use two or more. Beside the loops the proxy
 * keeps other threads busy under load (the access-lines writer, the collector, the miss path's
 * workers); with a loop on every CPU they preempt the loops, and a preempted loop holds back every
 * connection it serves. On 2 CPUs one loop served more hits, at less CPU each and a lower p99, than
 * two (docs/benchmarks.md, "Event loops"); on 1 CPU a second loop only preempts the first. In a
 * container the JVM sees the CPU limit, rounded up. The lowest precedence of all sources that set it,
 * so {@code application.properties}, {@code QUARKUS_HTTP_IO_THREADS} and {@code -D} win.
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
        return PROPERTY.equals(propertyName) ? Integer.toString(loopsFor(Runtime.getRuntime().availableProcessors())) : null;
    }

    /** The default number of event loops for {@code cpus} CPUs: all but one, and at least one. */
    static int loopsFor(int cpus) {
        return Math.max(1, cpus - 1);
    }

    @Override
    public String getName() {
        return "coldsend-proxy event-loop default (one per CPU less one, at least one)";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
