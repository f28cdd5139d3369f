package dev.coldsendproxy.cache;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/**
 * One stored answer: the upstream's bytes as they came, when they came, and the header values
 * that never change for these bytes, computed once here so that a hit only copies references.
 */
public final class CachedLead {

    /** Rough bookkeeping cost of an entry beside its body: key, node, this object, the ETag, the wire buffer. */
    static final int ENTRY_OVERHEAD_BYTES = 320;

    private final int status;
    private final byte[] body;
    private final long fetchedAtNanos;
    private final String etag;
    /** {@link #wire()}: made once, so no hit wraps the body again. */
    private final Buffer wire;
    /**
     * Asks this copy answered, counted without a fence (lost updates only make it approximate) so
     * that a hit stays free of contended writes' costs beyond one plain store: how the spare-budget
     * refresh finds the most-asked leads.
     */
    private int asks;

    CachedLead(int status, byte[] body, long fetchedAtNanos) {
        this.status = status;
        this.body = body;
        this.fetchedAtNanos = fetchedAtNanos;
        this.etag = strongEtag(body);
        this.wire = Buffer.buffer(Unpooled.wrappedBuffer(body));
    }

    /** Upstream status this entry stands for: 200 or 404. */
    public int status() {
        return status;
    }

    /** The upstream's body, byte for byte; callers must not modify it. */
    public byte[] body() {
        return body;
    }

    /**
     * The body as a Vert.x buffer over the same bytes (no copy), for the fast hit route: Vert.x
     * writes a slice of it, so one instance serves every hit on every event loop. Callers must not
     * write to it.
     */
    public Buffer wire() {
        return wire;
    }

    /** Ticker time at which the upstream answered. */
    public long fetchedAtNanos() {
        return fetchedAtNanos;
    }

    /** Counts one ask answered with this copy. */
    public void asked() {
        asks++;
    }

    /** Asks this copy answered (approximate). */
    public int asks() {
        return asks;
    }

    /** Strong validator for {@code ETag}/{@code If-None-Match}: a digest of the body, quoted. */
    public String etag() {
        return etag;
    }

    int weight() {
        long weight = (long) body.length + ENTRY_OVERHEAD_BYTES;
        return (int) Math.min(Integer.MAX_VALUE, weight);
    }

    private static String strongEtag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            return '"' + encoded.substring(0, 27) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "CachedLead[status=" + status + ", bytes=" + body.length + ", etag=" + etag + "]";
    }
}
