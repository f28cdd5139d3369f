package dev.coldsendproxy.lead;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The {@code limit} most-asked copies offered during one walk over the cache, kept in a heap of
 * that size instead of collecting and sorting every candidate. The caller reads each copy's ask
 * count once and offers it with the copy: the count keeps moving while hits are served on other
 * threads, and a heap or a sort whose keys change under it loses its order (a sort may even throw).
 */
final class MostAsked<K, V> {

    /** A copy kept, with the ask count it was offered with. */
    record Pick<K, V>(K key, V lead, int asks) {
    }

    private final int limit;
    private final PriorityQueue<Pick<K, V>> kept;

    MostAsked(int limit) {
        this.limit = limit;
        this.kept = new PriorityQueue<>(Math.max(1, limit), Comparator.comparingInt(Pick::asks));
    }

    /** Keeps the copy if it is among the {@code limit} most asked offered so far. */
    void offer(K key, V lead, int asks) {
        if (limit <= 0) {
            return;
        }
        if (kept.size() < limit) {
            kept.add(new Pick<>(key, lead, asks));
        } else if (asks > kept.peek().asks()) {
            kept.poll();
            kept.add(new Pick<>(key, lead, asks));
        }
    }

    /** The copies kept, most asked first. */
    List<Pick<K, V>> mostAskedFirst() {
        List<Pick<K, V>> picks = new ArrayList<>(kept);
        picks.sort(Comparator.comparingInt((Pick<K, V> pick) -> pick.asks()).reversed());
        return picks;
    }
}
