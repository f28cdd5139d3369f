package dev.coldsendproxy.lead;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code X-Request-Id} of a lead request: the caller's own when it is sane (so one id follows
 * a request through the consumer, the proxy and Coldsend), otherwise a new one. Generation uses
 * {@link ThreadLocalRandom}: ids must be unique, not unguessable, and this stays off any lock.
 */
final class RequestIds {

    /** Longest caller id kept; longer ones are replaced rather than truncated. */
    static final int MAX_LENGTH = 128;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private RequestIds() {
    }

    /** The caller's id if it is 1 to 128 characters of {@code A-Z a-z 0-9 . _ : -}, else a new one. */
    static String acceptOrCreate(String callerId) {
        return isSane(callerId) ? callerId : create();
    }

    static boolean isSane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 32 lower-case hex characters (128 random bits). */
    static String create() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] id = new byte[32]; // Latin-1 bytes, as the String stores them: half a char[]
        write(random.nextLong(), id, 0);
        write(random.nextLong(), id, 16);
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    private static void write(long bits, byte[] into, int offset) {
        for (int i = 15; i >= 0; i--) {
            into[offset + i] = HEX[(int) (bits & 0xF)];
            bits >>>= 4;
        }
    }
}
