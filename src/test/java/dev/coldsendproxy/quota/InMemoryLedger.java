package dev.coldsendproxy.quota;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import dev.coldsendproxy.cluster.RedisUnavailableException;
import io.smallrye.mutiny.Uni;

/**
 * The shared budget's rules (those of {@link LeaseLedger}'s scripts) in memory on a manual clock,
 * so {@link Leases} can be tested alone, with faults on demand: Redis down (nothing happens), or
 * an answer lost after Redis acted. {@link LeaseSimulationTest} runs the real scripts instead.
 */
final class InMemoryLedger implements Ledger {

    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;

    final Map<String, Long> keyMinute = new HashMap<>();
    final Map<String, Long> keyHour = new HashMap<>();
    final Map<String, Map<String, Long>> consumerMinute = new HashMap<>();
    final Map<String, Map<String, Long>> consumerHour = new HashMap<>();
    final Set<String> importers = new HashSet<>();
    final List<String> calls = new ArrayList<>();
    final List<LeaseLedger.Sent> imported = new ArrayList<>();
    private final LongSupplier millis;
    private final long coverMillis;
    private final long rebuildMillis;
    private final int expectedReplicas;
    String epoch;
    long rebuildUntil;
    long holdUntil;
    int holdStatus;
    long sequence;
    boolean down;
    boolean loseAnswers;
    /** What the replica last said: whether it has sends this ledger does not know. */
    boolean unreported;

    InMemoryLedger(LongSupplier millis, long coverMillis, long rebuildMillis, int expectedReplicas) {
        this.millis = millis;
        this.coverMillis = coverMillis;
        this.rebuildMillis = rebuildMillis;
        this.expectedReplicas = expectedReplicas;
    }

    /** Redis restarted empty. */
    void forget() {
        keyMinute.clear();
        keyHour.clear();
        consumerMinute.clear();
        consumerHour.clear();
        importers.clear();
        epoch = null;
        holdUntil = 0;
    }

    @Override
    public Uni<LeaseLedger.LeaseAnswer> lease(LeaseLedger.ShareLimits share, int want, String known, int perMinute, int perHour) {
        return call("lease " + share.consumer() + " " + want, () -> {
            long now = prelude();
            if (!known.equals(epoch)) {
                return answer(LeaseLedger.Outcome.IMPORT_FIRST, 0, 0, share);
            }
            if (rebuildLeft(now) > 0) {
                return answer(LeaseLedger.Outcome.REBUILDING, rebuildLeft(now), 0, share);
            }
            if (now < holdUntil) {
                return answer(LeaseLedger.Outcome.HELD, holdUntil - now, holdStatus, share);
            }
            List<Map<String, Long>> windows = windows(share.consumer());
            int[] limits = { perMinute, perHour, share.perMinute(), share.perHour() };
            long[] spans = { MINUTE, HOUR, MINUTE, HOUR };
            int free = Integer.MAX_VALUE;
            long wait = 0;
            int scope = 0;
            for (int i = 0; i < 4; i++) {
                trim(windows.get(i), now, spans[i]);
                int left = limits[i] - windows.get(i).size();
                free = Math.min(free, left);
                if (left <= 0) {
                    List<Long> scores = new ArrayList<>(windows.get(i).values());
                    scores.sort(null);
                    wait = Math.max(wait, Math.max(1, scores.get(scores.size() - limits[i]) + spans[i] - now));
                    scope = scope == 0 ? (i < 2 ? 1 : 2) : scope;
                }
            }
            if (free <= 0) {
                return answer(LeaseLedger.Outcome.REFUSED, wait, scope, share);
            }
            int granted = Math.min(want, free);
            for (int unit = 0; unit < granted; unit++) {
                sequence++;
                for (Map<String, Long> window : windows) {
                    window.put(epoch + ":" + sequence, now + coverMillis);
                }
            }
            return answer(LeaseLedger.Outcome.GRANTED, granted, sequence, share);
        });
    }

