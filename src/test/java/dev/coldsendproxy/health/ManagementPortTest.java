package dev.coldsendproxy.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.Management;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics and the OpenAPI document answer on the management port and nowhere else. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class ManagementPortTest extends ProxyTestBase {

    @ParameterizedTest
    @ValueSource(strings = { "/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi" })
    void servesOperatorEndpointsOnTheManagementPortOnly(String path) {
        String management = Management.url(path);
        assertThat(management).doesNotContain(":" + io.restassured.RestAssured.port + "/");

        given().get(management).then().statusCode(200);
        given().get(path).then().statusCode(404);
    }
}
