package dev.coldsendproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What can go wrong in the Dockerfiles without a build, checked after {@code package}: a COPY of a
 * file the build does not produce (or .dockerignore hides), a root user, ports or a user that differ
 * from the Kubernetes manifest, JVM flags the JVM rejects. The JVM image is also built and started
 * (JvmImageIT); the native one cannot be built here, and says so where its readers look.
 */
class DockerfilesIT {

    private static final Path JVM = Path.of("docker", "Dockerfile.jvm");
    private static final Path NATIVE = Path.of("docker", "Dockerfile.native");
    private static final Path QUARKUS_APP = Path.of("target", "quarkus-app");

    private final DockerIgnore dockerIgnore = DockerIgnore.read(Path.of(".dockerignore"));
    private final Manifests manifests = Manifests.generated();

    @Test
    void jvmImageCopiesTheWholeFastJarLayoutThatPackageProduced() throws IOException {
        Dockerfile jvm = Dockerfile.read(JVM);
        List<Dockerfile.Copy> copies = jvm.finalStage().copies();

        assertThat(copies).isNotEmpty().allSatisfy(copy -> assertThat(copy.fromStage()).isEmpty());
        for (Dockerfile.Copy copy : copies) {
            copy.sources().forEach(this::assertInBuildContext);
        }
        // Everything package put in target/quarkus-app is copied: nothing the launcher needs is left behind.
        List<String> copied = copies.stream().flatMap(c -> c.sources().stream())
                .map(s -> s.replaceAll("/+$", "")).toList();
        try (Stream<Path> layout = Files.list(QUARKUS_APP)) {
            List<String> needed = layout.map(p -> p.toString().replace('\\', '/'))
                    .filter(p -> !p.endsWith(".dat") && !p.endsWith(".txt"))
                    .toList();
            assertThat(copied).containsAll(needed);
        }
        assertThat(copied).contains("target/quarkus-app/quarkus-run.jar", "target/quarkus-app/lib",
                "target/quarkus-app/app", "target/quarkus-app/quarkus");
        String runJarDestination = copies.stream()
                .filter(c -> c.sources().contains("target/quarkus-app/quarkus-run.jar"))
                .map(Dockerfile.Copy::destination).findFirst().orElseThrow();
        assertThat(jvm.finalStage().last("ENTRYPOINT").orElseThrow().words()).contains("-jar", runJarDestination);
    }

    @Test
    void jvmImageRunsAJre17AsTheManifestsNonRootUserOnTheManifestsPorts() {
        Dockerfile.Stage image = Dockerfile.read(JVM).finalStage();

        assertThat(image.baseImage()).containsAnyOf("openjdk-17-runtime", "17-jre");
        assertNonRootUserMatchingTheManifest(image);
        assertExposesTheManifestsPorts(image);
    }

    @Test
    void jvmFlagsAreContainerAwareAndAcceptedByTheJvm() throws Exception {
        String flags = Dockerfile.read(JVM).finalStage().env("JDK_JAVA_OPTIONS").orElseThrow();

        assertThat(flags).contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError");
        assertThat(flags).as("a fixed heap ignores the container's memory limit").doesNotContain("-Xmx");
        // A misspelt -XX flag would stop the container at start-up: let this JVM (17, as in the image) judge them.
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(flags.split("\\s+")));
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(java.getInputStream().readAllBytes());
        assertThat(java.exitValue()).as(output).isZero();
    }

    @Test
    void nativeDockerfileSaysItIsNotBuiltOrTestedHere() throws IOException {
        // An untested Dockerfile must not pass for a tested one: it says so at its top and in the README.
        List<String> header = Files.readAllLines(NATIVE).stream().takeWhile(line -> line.startsWith("#")).toList();
        assertThat(header.get(0)).startsWith("# NOT BUILT OR TESTED HERE.");
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("`docker/Dockerfile.native` is **not built or tested here**");
    }

    @Test
    void nativeDockerfileCompilesWithMandrelFromSourcesInTheContextAndNamesTheManifestsUser() {
        // What the build stage produces (target/*-runner) needs Mandrel to check, which no machine here has;
        // checked here: its inputs, the hand-over between stages, and the final image's user and ports.
        Dockerfile dockerfile = Dockerfile.read(NATIVE);
        assertThat(dockerfile.stages()).hasSize(2);
        Dockerfile.Stage build = dockerfile.stages().get(0);
        Dockerfile.Stage image = dockerfile.finalStage();

        assertThat(build.baseImage()).containsAnyOf("mandrel", "graalvm");
        assertThat(build.name()).isPresent();
        for (Dockerfile.Copy copy : build.copies()) {
            assertThat(copy.fromStage()).isEmpty();
            copy.sources().forEach(this::assertInBuildContext);
        }
        assertThat(build.all("RUN")).contains("-Dquarkus.native.enabled=true");
        assertThat(image.baseImage()).contains("ubi-minimal");
        assertThat(image.copies()).isNotEmpty().allSatisfy(copy -> {
            assertThat(copy.fromStage()).isEqualTo(build.name());
            assertThat(copy.sources()).allSatisfy(source -> assertThat(source).startsWith("/code/target/").endsWith("-runner"));
        });
        assertNonRootUserMatchingTheManifest(image);
        assertExposesTheManifestsPorts(image);
    }

    @Test
    void dockerIgnoreKeepsEverythingElseOutOfTheBuildContext() {
        assertThat(dockerIgnore.excludes(".git/config")).isTrue();
        assertThat(dockerIgnore.excludes("target/classes/application.properties")).isTrue();
        assertThat(dockerIgnore.excludes("target/kubernetes/kubernetes.yml")).isTrue();
        assertThat(dockerIgnore.excludes("README.md")).isTrue();
        assertThat(dockerIgnore.excludes("target/quarkus-app/quarkus-run.jar")).isFalse();
    }

    /** The source exists (globs: matches something) and no file under it is excluded by .dockerignore. */
    private void assertInBuildContext(String source) {
        List<Path> matches = resolve(source);
        assertThat(matches).as("COPY source %s after package", source).isNotEmpty();
        for (Path match : matches) {
            try (Stream<Path> files = Files.walk(match)) {
                files.filter(Files::isRegularFile)
                        .map(p -> p.toString().replace('\\', '/'))
                        .forEach(file -> assertThat(dockerIgnore.excludes(file))
                                .as(".dockerignore excludes %s, which COPY %s needs", file, source).isFalse());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static List<Path> resolve(String source) {
        String clean = source.replaceAll("/+$", "");
        if (!clean.matches(".*[*?\\[].*")) {
            Path path = Path.of(clean);
            return Files.exists(path) ? List.of(path) : List.of();
        }
        Path parent = Path.of(clean).getParent();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + clean);
        try (Stream<Path> children = Files.list(parent == null ? Path.of(".") : parent)) {
            return children.filter(matcher::matches).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void assertNonRootUserMatchingTheManifest(Dockerfile.Stage image) {
        String user = image.last("USER").orElseThrow(() -> new AssertionError("no USER: the image would run as root"))
                .words().get(0).split(":")[0];
        assertThat(user).isNotIn("root", "0");
        int runAsUser = manifests.one("Deployment").at("/spec/template/spec/securityContext/runAsUser").asInt();
        assertThat(user).isEqualTo(String.valueOf(runAsUser));
    }

    private void assertExposesTheManifestsPorts(Dockerfile.Stage image) {
        assertThat(image.all("EXPOSE")).containsExactlyInAnyOrder(
                String.valueOf(manifests.containerPort("http")), String.valueOf(manifests.containerPort("management")));
    }
}
