package dev.coldsendproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged proxy ({@code target/quarkus-app/quarkus-run.jar}) run as its own process, as it
 * runs in a container: configured only by environment variables, output captured to a file.
 */
public final class PackagedProxy implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final Path output;
    private final int port;
    private final int managementPort;

    private PackagedProxy(Process process, Path output, int port, int managementPort) {
        this.process = process;
        this.output = output;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts the jar with exactly {@code env} (plus PATH/HOME), a free HTTP port and a free management port. */
    public static PackagedProxy start(Map<String, String> env) {
        return start(env, List.of());
    }

    /**
     * Like {@link #start(Map)}, with JVM options before {@code -jar}: e.g. a small heap, so that
     * several replicas fit on a 2-core CI machine.
     */
    public static PackagedProxy start(Map<String, String> env, List<String> jvmOptions) {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: *IT tests run after the package phase (./mvnw verify)");
        }
        try {
            int port = freePort();
            int managementPort = freePort();
            Path output = Files.createTempFile("coldsend-proxy-", ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", JAR.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
            environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
            environment.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
            environment.putAll(env);
            return new PackagedProxy(builder.start(), output, port, managementPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public base URI. */
    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** A URI on the management interface (health, metrics, admin). */
    public URI managementUri(String path) {
        return URI.create("http://localhost:" + managementPort + path);
    }

    /** Waits until the process exits; returns its exit code. */
    public int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the proxy did not exit within " + limit + "; output:\n" + output());
        }
        return process.exitValue();
    }

    /** Waits until the log says the HTTP server listens. */
    public PackagedProxy awaitStarted(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!output().contains("Listening on")) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the proxy exited with " + process.exitValue() + ":\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the proxy did not start within " + limit + ":\n" + output());
            }
            Thread.onSpinWait();
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process (SIGKILL, as a crashed pod goes: no shutdown hooks) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the proxy (pid " + process.pid() + ") outlived SIGKILL for 20 s");
        }
    }

    /** The OS process, e.g. to send it SIGTERM. */
    public Process process() {
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
