package dev.coldsendproxy.bench;

/** One consumer asking for one lead at one instant of a replayed trace; the unit the bound counts. */
public record Ask(long atMillis, String consumer, int lead) {}
