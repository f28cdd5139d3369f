package dev.coldsendproxy.bench;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Trace (a) with billing and dashboard accepting day-old answers. */
@QuarkusTest
@TestProfile(DayTraceProfile.DayOld.class)
@WithTestResource(WindowedColdsendResource.class)
class DayTraceDayOldBench extends DayTraceBench {

    @Test
    void replays() throws Exception {
        replay(Traces.a(true));
    }
}
