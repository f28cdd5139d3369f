package dev.coldsendproxy.connections;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP/1.1 connection held open across requests, to show an established caller stays served. */
final class KeepAliveCaller implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private KeepAliveCaller(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static KeepAliveCaller connect(int port) throws IOException {
        return new KeepAliveCaller(new Socket("127.0.0.1", port));
    }

    /** GETs {@code path} on this same connection and returns the status, reading the whole answer. */
    int get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead();
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        in.readNBytes(length);
        return Integer.parseInt(head.substring(9, 12));
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the proxy closed the established connection");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
