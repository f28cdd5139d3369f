package dev.coldsendproxy.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.InFlightCounter;

/**
 * The JVM image, built from docker/Dockerfile.jvm as users build it and started as a runtime starts
 * it: its own entrypoint, as its own user. Only the base image differs: the Dockerfile's UBI runtime
 * cannot be pulled here, so {@link Buildah#JRE_BASE} (Debian 12's OpenJDK 17 runtime) takes its place
 * through {@code buildah bud --from}. Needs buildah and mmdebstrap: skipped where they are missing on a
 * developer's machine, never in CI ({@code CI=true}), where .ci/run installs them.
 */
class JvmImageIT {

    private static final Path DOCKERFILE = Path.of("docker", "Dockerfile.jvm");
    private static final Path WORK = Path.of("target", "image-it");
    /** The image's management port, where the Deployment's probes ask. */
    private static final int MANAGEMENT_PORT = 9000;
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private static String image;
    private static String imageId;
    /** Why the test cannot run on this machine (a developer's, without the tools), or null. */
    private static String missingTools;

    @BeforeAll
    static void buildTheImage() throws IOException {
        List<String> missing = Stream.of("buildah", "mmdebstrap").filter(tool -> !Buildah.onPath(tool)).toList();
        if (!missing.isEmpty()) {
            String why = missing + " not on the PATH: the image test needs them (apt-get install buildah mmdebstrap)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why + "; in CI, .ci/run installs them and this test must run");
            }
            missingTools = why + "; skipped on a developer's machine, required in CI";
            System.out.println("[image] " + missingTools);
            return;
        }
        Dockerfile dockerfile = Dockerfile.read(DOCKERFILE);
        assertThat(dockerfile.stages()).as("one FROM, the one --from replaces").hasSize(1);

