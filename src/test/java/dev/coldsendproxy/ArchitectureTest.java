package dev.coldsendproxy;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

import dev.coldsendproxy.upstream.AttemptGate;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import dev.coldsendproxy.upstream.RateLimitHeaders;

/**
 * Dependencies point one way, along the request (docs/architecture.md): the route knows the
 * features, the features do not know it or each other except through the ports listed here, and
 * a new import against that direction fails the build. Reads the compiled main classes only.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.coldsendproxy";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages(ROOT);

    @Test
    void nothingDependsOnTheLeadRoute() {
        nothingOutsideDependsOn("lead", "the route is the top of the request path; the features below it never know it")
                .check(MAIN);
    }

    @Test
    void nothingDependsOnTheDevModeSimulator() {
        nothingOutsideDependsOn("simulator", "the simulator stands in for Coldsend in dev mode only")
                .check(MAIN);
    }

    @Test
    void nothingDependsOnTheAdminHealthAndMetricsEdges() {
        String why = "admin, health and metrics read the features from the edge; no feature or other edge relies on them";
        CompositeArchRule.of(nothingOutsideDependsOn("admin", why))
                .and(nothingOutsideDependsOn("health", why))
                .and(nothingOutsideDependsOn("metrics", why))
                .check(MAIN);
    }

    @Test
    void cacheUsesOnlyRedisPlumbingConfigAndErrors() {
        dependsWithinProjectOnlyOn("cache", "cluster", "config", "error")
                .because("the cache takes its loader as a function, so it needs no quota, upstream, consumer or route")
                .check(MAIN);
    }

    @Test
    void quotaKnowsNeitherTheCacheNorTheRoute() {
        neverDependsOn("quota", "cache", "lead")
                .because("a budget decision never depends on what is cached or on how the route answers")
                .check(MAIN);
    }

    @Test
    void quotaReachesTheUpstreamOnlyThroughTheAttemptGatePort() {
        noClasses().that().resideInAPackage(inside("quota"))
                .should().dependOnClassesThat(resideInAPackage(inside("upstream"))
                        .and(not(belongToAnyOf(AttemptGate.class, AttemptRefusedException.class, RateLimitHeaders.class))))
                .because("upstream owns the AttemptGate port and quota plugs into it; the client itself stays unknown")
                .check(MAIN);
    }

    @Test
    void upstreamKnowsNothingOfCachingQuotasConsumersOrRedis() {
        neverDependsOn("upstream", "cache", "quota", "consumer", "cluster", "lead")
                .because("the Coldsend client and its fault tolerance learn about budgets only through AttemptGate")
                .check(MAIN);
    }

    @Test
    void clusterIsRedisPlumbingThatKnowsNoFeature() {
        neverDependsOn("cluster", "lead", "cache", "quota", "upstream", "consumer")
                .because("cluster/ only connects to Redis and names keys; the features that use Redis sit above it")
                .check(MAIN);
    }

    @Test
    void connectionLimitsStandAloneBelowEveryRoute() {
        CompositeArchRule.of(dependsWithinProjectOnlyOn("connections")
                        .because("they bound sockets, whatever the request asks for"))
                .and(nothingOutsideDependsOn("connections", "CDI wires them to the router and the server"))
                .check(MAIN);
    }

    @Test
    void spanRulesStandAloneAndAreImportedByNothing() {
        CompositeArchRule.of(dependsWithinProjectOnlyOn("tracing")
                        .because("what a span may carry holds for every span, whoever opened it"))
                .and(nothingOutsideDependsOn("tracing", "quarkus-opentelemetry picks up its span processors by CDI"))
                .check(MAIN);
    }

    @Test
    void consumerUsesOnlyConfigAndErrors() {
        dependsWithinProjectOnlyOn("consumer", "config", "error")
                .because("inbound auth knows who is calling, not what they ask for")
                .check(MAIN);
    }

    @Test
    void configErrorsAndClockDependOnNoOtherPackage() {
        String why = "every package may use config, error and clock, so they must not lean on any of them";
        CompositeArchRule.of(dependsWithinProjectOnlyOn("config").because(why))
                .and(dependsWithinProjectOnlyOn("error").because(why))
                .and(dependsWithinProjectOnlyOn("clock").because(why))
                .check(MAIN);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching(ROOT + ".(*)..")
                .should().beFreeOfCycles()
                .check(MAIN);
    }

    /** {@code dev.coldsendproxy.<name>} and its subpackages, in ArchUnit's package syntax. */
    private static String inside(String name) {
        return ROOT + "." + name + "..";
    }

    private static String[] inside(Stream<String> names) {
        return names.map(ArchitectureTest::inside).toArray(String[]::new);
    }

    private static ArchRule nothingOutsideDependsOn(String name, String why) {
        return noClasses().that().resideOutsideOfPackage(inside(name))
                .should().dependOnClassesThat().resideInAPackage(inside(name))
                .because(why);
    }

    private static ArchRule neverDependsOn(String name, String... forbidden) {
        return noClasses().that().resideInAPackage(inside(name))
                .should().dependOnClassesThat(resideInAnyPackage(inside(Arrays.stream(forbidden))));
    }

    /** Classes of the project outside {@code name} and {@code allowed} are off limits; libraries are not. */
    private static ArchRule dependsWithinProjectOnlyOn(String name, String... allowed) {
        String[] own = inside(Stream.concat(Stream.of(name), Arrays.stream(allowed)));
        return noClasses().that().resideInAPackage(inside(name))
                .should().dependOnClassesThat(resideInAPackage(ROOT + "..").and(resideOutsideOfPackages(own)));
    }
}
