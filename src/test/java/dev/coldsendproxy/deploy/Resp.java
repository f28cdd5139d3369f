package dev.coldsendproxy.deploy;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection to a redis-server speaking its wire protocol (RESP 2), enough for a test to ask what
 * redis-cli would: each reply flattened to one line ({@code +OK}, {@code -NOAUTH ...}, {@code :1}, a
 * bulk string as itself, an array as its elements joined by spaces).
 */
final class Resp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Resp(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port, retrying until the server accepts (it may still be starting). */
    static Resp connect(int port, Duration limit) {
        AtomicReference<Resp> connected = new AtomicReference<>();
        await().atMost(limit).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            connected.set(new Resp(socket));
            return true;
        });
        return connected.get();
    }

    /** Sends one command and returns its reply as one line. */
    String call(String... args) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        command.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            command.writeBytes(bytes);
            command.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(command.toByteArray());
        out.flush();
        return reply();
    }

    private String reply() throws IOException {
        String line = line();
        switch (line.charAt(0)) {
            case '$': {
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    return "(nil)";
                }
                String value = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                line();
                return value;
            }
            case '*': {
                int count = Integer.parseInt(line.substring(1));
                List<String> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply());
                }
                return String.join(" ", items);
            }
            default:
                return line;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
        throw new IOException("redis-server closed the connection");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