    @Override
    public Uni<String> importSends(String into, String replica, List<LeaseLedger.Sent> sends) {
        return call("import " + sends.size(), () -> {
            long now = prelude();
            if (!into.equals(epoch)) {
                return epoch;
            }
            for (LeaseLedger.Sent sent : sends) {
                long at = now - sent.ageMillis();
                if (at > now - HOUR) {
                    keyHour.put(sent.member(), at);
                    if (at > now - MINUTE) {
                        keyMinute.put(sent.member(), at);
                    }
                }
            }
            imported.addAll(sends);
            importers.add(replica);
            return epoch;
        });
    }

    @Override
    public Uni<Void> giveBack(String from, String consumer, List<String> members) {
        return call("giveBack " + members.size(), () -> {
            prelude();
            if (from.equals(epoch)) {
                windows(consumer).forEach(window -> members.forEach(window::remove));
            }
            return null;
        });
    }

    @Override
    public Uni<Void> hold(long holdMillis, int status) {
        return call("hold " + status, () -> {
            long now = prelude();
            if (now + holdMillis > holdUntil) {
                holdUntil = now + holdMillis;
                holdStatus = status;
            }
            return null;
        });
    }

    @Override
    public void unreportedSends(boolean any) {
        unreported = any;
    }

    @Override
    public Uni<Void> leave() {
        if (down) {
            return Uni.createFrom().failure(new RedisUnavailableException("down", null));
        }
        calls.add("leave");
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<LeaseLedger.Status> status(List<LeaseLedger.ShareLimits> shares) {
        return call("status", () -> {
            long now = prelude();
            List<LeaseLedger.Window> windows = new ArrayList<>(List.of(window(keyMinute, now, MINUTE), window(keyHour, now, HOUR)));
            for (LeaseLedger.ShareLimits share : shares) {
                windows.add(window(consumerMinute.computeIfAbsent(share.consumer(), c -> new HashMap<>()), now, MINUTE));
                windows.add(window(consumerHour.computeIfAbsent(share.consumer(), c -> new HashMap<>()), now, HOUR));
            }
            return new LeaseLedger.Status(epoch, rebuildLeft(now), Math.max(0, holdUntil - now),
                    now < holdUntil ? holdStatus : 0, windows);
        });
    }

    /** Units the key's minute window counts now. */
    int minuteCount() {
        long now = millis.getAsLong();
        trim(keyMinute, now, MINUTE);
        return keyMinute.size();
    }

    private long prelude() {
        long now = millis.getAsLong();
        if (epoch == null) {
            sequence++;
            epoch = now + "." + sequence;
            rebuildUntil = now + rebuildMillis;
            importers.clear();
        }
        return now;
    }

    private long rebuildLeft(long now) {
        return now < rebuildUntil && importers.size() < expectedReplicas ? rebuildUntil - now : 0;
    }

    private List<Map<String, Long>> windows(String consumer) {
        return List.of(keyMinute, keyHour, consumerMinute.computeIfAbsent(consumer, c -> new HashMap<>()),
                consumerHour.computeIfAbsent(consumer, c -> new HashMap<>()));
    }

    private LeaseLedger.LeaseAnswer answer(LeaseLedger.Outcome outcome, long a, long b, LeaseLedger.ShareLimits share) {
        return new LeaseLedger.LeaseAnswer(outcome, a, b, epoch, List.of());
    }

    private static LeaseLedger.Window window(Map<String, Long> window, long now, long span) {
        trim(window, now, span);
        long oldest = window.values().stream().mapToLong(Long::longValue).min().orElse(now - span);
        return new LeaseLedger.Window(window.size(), window.isEmpty() ? 0 : Math.max(0, oldest + span - now));
    }

    private static void trim(Map<String, Long> window, long now, long span) {
        window.values().removeIf(score -> score <= now - span);
    }

    private <T> Uni<T> call(String what, java.util.function.Supplier<T> command) {
        calls.add(what);
        if (down) {
            return Uni.createFrom().failure(new RedisUnavailableException("down", null));
        }
        T answer = command.get();
        if (loseAnswers) {
            return Uni.createFrom().failure(new RedisUnavailableException("answered too late", null));
        }
        return Uni.createFrom().item(answer);
    }
}
