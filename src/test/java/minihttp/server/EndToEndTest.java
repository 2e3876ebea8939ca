package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * End-to-end tests over real sockets on 127.0.0.1: a real server, raw clients that write exact bytes, and the
 * JDK's HttpClient. Every test is bounded by the class timeout (run preemptively) and by socket read timeouts.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EndToEndTest {

    private static final String PLAINTEXT_BODY = "Hello, World!";
    private static final Response PLAINTEXT = Response.text(PLAINTEXT_BODY);
    private static final String NOT_FOUND_BODY = "Not Found\n";
    private static final String NOT_ALLOWED_BODY = "Method Not Allowed\n";
    private static final String FAILED_BODY = "Internal Server Error\n";
    private static final String EMPTY_BODY = "Internal Server Error: no response\n";

    private RunningServer server;
    private final OpenedClients closeables = new OpenedClients();

    /**
     * The routes the tests use. {@code /delay} and {@code /echo-later} read their request only after the delay,
     * which the {@code Request} contract allows (it is valid until the Mono completes): that checks the
     * connection keeps the request's bytes alive while a response is pending.
     */
    static Service testService() {
        return Router.builder()
                .get("/plaintext", Service.constant(PLAINTEXT))
                .get("/delay", request -> {
                    long ms = Long.parseLong(request.queryParam("ms"));
                    return Mono.delay(Duration.ofMillis(ms))
                            .map(x -> Response.text(request.queryParam("i") + ":" + request.queryParam("ms")));
                })
                .post("/echo", Service.sync(r -> Response.text(r.bodyAsString(UTF_8))))
                .post("/echo-later", request -> Mono.delay(Duration.ofMillis(20))
                        .map(x -> Response.text(request.bodyAsString(UTF_8))))
                .get("/throw", request -> {
                    throw new IllegalStateException("thrown on purpose by the test service");
                })
                .get("/throw-error", request -> {
                    throw new AssertionError("an Error thrown on purpose by the test service");
                })
                .get("/throw-checked", request -> sneakyThrow(new IOException("a checked exception thrown sneakily")))
                .get("/supplier-error", request -> Mono.fromSupplier(() -> {
                    throw new AssertionError("an Error thrown on purpose by the test service's supplier");
                }))
                .get("/error", request -> Mono.error(new IllegalStateException("Mono.error on purpose")))
                .get("/empty", request -> Mono.empty())
                .get("/null", request -> null)
                .get("/later-error", request -> Mono.delay(Duration.ofMillis(10))
                        .then(Mono.error(new IllegalStateException("late Mono.error on purpose"))))
                .get("/later-empty", request -> Mono.delay(Duration.ofMillis(10)).then(Mono.empty()))
                // Misuse: a ByteBuf body is released once written, so this one can be answered once only.
                .get("/buffer-twice", Service.constant(Response.status(HttpStatus.OK).contentType("text/plain")
                        .body(Unpooled.copiedBuffer("once", StandardCharsets.US_ASCII))))
                .build();
    }

    /** Throws {@code error} past the compiler's check, as Lombok's {@code @SneakyThrows} and Kotlin code do. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> Mono<Response> sneakyThrow(Throwable error) throws T {
        throw (T) error;
    }

    @BeforeEach
    void start() {
        server = HttpServer.create().port(0).threads(1).handle(testService()).bind();
    }

    @AfterEach
    void stop() throws Exception {
        closeables.closeAll();
        if (server != null) {
            server.close();
        }
    }

    private RawClient connect() throws IOException {
        return connect(server.port());
    }

    private RawClient connect(int port) throws IOException {
        RawClient client = new RawClient(port);
        closeables.add(client);
        return client;
    }

    // ---------------------------------------------------------------- requests and expected responses

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    static String post(String target, String body) {
        byte[] bytes = body.getBytes(UTF_8);
        return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: "
                + bytes.length + "\r\n\r\n" + new String(bytes, ISO_8859_1);
    }

    /**
     * Checks a whole response: version, status, reason, exactly the headers Server, Content-Type,
     * Content-Length and Date (Date parseable, Content-Length equal to the body) plus {@code extra} name/value
     * pairs, and nothing else; in particular no {@code Connection} unless expected.
     */
    static void assertResponse(RawClient.Response r, int status, String reason, String body, String... extra) {
        assertAll(r.toString(),
                () -> assertEquals("HTTP/1.1", r.version()),
                () -> assertEquals(status, r.status()),
                () -> assertEquals(reason, r.reason()),
                () -> assertEquals(body, r.body()),
                () -> assertEquals("minihttp", r.header("Server")),
                () -> assertEquals("text/plain", r.header("Content-Type")),
                () -> assertEquals(String.valueOf(r.bodyBytes().length), r.header("Content-Length")),
                () -> assertDate(r.header("Date")),
                () -> {
                    for (int i = 0; i < extra.length; i += 2) {
                        assertEquals(extra[i + 1], r.header(extra[i]), extra[i]);
                    }
                },
                () -> assertEquals(4 + extra.length / 2, r.headers().size(), "header count"));
    }

    static void assertDate(String date) {
        assertNotNull(date, "Date");
        ZonedDateTime parsed = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME);
        long skew = Math.abs(parsed.toEpochSecond() - System.currentTimeMillis() / 1000);
        assertTrue(skew <= 5, "Date is " + skew + " s away from now: " + date);
    }

    /** Runs assertions, naming {@code context} in the failure. */
    static void inContext(String context, org.junit.jupiter.api.function.Executable assertions) {
        try {
            assertions.execute();
        } catch (Throwable t) {
            throw new AssertionError(context + ": " + t.getMessage(), t);
        }
    }

    static void assertPlaintext(RawClient.Response r) {
        assertResponse(r, 200, "OK", PLAINTEXT_BODY);
    }

    // ---------------------------------------------------------------- 1. pipelining in one write

    @Test
    void sixteenPipelinedPlaintextRequestsInOneWrite() throws Exception {
        RawClient client = connect();
        client.write(get("/plaintext").repeat(16));
        List<RawClient.Response> responses = client.read(16);
        responses.forEach(EndToEndTest::assertPlaintext);
        assertFalse(client.closedByServer(100), "keep-alive connection was closed");
        // and the connection still serves another round
        client.write(get("/plaintext").repeat(16));
        client.read(16).forEach(EndToEndTest::assertPlaintext);
    }

    @Test
    void sixteenPipelinedMixedRequestsInOneWriteAnswerInOrder() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            requests.append(switch (i % 4) {
                case 0 -> get("/plaintext");
                case 1 -> get("/nope");
                case 2 -> "POST /plaintext HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n";
                default -> post("/echo", "body-" + i);
            });
        }
        RawClient client = connect();
        client.write(requests.toString());
        List<RawClient.Response> responses = client.read(16);
        for (int i = 0; i < 16; i++) {
            RawClient.Response r = responses.get(i);
            switch (i % 4) {
                case 0 -> assertPlaintext(r);
                case 1 -> assertResponse(r, 404, "Not Found", NOT_FOUND_BODY);
                case 2 -> assertResponse(r, 405, "Method Not Allowed", NOT_ALLOWED_BODY, "Allow", "GET, HEAD");
                default -> assertResponse(r, 200, "OK", "body-" + i);
            }
        }
        assertFalse(client.closedByServer(100), "keep-alive connection was closed");
    }

    // ---------------------------------------------------------------- 2. order under random delays

    /** 32 requests, two of three delayed 0..50 ms at random, the rest answered at once; returns the expected bodies. */
    static List<String> delayedMix(Random random, StringBuilder requests, int count) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i % 3 == 2) {
                requests.append(get("/plaintext"));
                expected.add(PLAINTEXT_BODY);
            } else {
                int ms = random.nextInt(51);
                requests.append(get("/delay?ms=" + ms + "&i=" + i));
                expected.add(i + ":" + ms);
            }
        }
        return expected;
    }

    static List<String> bodies(List<RawClient.Response> responses) {
        List<String> bodies = new ArrayList<>();
        for (RawClient.Response r : responses) {
            assertResponse(r, 200, "OK", r.body());
            bodies.add(r.body());
        }
        return bodies;
    }

    @Test
    void randomDelaysKeepRequestOrder() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        RawClient client = connect();
        for (int round = 0; round < 3; round++) {
            StringBuilder requests = new StringBuilder();
            List<String> expected = delayedMix(random, requests, 32);
            client.write(requests.toString());
            assertEquals(expected, bodies(client.read(32)), "seed " + seed + ", round " + round);
        }
        assertFalse(client.closedByServer(100), "keep-alive connection was closed");
    }

    @Test
    void randomDelaysKeepRequestOrderOnSeveralConnectionsAtOnce() throws Exception {
        try (RunningServer twoLoops = HttpServer.create().port(0).threads(2).handle(testService()).bind()) {
            int connections = 8;
            long seed = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(connections);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    Random random = new Random(seed + c);
                    results.add(pool.submit(() -> {
                        try (RawClient client = new RawClient(twoLoops.port())) {
                            for (int round = 0; round < 3; round++) {
                                StringBuilder requests = new StringBuilder();
                                List<String> expected = delayedMix(random, requests, 32);
                                client.write(requests.toString());
                                assertEquals(expected, bodies(client.read(32)), "seed " + seed);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : results) {
                    f.get(8, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void delayedRequestsInSeparateWritesStayInOrder() throws Exception {
        // Each write is its own read on the server, so each is its own batch: a slow batch must hold back the
        // quick ones written after it.
        RawClient client = connect();
        client.write(get("/delay?ms=150&i=0"));
        Thread.sleep(20);
        client.write(get("/plaintext"));
        Thread.sleep(20);
        client.write(get("/delay?ms=10&i=2"));
        Thread.sleep(20);
        client.write(post("/echo", "three"));
        List<RawClient.Response> r = client.read(4);
        assertResponse(r.get(0), 200, "OK", "0:150");
        assertPlaintext(r.get(1));
        assertResponse(r.get(2), 200, "OK", "2:10");
        assertResponse(r.get(3), 200, "OK", "three");
    }

    // ---------------------------------------------------------------- 3. requests split across writes

    @Test
    void requestWrittenByteByByte() throws Exception {
        RawClient client = connect();
        byte[] request = get("/plaintext").getBytes(ISO_8859_1);
        client.writeSplit(request, everyOffset(request.length), 2);
        assertPlaintext(client.read());

        byte[] echo = post("/echo", "split body").getBytes(ISO_8859_1);
        client.writeSplit(echo, everyOffset(echo.length), 1);
        assertResponse(client.read(), 200, "OK", "split body");

        byte[] delayed = post("/echo-later", "read after a delay").getBytes(ISO_8859_1);
        client.writeSplit(delayed, everyOffset(delayed.length), 1);
        assertResponse(client.read(), 200, "OK", "read after a delay");
    }

    private static int[] everyOffset(int length) {
        int[] cuts = new int[length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return cuts;
    }

    @Test
    void twoPipelinedRequestsSplitAtEveryOffset() throws Exception {
        RawClient client = connect();
        String echoBody = "pipelined body";
        byte[] pair = (get("/plaintext") + post("/echo", echoBody)).getBytes(ISO_8859_1);
        for (int cut = 1; cut < pair.length; cut++) {
            client.writeSplit(pair, new int[] {cut}, 3);
            List<RawClient.Response> r = client.read(2);
            inContext("cut at " + cut, () -> {
                assertPlaintext(r.get(0));
                assertResponse(r.get(1), 200, "OK", echoBody);
            });
        }
    }

    @Test
    void delayedRequestThenPartialRequestSplitAtSeveralOffsets() throws Exception {
        // The first request is still being served (it reads its query after a delay) while the second one is
        // incomplete: the bytes the first reads must stay put while the second one's are kept for the next read.
        RawClient client = connect();
        String first = get("/delay?ms=40&i=first");
        String second = post("/echo-later", "second body");
        byte[] pair = (first + second).getBytes(ISO_8859_1);
        int boundary = first.length();
        int[][] cutSets = {
            {boundary + 1}, {boundary + 5}, {boundary + 20}, {pair.length - 1}, {boundary - 1},
            {boundary + 3, boundary + 30, pair.length - 4}, {10, boundary + 2, pair.length - 1},
        };
        for (int[] cuts : cutSets) {
            client.writeSplit(pair, cuts, 10);
            List<RawClient.Response> r = client.read(2);
            inContext("cuts at " + java.util.Arrays.toString(cuts), () -> {
                assertResponse(r.get(0), 200, "OK", "first:40");
                assertResponse(r.get(1), 200, "OK", "second body");
            });
        }
    }

    @Test
    void largeBodyAcrossManyReadsIsEchoed() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 300_000; i++) {
            body.append("line ").append(i).append('\n');
        }
        RawClient client = connect();
        client.write(post("/echo", body.toString()) + get("/plaintext"));
        assertResponse(client.read(), 200, "OK", body.toString());
        assertPlaintext(client.read());
    }

    // ---------------------------------------------------------------- 4. java.net.http.HttpClient

    @Test
    void jdkHttpClientGetsPlaintextRepeatedlyOnOneKeepAliveConnection() throws Exception {
        try (CountingProxy proxy = new CountingProxy(server.port())) {
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(3))
                    .build();
            URI uri = URI.create("http://127.0.0.1:" + proxy.port() + "/plaintext");
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals(HttpClient.Version.HTTP_1_1, response.version());
                assertEquals(PLAINTEXT_BODY, response.body());
                assertEquals("text/plain", response.headers().firstValue("content-type").orElse(null));
                assertEquals("13", response.headers().firstValue("content-length").orElse(null));
                assertEquals("minihttp", response.headers().firstValue("server").orElse(null));
                assertDate(response.headers().firstValue("date").orElse(null));
            }
            assertEquals(1, proxy.accepted(), "the client should have reused one keep-alive connection");
        }
    }

    @Test
    void jdkHttpClientPostsBodiesToAnEchoRoute() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .build();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/echo");
        StringBuilder large = new StringBuilder();
        while (large.length() < 200_000) {
            large.append("0123456789 äöü ✓\n");
        }
        for (String body : List.of("hello", "héllo wörld ✓", "", large.toString())) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                            .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8));
            assertEquals(200, response.statusCode());
            assertEquals(body, response.body());
            assertEquals(String.valueOf(body.getBytes(UTF_8).length),
                    response.headers().firstValue("content-length").orElse(null));
        }
        HttpResponse<String> notFound = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/nope"))
                        .timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, notFound.statusCode());
        assertEquals(NOT_FOUND_BODY, notFound.body());
    }

    // ---------------------------------------------------------------- 5. bad input and connection ends

    /** A 4xx/5xx answer to bad input: a short text body, Connection: close, then the server closes. */
    static void assertErrorAndClose(RawClient client, int status, String reason) throws IOException {
        RawClient.Response r = client.read();
        assertAll(r.toString(),
                () -> assertEquals("HTTP/1.1", r.version()),
                () -> assertEquals(status, r.status()),
                () -> assertEquals(reason, r.reason()),
                () -> assertEquals("close", r.header("Connection")),
                () -> assertEquals("text/plain", r.header("Content-Type")),
                () -> assertEquals("minihttp", r.header("Server")),
                () -> assertDate(r.header("Date")),
                () -> assertTrue(r.bodyBytes().length > 1 && r.bodyBytes().length < 200, "short body: " + r.body()),
                () -> assertTrue(r.body().endsWith("\n"), "body ends with a newline"));
        assertTrue(client.closedByServer(2_000), "server should close the connection after " + status);
    }

    @Test
    void malformedRequestLineAfterTwoGoodPipelinedRequests() throws Exception {
        RawClient client = connect();
        client.write(get("/plaintext") + get("/plaintext") + "NOT A VALID REQUEST LINE\r\n\r\n");
        assertPlaintext(client.read());
        assertPlaintext(client.read());
        assertErrorAndClose(client, 400, "Bad Request");
    }

    @Test
    void malformedRequestLineAfterADelayedRequest() throws Exception {
        RawClient client = connect();
        client.write(get("/delay?ms=50&i=0") + get("/plaintext") + "GET /x\r\n\r\n");
        assertResponse(client.read(), 200, "OK", "0:50");
        assertPlaintext(client.read());
        assertErrorAndClose(client, 400, "Bad Request");
    }

    @Test
    void malformedHeaderNameIsRejected() throws Exception {
        RawClient client = connect();
        client.write("GET /plaintext HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n");
        assertErrorAndClose(client, 400, "Bad Request");
    }

    @Test
    void missingHostIsRejected() throws Exception {
        RawClient client = connect();
        client.write("GET /plaintext HTTP/1.1\r\n\r\n");
        assertErrorAndClose(client, 400, "Bad Request");
    }

    @Test
    void unsupportedVersionGets505() throws Exception {
        RawClient client = connect();
        client.write("GET /plaintext HTTP/2.0\r\nHost: localhost\r\n\r\n");
        assertErrorAndClose(client, 505, "HTTP Version Not Supported");
    }

    @Test
    void unknownTransferCodingGets501() throws Exception {
        RawClient client = connect();
        client.write("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");
        assertErrorAndClose(client, 501, "Not Implemented");
    }

    @Test
    void connectionCloseIsAnsweredThenClosed() throws Exception {
        RawClient client = connect();
        // A request pipelined after the one that closes must not be answered.
        client.write("GET /plaintext HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" + get("/nope"));
        assertResponse(client.read(), 200, "OK", PLAINTEXT_BODY, "Connection", "close");
        assertTrue(client.closedByServer(2_000), "server should close after Connection: close");
    }

    @Test
    void connectionCloseOnADelayedRequestClosesAfterIt() throws Exception {
        RawClient client = connect();
        client.write(get("/plaintext")
                + "GET /delay?ms=50&i=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertPlaintext(client.read());
        assertResponse(client.read(), 200, "OK", "1:50", "Connection", "close");
        assertTrue(client.closedByServer(2_000), "server should close after Connection: close");
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
        RawClient client = connect();
        client.write("GET /plaintext HTTP/1.0\r\n\r\n");
        assertResponse(client.read(), 200, "OK", PLAINTEXT_BODY, "Connection", "close");
        assertTrue(client.closedByServer(2_000), "server should close an HTTP/1.0 connection without keep-alive");
    }

    @Test
    void http10WithKeepAliveStaysOpen() throws Exception {
        RawClient client = connect();
        String request = "GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
        client.write(request);
        RawClient.Response first = client.read();
        assertEquals(200, first.status());
        assertEquals(PLAINTEXT_BODY, first.body());
        assertFalse("close".equalsIgnoreCase(first.header("Connection")), "must not announce close: " + first);
        assertFalse(client.closedByServer(300), "HTTP/1.0 keep-alive connection was closed");
        client.write(request + request);
        assertEquals(PLAINTEXT_BODY, client.read().body());
        assertEquals(PLAINTEXT_BODY, client.read().body());
        assertFalse(client.closedByServer(100), "HTTP/1.0 keep-alive connection was closed");
    }

    /**
     * An HTTP/1.0 client only keeps a connection when the response says {@code Connection: keep-alive}
     * (RFC 9112 section 9.3 and appendix C.2.2; ApacheBench {@code -k} relies on it): the server keeps the
     * connection open, so it has to say so.
     */
    @Test
    void http10KeepAliveResponseAnnouncesKeepAlive() throws Exception {
        RawClient client = connect();
        client.write("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RawClient.Response r = client.read();
        assertEquals(200, r.status());
        assertNotNull(r.header("Connection"), "no Connection header in the answer to an HTTP/1.0 keep-alive request");
        assertEquals("keep-alive", r.header("Connection").toLowerCase(java.util.Locale.ROOT));
    }

    // ---------------------------------------------------------------- 6. failing services

    @Test
    void failingServicesAnswer500AndKeepTheConnection() throws Exception {
        RawClient client = connect();
        String[][] cases = {
            {"/throw", FAILED_BODY}, {"/throw-error", FAILED_BODY}, {"/throw-checked", FAILED_BODY},
            {"/supplier-error", FAILED_BODY}, {"/error", FAILED_BODY}, {"/empty", EMPTY_BODY}, {"/null", EMPTY_BODY},
            {"/later-error", FAILED_BODY}, {"/later-empty", EMPTY_BODY},
        };
        for (String[] c : cases) {
            client.write(get(c[0]));
            assertResponse(client.read(), 500, "Internal Server Error", c[1]);
            client.write(get("/plaintext"));
            assertPlaintext(client.read());
        }
        // and all of them pipelined in one write, between good requests
        StringBuilder requests = new StringBuilder(get("/plaintext"));
        for (String[] c : cases) {
            requests.append(get(c[0])).append(get("/delay?ms=5&i=" + c[0]));
        }
        client.write(requests.toString());
        assertPlaintext(client.read());
        for (String[] c : cases) {
            assertResponse(client.read(), 500, "Internal Server Error", c[1]);
            assertResponse(client.read(), 200, "OK", c[0] + ":5");
        }
        assertFalse(client.closedByServer(100), "connection closed after a failing service");
    }

    /** A response that cannot be encoded (its ByteBuf body released already) is answered with 500, as a failure. */
    @Test
    void aResponseThatCannotBeEncodedAnswers500AndKeepsTheConnection() throws Exception {
        RawClient client = connect();
        client.write(get("/buffer-twice") + get("/buffer-twice") + get("/plaintext"));
        assertResponse(client.read(), 200, "OK", "once");
        assertResponse(client.read(), 500, "Internal Server Error", FAILED_BODY);
        assertPlaintext(client.read());
        client.write(get("/delay?ms=5&i=1") + get("/buffer-twice") + get("/plaintext"));
        assertResponse(client.read(), 200, "OK", "1:5");
        assertResponse(client.read(), 500, "Internal Server Error", FAILED_BODY);
        assertPlaintext(client.read());
    }

    // ---------------------------------------------------------------- 8. many connections

    @Test
    void twoHundredConnectionsWithSixteenPipelinedRequestsEach() throws Exception {
        int connections = 200;
        long start = System.nanoTime();
        List<RawClient> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            clients.add(connect());
        }
        System.err.println("connected in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        String batch = get("/plaintext").repeat(8) + get("/nope") + get("/plaintext").repeat(7);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try {
            for (RawClient client : clients) {
                client.write(batch); // all 200 connections have their requests in flight at once
            }
            System.err.println("written in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            List<Future<?>> results = new ArrayList<>();
            for (RawClient client : clients) {
                results.add(pool.submit(() -> {
                    try {
                        List<RawClient.Response> r = client.read(16);
                        for (int i = 0; i < 16; i++) {
                            if (i == 8) {
                                assertResponse(r.get(i), 404, "Not Found", NOT_FOUND_BODY);
                            } else {
                                assertPlaintext(r.get(i));
                            }
                            ok.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get(8, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        if (!errors.isEmpty()) {
            fail(errors.size() + " connection(s) failed; first: " + errors.peek(), errors.peek());
        }
        assertEquals(connections * 16, ok.get());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.err.println("all read in " + ms);
        assertTrue(ms < 5_000, "took " + ms + " ms");
    }

    // ---------------------------------------------------------------- 9. clients that go away

    @Test
    void clientClosingWhileAResponseIsPendingLeavesTheServerHealthy() throws Exception {
        RawClient closing = connect();
        closing.write(get("/delay?ms=200&i=0"));
        closing.close();

        RawClient resetting = connect();
        resetting.write(get("/delay?ms=200&i=1"));
        resetting.abort();

        // Several batches queued behind a pending one (separate writes are separate reads), then gone.
        RawClient queued = connect();
        queued.write(get("/delay?ms=200&i=2") + get("/plaintext"));
        Thread.sleep(20);
        queued.write(get("/delay?ms=10&i=3"));
        Thread.sleep(20);
        queued.write(post("/echo-later", "never read"));
        Thread.sleep(20);
        queued.write("GET /plain"); // and half a request in the decoder
        queued.close();

        RawClient fresh = connect();
        fresh.write(get("/plaintext"));
        assertPlaintext(fresh.read());

        Thread.sleep(300); // let the pending responses complete (and be dropped) before the leak check
        RawClient after = connect();
        after.write(get("/delay?ms=5&i=after") + get("/plaintext"));
        assertResponse(after.read(), 200, "OK", "after:5");
        assertPlaintext(after.read());
    }

    /** A TCP relay that counts the connections it accepts, to see whether a client reused one. */
    static final class CountingProxy implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        private final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        CountingProxy(int target) throws IOException {
            this.target = target;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::acceptLoop, "counting-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket client = listener.accept();
                    accepted.incrementAndGet();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    client.setTcpNoDelay(true);
                    upstream.setTcpNoDelay(true);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client.getInputStream(), upstream.getOutputStream(), upstream);
                    pump(upstream.getInputStream(), client.getOutputStream(), client);
                }
            } catch (IOException closed) {
                // listener closed
            }
        }

        private static void pump(InputStream from, OutputStream to, Socket toSocket) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try {
                    int n;
                    while ((n = from.read(buf)) >= 0) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                } catch (IOException ignored) {
                    // either side went away
                } finally {
                    try {
                        toSocket.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            }, "counting-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
