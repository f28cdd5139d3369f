package dev.coldsendproxy.bench;

import java.util.Arrays;

/**
 * Linear pieces (rise asks over run fetches) of per-lead concave majorants; spending a fetch
 * budget on the steepest pieces first is the exact optimum of the LP relaxation. Integer
 * arithmetic throughout, so rounding can never pull the bound below the LP value.
 */
final class Pieces {

    private long[] rises = new long[1024];
    private long[] runs = new long[1024];
    private int size;

    /** Adds the upper concave hull of the points (n, best[n]), n = 0..best.length-1 (best[0] = 0). */
    void addHullOf(long[] best) {
        int[] hull = new int[best.length];
        int top = 0;
        for (int n = 0; n < best.length; n++) {
            while (top >= 2 && !aboveChord(hull[top - 2], hull[top - 1], n, best)) {
                top--;
            }
            hull[top++] = n;
        }
        for (int i = 1; i < top; i++) {
            add(best[hull[i]] - best[hull[i - 1]], hull[i] - hull[i - 1]);
        }
    }

    /** Max of the sum of all majorants over real fetch counts adding up to at most {@code budget}, rounded down. */
    long bestWithin(long budget) {
        Integer[] order = new Integer[size];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Long.compare(rises[y] * runs[x], rises[x] * runs[y]));
        long left = budget;
        long total = 0;
        for (int i : order) {
            if (left <= 0) {
                break;
            }
            if (runs[i] <= left) {
                total += rises[i];
                left -= runs[i];
            } else {
                total += rises[i] * left / runs[i];
                left = 0;
            }
        }
        return total;
    }

    /** Pieces that add nothing (flat) are dropped; they never change the optimum. */
    private void add(long rise, long run) {
        if (rise <= 0) {
            return;
        }
        if (size == rises.length) {
            rises = Arrays.copyOf(rises, size * 2);
            runs = Arrays.copyOf(runs, size * 2);
        }
        rises[size] = rise;
        runs[size] = run;
        size++;
    }

    /** True when b lies strictly above the chord from a to c, so b stays on the upper hull. */
    private static boolean aboveChord(int a, int b, int c, long[] y) {
        return (y[b] - y[a]) * (c - a) > (y[c] - y[a]) * (b - a);
    }
}
