package minihttp.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.server.HttpServer;
import minihttp.server.RunningServer;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/** A listener hears of every connection, exchange and decode error of a real server, with the route matched. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ListenerTest {

    private static final class Recording implements HttpListener {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

        @Override
        public void connectionOpened(SocketAddress remote) {
            opened.incrementAndGet();
        }

        @Override
        public void connectionClosed(SocketAddress remote) {
            closed.incrementAndGet();
        }

        @Override
        public void exchange(Exchange exchange) {
            exchanges.add(exchange);
        }

        @Override
        public void decodeError(SocketAddress remote, HttpStatus status, String message) {
            errors.add(status.code() + " " + message);
        }
    }

    @Test
    void hearsConnectionsExchangesWithTheirRoutesAndDecodeErrors() throws Exception {
        Recording recording = new Recording();
        Router router = Router.builder()
                .get("/plaintext", Service.constant(Response.text("Hello, World!")))
                .get("/users/{id}", Service.sync(r -> Response.text("user " + r.pathParam("id"))))
                .get("/slow", r -> Mono.delay(Duration.ofMillis(60)).map(t -> Response.text("slow")))
                .get("/boom", r -> Mono.error(new IllegalStateException("expected by the test")))
                .build();
        try (RunningServer server = HttpServer.create().threads(1).handle(router).listener(recording).bind()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (String path : List.of("/plaintext", "/users/7", "/slow", "/boom", "/nope")) {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/users/8"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            try (Socket bad = new Socket("127.0.0.1", server.port())) {
                OutputStream out = bad.getOutputStream();
                out.write("GET /x HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = bad.getInputStream();
                while (in.read() >= 0) {
                    // the 400, then the close
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((recording.exchanges.size() < 6 || recording.errors.isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Map<String, Exchange> byTarget = recording.exchanges.stream()
                    .collect(Collectors.toMap(Exchange::target, Function.identity()));
            assertEquals("/plaintext 200 13", summary(byTarget.get("/plaintext")));
            assertEquals("/users/{id} 200 6", summary(byTarget.get("/users/7")));
            assertEquals("/users/{id} 200 0", summary(byTarget.get("/users/8")), "HEAD sends no body");
            assertEquals("/slow 200 4", summary(byTarget.get("/slow")));
            assertEquals("/boom 500 22", summary(byTarget.get("/boom")));
            assertEquals("null 404 10", summary(byTarget.get("/nope")));
            assertTrue(byTarget.get("/slow").durationNanos() >= TimeUnit.MILLISECONDS.toNanos(50),
                    "the duration counts until the response: " + byTarget.get("/slow"));
            assertEquals("GET", byTarget.get("/plaintext").method());
            assertEquals(List.of("400 malformed field name"), List.copyOf(recording.errors));
            assertTrue(recording.opened.get() >= 2, "opened " + recording.opened);
        }
        assertEquals(recording.opened.get(), recording.closed.get(), "every connection opened is heard closed");
    }

    /** A response that cannot be sent (its ByteBuf body answered before) is heard as the 500 the client gets. */
    @Test
    void aResponseAnsweredTwiceIsHeardAsThe500ItBecomes() throws Exception {
        Recording recording = new Recording();
        Service once = Service.constant(Response.status(HttpStatus.OK)
                .body(io.netty.buffer.Unpooled.copiedBuffer("once", StandardCharsets.US_ASCII)));
        try (RunningServer server = HttpServer.create().threads(1).handle(once).listener(recording).bind()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (String method : List.of("GET", "GET", "HEAD")) {
                statuses.add(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            assertEquals(List.of(200, 500, 500), statuses);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (recording.exchanges.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(200, 500, 500), recording.exchanges.stream().map(Exchange::status).toList());
        }
    }

    @Test
    void aRequestKnowsItsAddressesAndScheme() throws Exception {
        Service whoAmI = Service.sync(r -> Response.text(r.scheme() + " "
                + ((java.net.InetSocketAddress) r.remoteAddress()).getAddress().getHostAddress() + " "
                + ((java.net.InetSocketAddress) r.localAddress()).getPort()));
        try (RunningServer server = HttpServer.create().threads(1).handle(whoAmI).bind()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertEquals("http 127.0.0.1 " + server.port(), body);
        }
    }

    /** A listener that throws at every call, in every callback, errors too, changes nothing the server sends. */
    @Test
    void aListenerThatThrowsChangesNothingAndTheOthersStillHear() throws Exception {
        HttpListener throwing = new HttpListener() {
            @Override
            public void connectionOpened(SocketAddress remote) {
                // What a listener needing a missing optional dependency throws: not fatal to the server.
                throw new NoClassDefFoundError("expected by the test: opened");
            }

            @Override
            public void connectionClosed(SocketAddress remote) {
                throw new IllegalStateException("expected by the test: closed");
            }

            @Override
            public void exchange(Exchange exchange) {
                throw new AssertionError("expected by the test: exchange");
            }

            @Override
            public void decodeError(SocketAddress remote, HttpStatus status, String message) {
                throw new IllegalStateException("expected by the test: decodeError");
            }
        };
        Recording recording = new Recording();
        Router router = Router.builder()
                .get("/plaintext", Service.constant(Response.text("Hello, World!")))
                .get("/slow", r -> Mono.delay(Duration.ofMillis(30)).map(t -> Response.text("slow")))
                .build();
        try (RunningServer server = HttpServer.create().threads(1).handle(router)
                .listener(HttpListener.all(List.of(throwing, recording))).bind()) {
            String answers = exchange(server.port(), "GET /plaintext HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n" + "GET /x HTTP/1.1\r\nBad Header: x\r\n\r\n");
            assertEquals(List.of("HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 400 Bad Request"),
                    Pattern.compile("HTTP/1\\.1 \\d{3} [A-Za-z ]+").matcher(answers).results()
                            .map(MatchResult::group).toList(), answers);
            assertTrue(answers.contains("Hello, World!") && answers.contains("slow"), answers);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (recording.closed.get() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, recording.exchanges.size(), "the second listener heard every exchange");
            assertEquals(List.of("400 malformed field name"), List.copyOf(recording.errors));
            assertEquals(1, recording.opened.get());
            assertEquals(1, recording.closed.get());
        }
    }

    /** A request whose head does not arrive in time is answered 408, and the listener hears of it. */
    @Test
    void aRequestTimeoutIsHeard() throws Exception {
        Recording recording = new Recording();
        try (RunningServer server = HttpServer.create().threads(1).handle(Service.constant(Response.text("x")))
                .timeouts(minihttp.server.Timeouts.DEFAULT.withHeader(Duration.ofMillis(300)))
                .listener(recording).bind()) {
            String answer = exchange(server.port(), "GET /plaintext HTTP/1.1\r\nHo");
            assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout"), answer);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (recording.errors.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("408 request not received in time"), List.copyOf(recording.errors));
        }
    }

    /** Writes {@code requests} at once, then reads everything until the server closes. */
    private static String exchange(int port, String requests) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String summary(Exchange e) {
        return e.route() + " " + e.status() + " " + e.bytes();
    }
}
