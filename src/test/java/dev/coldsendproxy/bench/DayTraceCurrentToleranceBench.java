package dev.coldsendproxy.bench;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Trace (a) at today's tolerance. */
@QuarkusTest
@TestProfile(DayTraceProfile.CurrentTolerance.class)
@WithTestResource(WindowedColdsendResource.class)
class DayTraceCurrentToleranceBench extends DayTraceBench {

    @Test
    void replays() throws Exception {
        replay(Traces.a(false));
    }
}
