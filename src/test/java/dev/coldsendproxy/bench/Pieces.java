package dev.coldsendproxy.bench;

import java.util.Arrays;

/**
 * Linear pieces (slope = asks per fetch, length = fetches) of per-lead concave majorants; spending
 * a fetch budget on the steepest pieces first is the exact optimum of the LP relaxation.
 */
final class Pieces {

    private double[] slopes = new double[1024];
    private double[] lengths = new double[1024];
    private int size;

    /** Adds the upper concave hull of the points (n, best[n]), n = 0..best.length-1 (best[0] = 0). */
    void addHullOf(long[] best) {
        int[] hull = new int[best.length];
        int top = 0;
        for (int n = 0; n < best.length; n++) {
            while (top >= 2 && !rightTurn(hull[top - 2], hull[top - 1], n, best)) {
                top--;
            }
            hull[top++] = n;
        }
        for (int i = 1; i < top; i++) {
            int from = hull[i - 1];
            int to = hull[i];
            add((double) (best[to] - best[from]) / (to - from), to - from);
        }
    }

    /** Adds one piece; non-positive slopes add nothing to the optimum and are dropped. */
    void add(double slope, double length) {
        if (slope <= 0 || length <= 0) {
            return;
        }
        if (size == slopes.length) {
            slopes = Arrays.copyOf(slopes, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
        }
        slopes[size] = slope;
        lengths[size] = length;
        size++;
    }

    /** Max of the sum of all majorants over real fetch counts that add up to at most {@code budget}. */
    double bestWithin(long budget) {
        Integer[] order = new Integer[size];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Double.compare(slopes[y], slopes[x]));
        double left = budget;
        double total = 0;
        for (int i : order) {
            if (left <= 0) {
                break;
            }
            double take = Math.min(left, lengths[i]);
            total += take * slopes[i];
            left -= take;
        }
        return total;
    }

    /** True when b lies strictly above the chord from a to c, so b stays on the upper hull. */
    private static boolean rightTurn(int a, int b, int c, long[] y) {
        return (double) (y[b] - y[a]) * (c - a) > (double) (y[c] - y[a]) * (b - a);
    }
}
