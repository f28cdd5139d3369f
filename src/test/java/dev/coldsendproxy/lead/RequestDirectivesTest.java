package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The caller's Cache-Control request directives (RFC 9111 §5.2.1), parsed leniently and applied to a copy's age. */
class RequestDirectivesTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "no-cache               | true",
            "No-Cache               | true",
            "max-age=0, no-cache    | true",
            "no-store               | false",
            "max-age=0              | false",
            "no-cacheX              | false" })
    void findsNoCacheAmongOtherDirectives(String header, boolean noCache) {
        assertThat(RequestDirectives.parse(header.strip()).noCache()).isEqualTo(noCache);
    }

    @Test
    void readsEveryDirectiveItKnowsInAnyCaseAndIgnoresTheRest() {
        RequestDirectives directives = RequestDirectives.parse(
                "MAX-AGE=60, min-fresh=\"5\", max-stale=3600, only-if-cached, x-custom=1, private");

        assertThat(directives.maxAge()).isEqualTo(60 * SECOND);
        assertThat(directives.minFresh()).isEqualTo(5 * SECOND);
        assertThat(directives.maxStale()).isEqualTo(3600 * SECOND);
        assertThat(directives.onlyIfCached()).isTrue();
        assertThat(directives.noCache()).isFalse();
    }

    @Test
    void takesMaxStaleWithoutAValueAsAnyAge() {
        assertThat(RequestDirectives.parse("max-stale").maxStale()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "max-age=-1", "max-age=", "max-age=1.5", "max-age=abc", "max-age=9999999999999" })
    void ignoresAMalformedValue(String header) {
        assertThat(RequestDirectives.parse(header).maxAge()).isEqualTo(RequestDirectives.ABSENT);
    }

    @Test
    void noHeaderIsNoDirective() {
        assertThat(RequestDirectives.parse(null)).isSameAs(RequestDirectives.NONE);
        assertThat(RequestDirectives.parse("  ")).isSameAs(RequestDirectives.NONE);
    }

    @Test
    void acceptsAFreshCopyOnlyWithinMaxAgeAndMinFresh() {
        RequestDirectives none = RequestDirectives.NONE;
        RequestDirectives maxAge = RequestDirectives.parse("max-age=10");
        RequestDirectives minFresh = RequestDirectives.parse("min-fresh=10");

        assertThat(none.acceptsFresh(25 * SECOND, 5 * SECOND)).isTrue();
        assertThat(none.acceptsFresh(30 * SECOND, 0)).as("no longer fresh").isFalse();
        assertThat(maxAge.acceptsFresh(10 * SECOND, 20 * SECOND)).isTrue();
        assertThat(maxAge.acceptsFresh(11 * SECOND, 19 * SECOND)).isFalse();
        assertThat(minFresh.acceptsFresh(20 * SECOND, 10 * SECOND)).isTrue();
        assertThat(minFresh.acceptsFresh(21 * SECOND, 9 * SECOND)).isFalse();
    }

    @Test
    void acceptsAStaleCopyWithinWhatTheCallerOrElseTheProxyTolerates() {
        long tenMinutes = 600 * SECOND;

        assertThat(RequestDirectives.NONE.acceptsStale(0, tenMinutes, tenMinutes)).isTrue();
        assertThat(RequestDirectives.NONE.acceptsStale(0, tenMinutes + 1, tenMinutes)).isFalse();
        assertThat(RequestDirectives.parse("max-stale=3600").acceptsStale(0, 3600 * SECOND, tenMinutes)).isTrue();
        assertThat(RequestDirectives.parse("max-stale=3600").acceptsStale(0, 3601 * SECOND, tenMinutes)).isFalse();
        assertThat(RequestDirectives.parse("max-stale").acceptsStale(0, 86_400 * SECOND, tenMinutes)).isTrue();
        assertThat(RequestDirectives.parse("max-stale=0").acceptsStale(0, 1, tenMinutes)).as("none at all").isFalse();
        assertThat(RequestDirectives.parse("max-age=60").acceptsStale(61 * SECOND, SECOND, tenMinutes))
                .as("max-age without max-stale takes nothing older").isFalse();
        assertThat(RequestDirectives.parse("max-age=60, max-stale").acceptsStale(600 * SECOND, SECOND, tenMinutes)).isTrue();
    }
}
