package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** If-None-Match uses weak comparison over a list (RFC 9110 13.1.2). */
class EntityTagsTest {

    private static final String ETAG = "\"abc\"";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"abc\"                | true",
            "W/\"abc\"              | true",
            "\"x\", \"abc\"         | true",
            "\"x\",W/\"abc\"        | true",
            "*                      | true",
            "\"abcd\"               | false",
            "\"ab\"                 | false",
            "abc                    | false",
            "\"x\", \"y\"           | false",
            "\"abc                  | false",
            "''                     | false" })
    void matchesEntityTagsWeakly(String header, boolean matches) {
        assertThat(EntityTags.noneMatchFails(header.strip(), ETAG)).isEqualTo(matches);
    }
}
