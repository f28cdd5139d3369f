package dev.coldsendproxy.consumer;

/**
 * An authenticated caller: its name (for logs, metrics, its quota share), that share (its
 * guarantee of each window, and its weight when idle shares are lent), how stale an answer it
 * takes when no fresh one can be bought ({@code maxStaleNanos}, or {@link #NO_MAX_STALE} for the
 * proxy's default, {@code proxy.cache.stale-if-error}), and its {@link Priority}.
 */
public record Consumer(String name, double share, long maxStaleNanos, Priority priority) {

    /** The consumer named no tolerance of its own. */
    public static final long NO_MAX_STALE = -1;

    /** The single consumer when {@code proxy.auth.mode=none}: the whole budget is one pool. */
    public static final Consumer ANONYMOUS = new Consumer("anonymous", 1.0);

    /** A consumer with the proxy's default tolerance of stale answers and normal priority. */
    public Consumer(String name, double share) {
        this(name, share, NO_MAX_STALE);
    }

    /** A consumer of normal priority. */
    public Consumer(String name, double share, long maxStaleNanos) {
        this(name, share, maxStaleNanos, Priority.NORMAL);
    }
}
