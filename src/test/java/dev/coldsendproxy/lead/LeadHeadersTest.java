package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pre-encoded numbers must read exactly as Long.toString would, inside the table and past it. */
class LeadHeadersTest {

    @Test
    void numbersReadAsTheirDecimalText() {
        for (long value : new long[] { 0, 1, 9, 10, 30, 100, 999, 1000, 1023, 1024, 3600, 1_000_000, Long.MAX_VALUE, -1 }) {
            assertThat(LeadHeaders.number(value).toString()).isEqualTo(Long.toString(value));
        }
    }
}