        Buildah.ensureJreBase(WORK.resolve("base"));
        Files.createDirectories(WORK);
        image = "localhost/coldsend-proxy-it:" + UUID.randomUUID().toString().substring(0, 8);
        Path idFile = WORK.resolve("image-id");
        long started = System.nanoTime();
        Buildah.run(Duration.ofMinutes(10), "buildah", "bud", "--isolation", "chroot", "--from", Buildah.JRE_BASE,
                "--iidfile", idFile.toString(), "-f", DOCKERFILE.toString(), "-t", image, ".");
        imageId = Files.readString(idFile).strip();
        System.out.printf("[image] built %s from %s in %d s, base %s in place of %s%n[image] image id %s%n", image, DOCKERFILE,
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), Buildah.JRE_BASE,
                dockerfile.finalStage().baseImage(), imageId);
    }

    @AfterAll
    static void removeTheImage() {
        if (image != null) {
            Buildah.attempt(Duration.ofMinutes(1), "buildah", "rmi", image);
        }
    }

    @Test
    void imageStartsAsItsNonRootUserServesMissThenHitWritesOnlyTmpAndDrainsOnSigterm() throws Exception {
        Assumptions.assumeTrue(missingTools == null, missingTools);
        JsonNode config = Buildah.imageConfig(image);
        String user = config.path("User").asText();
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(word -> entrypoint.add(word.asText()));
        assertThat(entrypoint).as("the image's entrypoint").isNotEmpty();
        assertThat(user).as("the image's user").isNotBlank().isNotIn("root", "0");
        assertManagementPortFree();

        WireMockServer coldsend = new WireMockServer(options().dynamicPort().extensions(new InFlightCounter()));
        coldsend.start();
        String container = Buildah.run(Duration.ofMinutes(1), "buildah", "from", "--pull-never", "--name",
                "coldsend-proxy-it-" + UUID.randomUUID().toString().substring(0, 8), image);
        Process buildahRun = null;
        Optional<ProcessHandle> java = Optional.empty();
        try {
            Path upper = upperLayer(container);
            // buildah run itself writes a few files (/etc/hosts, /run ...) into every container it runs, anew
            // each time; a first run of nothing shows which. The proxy's user cannot write them (checked below),
            // so every other path in the writable layer after the proxy's run is the proxy's own doing.
            Buildah.run(Duration.ofMinutes(1), Buildah.runCommand(container, user, List.of(), List.of("true")).toArray(String[]::new));
            Set<String> runtimeOwn = snapshot(upper);

            String fast = stubLead(coldsend, 0);
            String slow = stubLead(coldsend, 1_500);
            int httpPort = freePort();
            Path log = Files.createTempFile("coldsend-proxy-image-", ".log");
            // The public port moves off 8080 (a Deployment's env could do the same); management stays on the image's 9000.
            List<String> command = Buildah.runCommand(container, user, List.of(
                    "COLDSEND_BASE_URL=http://127.0.0.1:" + coldsend.port(),
                    "COLDSEND_API_KEY=cs_live_TEST-ONLY-not-a-real-key",
                    "PROXY_AUTH_MODE=none",
                    "QUARKUS_HTTP_PORT=" + httpPort), entrypoint);
            buildahRun = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Process started = buildahRun;
            System.out.println("[image] started: " + String.join(" ", command));

            // The image's own java process: chroot isolation shares the PID namespace, so it is a descendant here.
            java = Optional.of(await().atMost(PATIENCE).until(() -> imageJava(started), Optional::isPresent).orElseThrow());
            long pid = java.get().pid();
            String uid = status(pid, "Uid").replaceAll("\\s+", " ");
            System.out.printf("[image] java pid %d runs as uid %s (/proc/%d/status)%n", pid, uid, pid);
            assertThat(uid.split("\\s+")).as("real, effective, saved and filesystem uid").containsOnly(user);
            assertThat(Long.parseLong(user)).isEqualTo(
                    Manifests.generated().proxy("Deployment").at("/spec/template/spec/securityContext/runAsUser").asLong());

            URI ready = URI.create("http://127.0.0.1:" + MANAGEMENT_PORT + "/q/health/ready");
            try {
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(ConcurrentGets.get(ready).statusCode()).isEqualTo(200));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("the image was not ready within " + PATIENCE + "; its output:\n" + Files.readString(log), e);
            }
            JsonNode readiness = new ObjectMapper().readTree(ConcurrentGets.get(ready).body());
            System.out.println("[image] GET " + ready + " -> " + readiness.path("status").asText());
            assertThat(readiness.path("status").asText()).isEqualTo("UP");

            URI lead = URI.create("http://127.0.0.1:" + httpPort + fast);
            HttpResponse<byte[]> miss = ConcurrentGets.get(lead);
            HttpResponse<byte[]> hit = ConcurrentGets.get(lead);
            System.out.printf("[image] GET %s -> %d X-Cache: %s%n[image] GET %s -> %d X-Cache: %s%n", fast, miss.statusCode(),
                    miss.headers().firstValue("X-Cache").orElse("-"), fast, hit.statusCode(), hit.headers().firstValue("X-Cache").orElse("-"));
            assertThat(miss.statusCode()).as(Files.readString(log)).isEqualTo(200);
            assertThat(miss.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(hit.statusCode()).isEqualTo(200);
            assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(hit.body()).isEqualTo(miss.body());
            coldsend.verify(1, getRequestedFor(urlPathEqualTo(fast)));

            // SIGTERM to the image's java process, as a runtime signals PID 1 (a signal to buildah run would kill it).
            InFlightCounter.resetPeak();
            CompletableFuture<HttpResponse<byte[]>> inFlight = ConcurrentGets.send(URI.create("http://127.0.0.1:" + httpPort + slow));
            await().atMost(PATIENCE).until(() -> InFlightCounter.peak() >= 1);
            java.get().destroy();
            HttpResponse<byte[]> drained = ConcurrentGets.await(inFlight);
            assertThat(buildahRun.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            int exit = buildahRun.exitValue();
            System.out.printf("[image] SIGTERM to java pid %d: the in-flight request got %d, exit status %d%n",
                    pid, drained.statusCode(), exit);
            assertThat(drained.statusCode()).isEqualTo(200);
            assertThat(exit).as(Files.readString(log)).isZero();

            // Nothing written outside /tmp: the container's writable layer holds exactly what the run wrote.
            List<String> outsideTmp = new ArrayList<>();
            int inTmp = 0;
            for (String path : snapshot(upper)) {
                if (path.equals("tmp") || path.startsWith("tmp/")) {
                    inTmp++;
                } else if (!runtimeOwn.contains(path)) {
                    outsideTmp.add("/" + path);
                }
            }
            System.out.printf("[image] written by the proxy: %d paths under /tmp, outside it: %s%n", inTmp, outsideTmp);
            assertThat(outsideTmp).as("the Deployment's root filesystem is read-only: only /tmp may be written").isEmpty();
            for (String own : runtimeOwn) {
                assertUnwritableByTheImageUser(upper.resolve(own));
            }
            // The log, for the CI output: JSON lines from the image's own start to its drained exit.
            Files.readAllLines(log).stream().filter(line -> line.contains("\"message\""))
                    .map(line -> "[image] log: " + line.replaceAll(".*\"message\":\"((?:[^\"\\\\]|\\\\.)*)\".*", "$1"))
                    .forEach(System.out::println);
        } finally {
            java.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
            if (buildahRun != null && buildahRun.isAlive()) {
                buildahRun.destroyForcibly();
                buildahRun.waitFor(30, TimeUnit.SECONDS);
            }
            Buildah.attempt(Duration.ofMinutes(1), "buildah", "umount", container);
            Buildah.attempt(Duration.ofMinutes(1), "buildah", "rm", container);
            coldsend.stop();
        }
    }

    /** The overlay's upper directory of a container: every file the container's processes write lands there. */
    private static Path upperLayer(String container) {
        Path merged = Path.of(Buildah.run(Duration.ofMinutes(1), "buildah", "mount", container));
        Path upper = merged.resolveSibling("diff");
        assertThat(merged.getFileName().toString()).as("the overlay storage driver's mount point").isEqualTo("merged");
        assertThat(upper).as("the overlay's writable layer of %s", container).isDirectory();
        return upper;
    }

    /** Every path in a directory tree, relative to it. */
    private static Set<String> snapshot(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** What buildah run writes itself belongs to root and is not writable by others: the proxy's user cannot have changed it. */
    private static void assertUnwritableByTheImageUser(Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            return;
        }
        assertThat(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as("owner of %s", path).isEqualTo(0);
        assertThat(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS))
                .as("permissions of %s", path).doesNotContain(PosixFilePermission.OTHERS_WRITE, PosixFilePermission.GROUP_WRITE);
    }

    /** The java process the image's entrypoint started, among buildah run's descendants. */
    private static Optional<ProcessHandle> imageJava(Process buildahRun) {
        if (!buildahRun.isAlive()) {
            throw new IllegalStateException("buildah run exited with " + buildahRun.exitValue());
        }
        return buildahRun.descendants().filter(p -> {
            try {
                return Files.readString(Path.of("/proc", String.valueOf(p.pid()), "comm")).strip().equals("java");
            } catch (IOException e) {
                return false;
            }
        }).findFirst();
    }

    /** One line of /proc/pid/status, without its name (e.g. Uid: "185 185 185 185"). */
    private static String status(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).strip())
                .findFirst().orElseThrow();
    }

    private static void assertManagementPortFree() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(MANAGEMENT_PORT));
        } catch (IOException e) {
            throw new IllegalStateException("port " + MANAGEMENT_PORT + " is taken by another process: the image test starts the "
                    + "image on its own management port, which the container shares with this machine", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String stubLead(WireMockServer coldsend, int delayMillis) {
        String campaign = UUID.randomUUID().toString();
        String leadId = UUID.randomUUID().toString();
        String path = "/api/public/v1/campaigns/" + campaign + "/leads/" + leadId;
        byte[] body = ("{\"lead_id\":\"" + leadId + "\",\"email\":\"x@example.com\"}").getBytes(StandardCharsets.UTF_8);
        coldsend.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body).withFixedDelay(delayMillis)));
        return path;
    }
}
