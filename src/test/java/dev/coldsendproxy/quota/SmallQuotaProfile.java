package dev.coldsendproxy.quota;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A key budget of 10 a minute and 100 an hour, small enough to spend in a test. */
public class SmallQuotaProfile implements QuarkusTestProfile {

    public static final int PER_MINUTE = 10;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coldsend.quota.per-minute", String.valueOf(PER_MINUTE),
                "coldsend.quota.per-hour", "100");
    }
}
