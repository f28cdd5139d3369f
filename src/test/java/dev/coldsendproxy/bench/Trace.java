package dev.coldsendproxy.bench;

import java.util.List;
import java.util.Map;

/** A fixed, replayable demand: asks sorted by time (stable for ties) and who asks them. */
public record Trace(
        String name,
        String description,
        long durationMillis,
        List<Ask> asks,
        Map<String, Profile> consumers) {

    /** The one campaign every trace asks about, so lead ids are the only thing that varies. */
    public static final String CAMPAIGN = "3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01";

    public Trace {
        asks = List.copyOf(asks);
        consumers = Map.copyOf(consumers);
    }

    /** Strict UUID (version 4, variant 1) for a lead number, so the proxy's id check accepts it. */
    public static String leadId(int lead) {
        return String.format("00000000-0000-4000-8000-%012x", lead);
    }

    /** The tolerance past the TTL that {@code consumer} accepts, in milliseconds. */
    public long maxStaleMillis(String consumer) {
        Profile profile = consumers.get(consumer);
        if (profile == null) {
            throw new IllegalArgumentException("trace " + name + " has no profile for consumer " + consumer);
        }
        return profile.maxStaleMillis();
    }

    /** The first {@code hours} of this trace (all of it when it is shorter), for a quicker replay. */
    public Trace firstHours(long hours) {
        long end = Math.min(durationMillis, hours * 3_600_000L);
        if (end == durationMillis) {
            return this;
        }
        return new Trace(name + "-first-" + hours + "h", description + "; its first " + hours + " h only", end,
                asks.stream().filter(ask -> ask.atMillis() < end).toList(), consumers);
    }
}
