package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Caller ids are kept only when safe to log and forward; generated ids are unique hex. */
class RequestIdsTest {

    @Test
    void keepsSaneCallerIds() {
        assertThat(RequestIds.acceptOrCreate("abc-123_x.y:z")).isEqualTo("abc-123_x.y:z");
        assertThat(RequestIds.acceptOrCreate("a".repeat(128))).isEqualTo("a".repeat(128));
    }

    @Test
    void replacesMissingLongOrUnsafeIds() {
        for (String bad : new String[] { null, "", "a".repeat(129), "a b", "x\ny", "é", "a\"b", "a/b" }) {
            assertThat(RequestIds.acceptOrCreate(bad)).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void generatesDistinctIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(RequestIds.create());
        }
        assertThat(ids).hasSize(10_000);
    }
}
