package dev.coldsendproxy.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With no token digest configured the admin API is closed to everyone, whatever they send. */
@QuarkusTest
@TestProfile(AdminDisabledTest.NoAdminToken.class)
class AdminDisabledTest {

    @Test
    void answersForbiddenToEveryoneWithoutAConfiguredDigest() {
        given().header("Authorization", "Bearer test-admin-token").delete(Management.url("/admin/cache")).then()
                .statusCode(403).body("detail", containsString("proxy.admin.token-sha256"));
        given().header("Authorization", "Bearer ").get(Management.url("/admin/cache/stats")).then()
                .statusCode(403);
        given().get(Management.url("/admin/cache/stats")).then().statusCode(403);
    }

    /** The admin digest left empty, as an unset environment variable leaves it. */
    public static class NoAdminToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("proxy.admin.token-sha256", "");
        }
    }
}
