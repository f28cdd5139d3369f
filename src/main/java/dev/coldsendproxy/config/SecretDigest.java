package dev.coldsendproxy.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * A secret (a consumer key, the admin token) configured only as its SHA-256, so the secret itself
 * is never in configuration: parsed with a start-up failure that names the property, and compared
 * with what a caller presents in constant time.
 */
public final class SecretDigest {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    /** One digest per thread: in {@code proxy.auth.mode=keys} every request hashes the presented key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    private final byte[] digest;

    private SecretDigest(byte[] digest) {
        this.digest = digest;
    }

    /**
     * The digest configured as {@code property}, in hex (case and surrounding blanks ignored).
     *
     * @throws ConfigurationException naming the property when it is not 64 hex characters
     */
    public static SecretDigest parse(String property, String hex) {
        String normalized = hex.strip().toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(normalized).matches()) {
            throw new ConfigurationException(property + " must be 64 hex characters (a SHA-256 digest), got "
                    + normalized.length() + " characters");
        }
        return new SecretDigest(HexFormat.of().parseHex(normalized));
    }

    /** SHA-256 of a presented secret (UTF-8), to compare with {@link #matches(byte[])}. */
    public static byte[] sha256(String secret) {
        return SHA256.get().digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code presentedDigest} is this digest, compared in constant time. */
    public boolean matches(byte[] presentedDigest) {
        return MessageDigest.isEqual(digest, presentedDigest);
    }
}
