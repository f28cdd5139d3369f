package dev.coldsendproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private, throw-away {@code redis-server} process on a free port (no persistence), as the
 * tests' real Redis: no Docker and no mock. Needs {@code redis-server} on the PATH ({@code .ci/run}
 * installs it from Debian packages). Can be killed and brought back on the same port to test
 * outages.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
        try {
            this.log = Files.createTempFile("redis-server-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a new server on a free port and waits until it accepts connections. It is also killed
     * when the JVM exits without closing it (a test JVM ended by a timeout, a PIT minion), so no
     * server outlives its test run.
     */
    public static RedisServer start() {
        RedisServer server = new RedisServer(PackagedProxy.freePort());
        server.restart();
        Runtime.getRuntime().addShutdownHook(new Thread(server::kill, "redis-server-" + server.port));
        return server;
    }

    /** The URL for {@code quarkus.redis.hosts}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The TCP port, the same across restarts. */
    public int port() {
        return port;
    }

    /**
     * Freezes the server (SIGSTOP): connections stay open and new ones are still accepted by the
     * kernel, but nothing is answered until {@link #resume()}, as a Redis stuck in a long fork or a
     * paused VM would behave.
     */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** Lets a {@link #pause() paused} server run again (SIGCONT); it answers what queued up meanwhile. */
    public synchronized void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        if (process == null) {
            throw new IllegalStateException("redis-server is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the server (SIGKILL, as a crashed pod would go) and waits until it is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** (Re)starts the server on its port, empty, and waits until it accepts connections. */
    public synchronized void restart() {
        kill();
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is not on the PATH: install it (apt-get install redis-server)", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start on port " + port + ":\n" + output());
            }
            try {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        kill();
    }
}
