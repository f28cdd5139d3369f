package dev.coldsendproxy.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Fires many GETs at the proxy at the same moment and collects every answer. */
public final class ConcurrentGets {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ConcurrentGets() {
    }

    /** One GET, waiting for the answer. */
    public static HttpResponse<byte[]> get(URI uri) {
        return join(send(uri));
    }

    /** Sends all requests before waiting for any answer; answers come back in request order. */
    public static List<HttpResponse<byte[]>> getAll(List<URI> uris) {
        List<CompletableFuture<HttpResponse<byte[]>>> pending = new ArrayList<>();
        for (URI uri : uris) {
            pending.add(send(uri));
        }
        List<HttpResponse<byte[]>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<byte[]>> answer : pending) {
            answers.add(join(answer));
        }
        return answers;
    }

    /** Starts one GET without waiting. */
    public static CompletableFuture<HttpResponse<byte[]>> send(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Starts one GET with request headers given as name, value, name, value, ... */
    public static CompletableFuture<HttpResponse<byte[]>> send(URI uri, String... headers) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).headers(headers).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Waits for an answer started with {@link #send}. */
    public static HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> answer) {
        return join(answer);
    }

    private static HttpResponse<byte[]> join(CompletableFuture<HttpResponse<byte[]>> answer) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
