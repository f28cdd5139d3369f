package dev.coldsendproxy.consumer;

/** An authenticated caller: its name (for logs, metrics, its quota share) and that share. */
public record Consumer(String name, double share) {

    /** The single consumer when {@code proxy.auth.mode=none}: the whole budget is one pool. */
    public static final Consumer ANONYMOUS = new Consumer("anonymous", 1.0);
}
