package minihttp.examples;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import minihttp.server.RunningServer;

/** A real client over a socket on 127.0.0.1: the JDK's HttpClient, every call bounded in time. */
final class Http {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private Http() {}

    static HttpResponse<String> get(RunningServer server, String target) throws IOException, InterruptedException {
        return send(server, target, HttpRequest.newBuilder().GET());
    }

    static HttpResponse<String> post(RunningServer server, String target, String body)
            throws IOException, InterruptedException {
        return send(server, target, HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(RunningServer server, String target, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + target);
        return CLIENT.send(request.uri(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
