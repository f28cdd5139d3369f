package dev.coldsendproxy.bench;

import java.util.Arrays;
import java.util.Random;

/** Skewed lead popularity (rank r drawn with weight 1/(r+1)^s) by inverse CDF and binary search. */
final class Zipf {

    private final double[] cumulative;

    Zipf(int n, double exponent) {
        cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1.0 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++) {
            cumulative[rank] /= sum;
        }
    }

    /** A rank in {@code 0..n-1}, 0 the most popular. */
    int sample(Random random) {
        double u = random.nextDouble();
        int at = Arrays.binarySearch(cumulative, u);
        int rank = at >= 0 ? at : -at - 1;
        return Math.min(rank, cumulative.length - 1);
    }
}
