package dev.coldsendproxy.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A simulated Coldsend for the day-trace benchmark: answers every lead at once, on the replay's
 * clock, and enforces the key's two sliding windows (100 a minute, 1000 an hour) as Coldsend
 * does, answering 429 past them. It records every request it received, so the report can show
 * that none ever went over.
 */
public final class WindowedColdsend implements AutoCloseable {

    public static final String KEY = "cs_live_BENCH-ONLY-not-a-real-key";
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final HttpServer server;
    private final int perMinute;
    private final int perHour;
    private final Deque<Long> minute = new ArrayDeque<>();
    private final Deque<Long> hour = new ArrayDeque<>();
    private final List<Long> received = new ArrayList<>();
    private long refused;
    private volatile LongSupplier clock = System::nanoTime;

    WindowedColdsend(int perMinute, int perHour) throws IOException {
        this.perMinute = perMinute;
        this.perHour = perHour;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/", this::answer);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** The base URL to point the proxy at. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Reads time from the replay's clock from now on (nanoseconds, the proxy's ticker). */
    public void useClock(LongSupplier clock) {
        this.clock = clock;
    }

    /** Clock readings of every request received, answered or refused. */
    public synchronized List<Long> received() {
        return List.copyOf(received);
    }

    /** Requests answered 429 because a window was full. */
    public synchronized long refused() {
        return refused;
    }

    /** Forgets every request, for the next replay. */
    public synchronized void reset() {
        minute.clear();
        hour.clear();
        received.clear();
        refused = 0;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!KEY.equals(exchange.getRequestHeaders().getFirst("X-API-Key"))) {
                send(exchange, 401, "{\"detail\":\"Invalid or revoked API key\"}", 0, -1, 0);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String leadId = path.substring(path.lastIndexOf('/') + 1);
            long now = clock.getAsLong();
            int left;
            int limit;
            long resetNanos;
            boolean admitted;
            synchronized (this) {
                received.add(now);
                evict(now);
                admitted = minute.size() < perMinute && hour.size() < perHour;
                if (admitted) {
                    minute.addLast(now);
                    hour.addLast(now);
                } else {
                    refused++;
                }
                // The headers describe one window, the tighter: its limit, what is left, when it frees a unit.
                int minuteLeft = Math.max(0, perMinute - minute.size());
                int hourLeft = Math.max(0, perHour - hour.size());
                boolean hourTighter = hourLeft < minuteLeft;
                left = hourTighter ? hourLeft : minuteLeft;
                limit = hourTighter ? perHour : perMinute;
                Deque<Long> window = hourTighter ? hour : minute;
                resetNanos = window.isEmpty() ? 0 : window.peekFirst() + (hourTighter ? HOUR : MINUTE) - now;
            }
            if (!admitted) {
                send(exchange, 429, "{\"detail\":\"Rate limit exceeded\"}", limit, 0, resetNanos);
                return;
            }
            send(exchange, 200, body(leadId), limit, left, resetNanos);
        }
    }

    private void evict(long now) {
        while (!minute.isEmpty() && now - minute.peekFirst() >= MINUTE) {
            minute.removeFirst();
        }
        while (!hour.isEmpty() && now - hour.peekFirst() >= HOUR) {
            hour.removeFirst();
        }
    }

    private void send(HttpExchange exchange, int status, String body, int limit, int remaining, long resetNanos)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (remaining >= 0) {
            long resetSeconds = (resetNanos + 999_999_999L) / 1_000_000_000L;
            exchange.getResponseHeaders().add("X-RateLimit-Limit", Integer.toString(limit));
            exchange.getResponseHeaders().add("X-RateLimit-Remaining", Integer.toString(remaining));
            exchange.getResponseHeaders().add("X-RateLimit-Reset",
                    Long.toString(System.currentTimeMillis() / 1000 + resetSeconds));
            if (status == 429) {
                exchange.getResponseHeaders().add("Retry-After", Long.toString(Math.max(1, resetSeconds)));
            }
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String body(String leadId) {
        return "{\"lead_id\":\"" + leadId + "\",\"email\":\"lead@example.com\",\"first_name\":null,"
                + "\"last_name\":null,\"company\":null,\"status\":\"SENT\",\"last_contacted_at\":null,"
                + "\"opened_at\":null,\"replied_at\":null,\"created_at\":\"2026-01-01T00:00:00Z\"}";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
