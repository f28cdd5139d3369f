package dev.coldsendproxy.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP/1.1 GET client for the replay: keep-alive sockets, one per worker thread, so an
 * ask costs a write and a read instead of a general-purpose client's hand-offs. Only what the
 * report reads comes back: status, {@code X-Cache} and {@code Age}. An ask that waits for a
 * budget unit holds its worker; there are enough workers for the waits the replay allows.
 */
final class RawHttp implements AutoCloseable {

    /** What the report needs of one answer. */
    record Answer(int status, String cache, int age) {
    }

    private final String host;
    private final int port;
    private final ExecutorService workers;
    private final BlockingQueue<Connection> idle;

    RawHttp(String host, int port, int workers) {
        this.host = host;
        this.port = port;
        this.workers = Executors.newFixedThreadPool(workers, task -> {
            Thread thread = new Thread(task, "replay-http");
            thread.setDaemon(true);
            return thread;
        });
        this.idle = new ArrayBlockingQueue<>(workers);
    }

    /** Starts one GET of {@code path} with the consumer's key. */
    CompletableFuture<Answer> get(String path, String apiKey) {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nX-API-Key: " + apiKey + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return CompletableFuture.supplyAsync(() -> {
            Connection connection = idle.poll();
            try {
                if (connection == null) {
                    connection = new Connection(new Socket(host, port));
                }
                Answer answer = connection.exchange(request);
                idle.offer(connection);
                return answer;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, workers);
    }

    @Override
    public void close() {
        workers.shutdownNow();
        Connection connection;
        while ((connection = idle.poll()) != null) {
            connection.close();
        }
    }

    /** One keep-alive socket. */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
        }

        Answer exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            String cache = "";
            int age = 0;
            int length = 0;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "x-cache" -> cache = value;
                    case "age" -> age = Integer.parseInt(value);
                    case "content-length" -> length = Integer.parseInt(value);
                    default -> {
                    }
                }
            }
            in.skipNBytes(length);
            return new Answer(status, cache, age);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            int c;
            while ((c = in.read()) != '\n') {
                if (c == -1) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
