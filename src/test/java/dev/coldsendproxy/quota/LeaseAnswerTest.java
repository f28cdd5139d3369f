package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How the ledger's raw answer to a lease reads: units granted and the last unit's number, or the wait. */
class LeaseAnswerTest {

    @Test
    void aGrantSaysHowManyUnitsAndTheNumberOfTheLast() {
        LeaseLedger.LeaseAnswer answer = new LeaseLedger.LeaseAnswer(LeaseLedger.Outcome.GRANTED, 3, 42, "e1", List.of());

        assertThat(answer.granted()).isEqualTo(3);
        assertThat(answer.lastUnit()).isEqualTo(42);
    }

    @Test
    void aRefusalSaysHowLongToWait() {
        LeaseLedger.LeaseAnswer answer = new LeaseLedger.LeaseAnswer(LeaseLedger.Outcome.REFUSED, 1_500, 1, "e1", List.of());

        assertThat(answer.waitMillis()).isEqualTo(1_500);
    }
}
