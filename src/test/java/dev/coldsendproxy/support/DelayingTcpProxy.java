package dev.coldsendproxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on the loopback interface between the proxy and a server (Redis), which can be told
 * to hold every chunk of bytes, in both directions, for a while before passing it on: a server
 * (or network) slower than the proxy's timeouts, without touching the server. Chunks keep their
 * order, and the delay is counted from each chunk's arrival, so pipelined commands are all late by
 * the same amount rather than piling up.
 *
 * <p>Threads are bounded: one acceptor, and a reader and a writer for each direction of at most
 * {@value #MAX_CONNECTIONS} connections; a connection beyond that is closed at once.
 */
public final class DelayingTcpProxy implements AutoCloseable {

    /** Connections relayed at once; three replicas' Redis pools and subscriptions fit well below it. */
    private static final int MAX_CONNECTIONS = 64;
    private static final int CHUNK = 16 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final ThreadPoolExecutor threads;
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private volatile long delayNanos;

    private DelayingTcpProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
        this.threads = new ThreadPoolExecutor(0, 1 + 4 * MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "delaying-tcp-proxy");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Starts relaying a free loopback port to {@code 127.0.0.1:targetPort}, without delay. */
    public static DelayingTcpProxy start(int targetPort) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            DelayingTcpProxy proxy = new DelayingTcpProxy(server, targetPort);
            proxy.threads.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port to connect to instead of the server's. */
    public int port() {
        return server.getLocalPort();
    }

    /** Holds every chunk that arrives from now on for {@code delay} before passing it on; zero for none. */
    public void delayEveryChunk(Duration delay) {
        delayNanos = delay.toNanos();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!connections.tryAcquire()) {
                closeQuietly(client);
                continue;
            }
            try {
                relay(client);
            } catch (IOException e) {
                closeQuietly(client);
                connections.release();
            }
        }
    }

    private void relay(Socket client) throws IOException {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
        } catch (IOException e) {
            closeQuietly(upstream);
            throw e;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        Runnable closeBoth = () -> {
            closeQuietly(client);
            closeQuietly(upstream);
            sockets.remove(client);
            sockets.remove(upstream);
        };
        // The connection's slot is free again once its four threads have all ended.
        AtomicInteger running = new AtomicInteger(4);
        Runnable ended = () -> {
            if (running.decrementAndGet() == 0) {
                connections.release();
            }
        };
        pipe(client.getInputStream(), upstream.getOutputStream(), closeBoth, ended);
        pipe(upstream.getInputStream(), client.getOutputStream(), closeBoth, ended);
    }

    /** One direction: a reader stamps each chunk with its due time, a writer passes it on when due. */
    private void pipe(InputStream from, OutputStream to, Runnable closeBoth, Runnable ended) {
        DelayQueue<Chunk> due = new DelayQueue<>();
        threads.execute(() -> {
            long lastDue = System.nanoTime();
            byte[] buffer = new byte[CHUNK];
            try {
                for (int read; (read = from.read(buffer)) >= 0;) {
                    // Never before an earlier chunk, even when the delay was just shortened.
                    lastDue = Math.max(lastDue, System.nanoTime() + delayNanos);
                    due.put(new Chunk(Arrays.copyOf(buffer, read), lastDue, sequence.incrementAndGet()));
                }
            } catch (IOException e) {
                // reset or closed: end this direction after what is already queued
            }
            due.put(new Chunk(null, lastDue, sequence.incrementAndGet()));
            ended.run();
        });
        threads.execute(() -> {
            try {
                for (Chunk chunk = due.take(); chunk.bytes != null; chunk = due.take()) {
                    to.write(chunk.bytes);
                    to.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side is gone, or the relay is closing
            } finally {
                closeBoth.run();
                ended.run();
            }
        });
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(DelayingTcpProxy::closeQuietly);
        threads.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    /** Bytes read at once, due at {@code dueNanos}; {@code null} bytes mark the end of the stream. */
    private record Chunk(byte[] bytes, long dueNanos, long sequence) implements Delayed {

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Chunk that = (Chunk) other;
            int byTime = Long.signum(dueNanos - that.dueNanos); // nanoTime values: compare differences
            return byTime != 0 ? byTime : Long.compare(sequence, that.sequence);
        }
    }
}
