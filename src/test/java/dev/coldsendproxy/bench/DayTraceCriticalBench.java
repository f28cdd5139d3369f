package dev.coldsendproxy.bench;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Trace (c): a critical consumer beside a background bulk job. */
@QuarkusTest
@TestProfile(DayTraceProfile.CriticalBesideBulk.class)
@WithTestResource(WindowedColdsendResource.class)
class DayTraceCriticalBench extends DayTraceBench {

    @Test
    void replays() throws Exception {
        replay(Traces.c());
    }
}
