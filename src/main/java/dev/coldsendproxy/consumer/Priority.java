package dev.coldsendproxy.consumer;

/**
 * How a consumer's upstream calls rank when the key's budget is contested: it orders the queue of
 * callers waiting for a unit and decides who borrows idle shares first. A {@code BACKGROUND}
 * consumer never borrows from the unspent guarantee of a {@code CRITICAL} one.
 */
public enum Priority {
    CRITICAL, NORMAL, BACKGROUND
}
