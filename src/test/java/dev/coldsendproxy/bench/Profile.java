package dev.coldsendproxy.bench;

/**
 * What a trace's consumer is promised: its share of the key, its priority
 * ({@code critical|normal|background}) and how old past the TTL it accepts an answer (max-stale).
 */
public record Profile(double share, String priority, long maxStaleMillis) {}
