package dev.coldsendproxy.consumer;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.coldsendproxy.config.SecretDigest;
import dev.coldsendproxy.error.ProblemException;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Turns the {@code X-API-Key} a caller sends into a {@link Consumer}. Only SHA-256 digests of
 * consumer keys are configured; a presented key is hashed and compared in constant time against
 * every digest, and is never stored, logged or forwarded.
 *
 * <p>{@code @Singleton}, not {@code @ApplicationScoped}: a fresh hit calls it, and a client proxy's
 * context lookup on every call was 2 % of the event loop's busy time (docs/benchmarks.md).
 */
@Startup
@Singleton
public class ConsumerRegistry {


    private final AuthMode mode;
    private final List<Registered> registered;
    /** The same, as an array: every request walks it, and a list's iterator is an object per request. */
    private final Registered[] candidates;

    @Inject
    ConsumerRegistry(ConsumerConfig config) {
        this(config, LaunchMode.current());
    }

    ConsumerRegistry(ConsumerConfig config, LaunchMode launchMode) {
        this.mode = config.auth().mode();
        this.registered = register(config.consumers());
        this.candidates = registered.toArray(Registered[]::new);
        if (mode == AuthMode.KEYS && registered.isEmpty() && launchMode == LaunchMode.NORMAL) {
            throw new ConfigurationException("proxy.auth.mode=keys but no consumer is configured: set "
                    + "proxy.consumers.<name>.key-sha256 (env PROXY_CONSUMERS_<NAME>_KEY_SHA256) "
                    + "or proxy.auth.mode=none to rely on network policy alone");
        }
    }

    /**
     * The consumer owning {@code presentedKey}.
     *
     * @throws ProblemException 401 when the key is missing or matches no consumer
     */
    public Consumer authenticate(String presentedKey) {
        if (mode == AuthMode.NONE) {
            return Consumer.ANONYMOUS;
        }
        if (presentedKey == null || presentedKey.isEmpty()) {
            throw new ProblemException(401, "API key required: send your proxy key in the X-API-Key header");
        }
        byte[] digest = SecretDigest.sha256(presentedKey);
        Consumer match = null;
        for (Registered candidate : candidates) {
            if (candidate.key().matches(digest)) {
                match = candidate.consumer();
            }
        }
        if (match == null) {
            throw new ProblemException(401, "Invalid or revoked API key");
        }
        return match;
    }

    /** The configured consumers, for metrics and admin views (names and shares only). */
    public List<Consumer> consumers() {
        return mode == AuthMode.NONE ? List.of(Consumer.ANONYMOUS)
                : registered.stream().map(Registered::consumer).toList();
    }

    private static List<Registered> register(Map<String, ConsumerConfig.Entry> entries) {
        Map<String, ConsumerConfig.Entry> sorted = new TreeMap<>(entries);
        double explicit = 0;
        int implicit = 0;
        for (Map.Entry<String, ConsumerConfig.Entry> entry : sorted.entrySet()) {
            if (entry.getValue().upstreamShare().isPresent()) {
                double share = entry.getValue().upstreamShare().getAsDouble();
                if (!(share > 0 && share <= 1)) {
                    throw new ConfigurationException("proxy.consumers." + entry.getKey()
                            + ".upstream-share must be in (0, 1] but was " + share);
                }
                explicit += share;
            } else {
                implicit++;
            }
        }
        if (explicit > 1.0 + 1e-9) {
            throw new ConfigurationException("proxy.consumers.*.upstream-share add up to " + explicit
                    + ", more than the whole budget (1.0)");
        }
        double defaultShare = implicit == 0 ? 0 : (1.0 - explicit) / implicit;
        if (implicit > 0 && defaultShare <= 0) {
            throw new ConfigurationException("proxy.consumers.*.upstream-share leave nothing for the "
                    + implicit + " consumer(s) without an explicit share");
        }
        List<Registered> result = new ArrayList<>();
        for (Map.Entry<String, ConsumerConfig.Entry> entry : sorted.entrySet()) {
            String name = entry.getKey();
            String hex = entry.getValue().keySha256()
                    .orElseThrow(() -> new ConfigurationException("proxy.consumers." + name
                            + ".key-sha256 is missing: every consumer needs the SHA-256 of its key"));
            SecretDigest key = SecretDigest.parse("proxy.consumers." + name + ".key-sha256", hex);
            double share = entry.getValue().upstreamShare().orElse(defaultShare);
            long maxStale = entry.getValue().maxStale().map(Duration::toNanos).orElse(Consumer.NO_MAX_STALE);
            if (maxStale != Consumer.NO_MAX_STALE && maxStale < 0) {
                throw new ConfigurationException("proxy.consumers." + name + ".max-stale must not be negative but was "
                        + entry.getValue().maxStale().get());
            }
            result.add(new Registered(new Consumer(name, share, maxStale, entry.getValue().priority()), key));
        }
        return List.copyOf(result);
    }

    private record Registered(Consumer consumer, SecretDigest key) {
    }
}
