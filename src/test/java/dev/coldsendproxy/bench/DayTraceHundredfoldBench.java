package dev.coldsendproxy.bench;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Trace (b): demand at 100 times the budget over 50,000 Zipf leads. */
@QuarkusTest
@TestProfile(DayTraceProfile.Hundredfold.class)
@WithTestResource(WindowedColdsendResource.class)
class DayTraceHundredfoldBench extends DayTraceBench {

    @Test
    void replays() throws Exception {
        replay(Traces.b());
    }
}
