package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The spare-budget refresher keeps only the most-asked copies of a walk, in a heap of the round's size. */
class MostAskedTest {

    @Test
    void keepsTheMostAskedOfAWalkMostAskedFirst() {
        MostAsked<String, String> most = new MostAsked<>(3);
        int[] asks = { 5, 1, 9, 3, 7, 2, 9, 4 };
        for (int i = 0; i < asks.length; i++) {
            most.offer("lead-" + i, "copy-" + i, asks[i]);
        }

        List<Integer> kept = most.mostAskedFirst().stream().map(MostAsked.Pick::asks).toList();

        assertThat(kept).containsExactly(9, 9, 7);
        assertThat(most.mostAskedFirst()).extracting(MostAsked.Pick::key).contains("lead-2", "lead-6", "lead-4");
    }

    @Test
    void keepsEveryCopyOfAWalkShorterThanTheRound() {
        MostAsked<String, String> most = new MostAsked<>(10);
        most.offer("a", "copy-a", 2);
        most.offer("b", "copy-b", 6);

        assertThat(most.mostAskedFirst()).extracting(MostAsked.Pick::key).containsExactly("b", "a");
        assertThat(most.mostAskedFirst()).extracting(MostAsked.Pick::lead).containsExactly("copy-b", "copy-a");
    }

    @Test
    void keepsNothingWhenNoUnitIsSpare() {
        MostAsked<String, String> most = new MostAsked<>(0);
        most.offer("a", "copy-a", 100);

        assertThat(most.mostAskedFirst()).isEmpty();
    }
}
