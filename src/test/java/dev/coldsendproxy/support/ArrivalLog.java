package dev.coldsendproxy.support;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Notes when each request reached the stub Coldsend, on the monotonic clock ({@link System#nanoTime()}),
 * before any matching or delay: the moment Coldsend would count it against the key. Register one
 * instance per stub with {@code options().extensions(log)}.
 */
public final class ArrivalLog implements ServeEventListener {

    /** One request as Coldsend saw it: when it arrived and its URL (path and query). */
    public record Arrival(long nanos, String url) {
    }

    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();

    @Override
    public void beforeMatch(ServeEvent serveEvent, Parameters parameters) {
        arrivals.add(new Arrival(System.nanoTime(), serveEvent.getRequest().getUrl()));
    }

    @Override
    public String getName() {
        return "arrival-log";
    }

    /** Every arrival so far, in arrival order. */
    public List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /** Arrival times ({@link System#nanoTime()}) of every request so far. */
    public List<Long> times() {
        return arrivals.stream().map(Arrival::nanos).toList();
    }

    /** How many requests whose URL contains {@code fragment} have arrived. */
    public long count(String fragment) {
        return arrivals.stream().filter(arrival -> arrival.url().contains(fragment)).count();
    }
}
