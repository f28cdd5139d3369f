package dev.coldsendproxy.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Buildah, and mmdebstrap for its base image, driven as a person would from a shell: images built
 * and containers run without a Docker engine or a container runtime. Chroot isolation is the only one
 * that works on our machines (no cgroups or rlimits for crun); it shares the host's network and PID
 * namespace, which is what lets a test reach the container's ports and signal its process.
 */
final class Buildah {

    /**
     * The JRE base that stands in for the Dockerfile's UBI one (whose registry our machines cannot
     * reach): Debian 12's OpenJDK 17 runtime, built from Debian packages. Kept between runs as a cache.
     */
    static final String JRE_BASE = "localhost/coldsend-proxy-jre-base:17-bookworm";

    private Buildah() {
    }

    /** Whether a command is on the PATH. */
    static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** Runs a command to its end; returns its output, or fails with it when the exit status is not 0. */
    static String run(Duration limit, String... command) {
        Result result = attempt(limit, command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exit() + ":\n" + result.output());
        }
        return result.output();
    }

    /** A command's exit status and output (stdout and stderr together). */
    record Result(int exit, String output) {
    }

    /** Runs a command to its end, whatever its exit status. */
    static Result attempt(Duration limit, String... command) {
        try {
            Path output = Files.createTempFile("buildah-", ".log");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + limit + ":\n"
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).strip());
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the local image store holds this image. */
    static boolean imageExists(String image) {
        return attempt(Duration.ofMinutes(1), "buildah", "inspect", "--type", "image", image).exit() == 0;
    }

    /** An image's OCI configuration (User, Entrypoint, Env, WorkingDir, ExposedPorts). */
    static JsonNode imageConfig(String image) {
        try {
            JsonNode inspect = new ObjectMapper().readTree(run(Duration.ofMinutes(1), "buildah", "inspect", "--type", "image", image));
            return inspect.at("/OCIv1/config");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds {@link #JRE_BASE} unless it is there already: a minimal Debian 12 root filesystem with
     * OpenJDK 17's headless runtime (mmdebstrap, about a minute from Debian's mirrors), imported as an
     * image with java on the PATH.
     */
    static void ensureJreBase(Path workDir) {
        if (imageExists(JRE_BASE)) {
            System.out.println("[image] base " + JRE_BASE + ": cached in the local image store");
            return;
        }
        long started = System.nanoTime();
        try {
            Files.createDirectories(workDir);
            Path rootfs = workDir.resolve("rootfs.tar");
            run(Duration.ofMinutes(20), "mmdebstrap", "--quiet", "--variant=minbase", "--include=openjdk-17-jre-headless",
                    "bookworm", rootfs.toString());
            String container = run(Duration.ofMinutes(1), "buildah", "from", "scratch");
            try {
                run(Duration.ofMinutes(5), "buildah", "add", container, rootfs.toString(), "/");
                run(Duration.ofMinutes(1), "buildah", "config",
                        "--env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", container);
                run(Duration.ofMinutes(5), "buildah", "commit", "--quiet", container, JRE_BASE);
            } finally {
                attempt(Duration.ofMinutes(1), "buildah", "rm", container);
                Files.deleteIfExists(rootfs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.printf("[image] base %s: built with mmdebstrap in %d s%n", JRE_BASE,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** {@code buildah run} of a command in a container, as the given user, with extra environment variables. */
    static List<String> runCommand(String container, String user, List<String> env, List<String> command) {
        List<String> run = new ArrayList<>(List.of("buildah", "run", "--isolation", "chroot", "--user", user));
        for (String variable : env) {
            run.addAll(List.of("--env", variable));
        }
        run.add(container);
        run.add("--");
        run.addAll(command);
        return run;
    }
}
