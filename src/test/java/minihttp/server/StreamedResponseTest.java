package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import minihttp.LeakCheck;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Streamed responses over real sockets: chunks as they come, in order with pipelined responses around them,
 * cancelled when the client goes away, the connection closed after a failure, HEAD, HTTP/1.0, server-sent events,
 * and a stream's demand that follows the socket's.
 */
@Timeout(value = 15, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamedResponseTest {

    /** A big chunk for the slow reader: wrapped around one shared array, so generating it costs nothing. */
    private static final byte[] BIG = new byte[256 * 1024];

    private RunningServer server;
    private volatile Sinks.Many<String> live;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicInteger generated = new AtomicInteger();
    private final Queue<Throwable> bodyErrors = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() {
        Service service = Router.builder()
                .get("/plaintext", Service.constant(Response.text("Hello, World!")))
                .get("/live", request -> {
                    live = Sinks.many().unicast().onBackpressureBuffer();
                    return Mono.just(Response.status(HttpStatus.OK).contentType("text/plain")
                            .bodyText(live.asFlux().doOnCancel(() -> cancelled.set(true))));
                })
                .get("/lines", Service.constant(Response.status(HttpStatus.OK)
                        .bodyText(Flux.just("one\n", "two\n", "three\n").doOnSubscribe(s -> subscribed.set(true)))))
                .get("/later", request -> Mono.delay(Duration.ofMillis(50)).map(x -> Response.status(HttpStatus.OK)
                        .bodyText(Flux.just("a", "b").delayElements(Duration.ofMillis(20)))))
                .get("/fails", Service.sync(request -> Response.status(HttpStatus.OK).bodyText(
                        Flux.concat(Flux.just("partial"), Flux.error(new IllegalStateException("on purpose"))))))
                .get("/declared", Service.sync(request -> Response.status(HttpStatus.OK)
                        .contentLength(Long.parseLong(request.queryParam("n"))).bodyText(Flux.just("hello"))))
                .get("/events", Service.sync(request -> Response.events(Flux.just("a", "b\nc"))))
                // reactor-netty's send(receive().retain()): the body, streamed back as it comes
                .post("/echo", Service.streaming(Service.sync(request -> Response.status(HttpStatus.OK)
                        .body(request.bodyStream().map(ByteBuf::retain)))))
                .post("/echo-later", Service.streaming(request -> Mono.delay(Duration.ofMillis(30))
                        .map(x -> Response.status(HttpStatus.OK).body(request.bodyStream().map(ByteBuf::retain)))))
                // Reads the body on another thread, so its response completes there.
                .post("/count-elsewhere", Service.streaming(request -> request.bodyStream().map(ByteBuf::retain)
                        .publishOn(Schedulers.boundedElastic())
                        .reduce(0L, (count, piece) -> {
                            long sum = count + piece.readableBytes();
                            piece.release();
                            return sum;
                        })
                        .map(count -> Response.text(Long.toString(count)))))
                // Takes one piece of the body and never asks for more, yet answers at once.
                .post("/take-one", Service.streaming(request -> {
                    request.bodyStream().subscribe(new BaseSubscriber<ByteBuf>() {
                        @Override
                        protected void hookOnSubscribe(Subscription subscription) {
                            request(1);
                        }

                        @Override
                        protected void hookOnError(Throwable error) {
                            bodyErrors.add(error);
                        }
                    });
                    return Mono.just(Response.text("took one"));
                }))
                // A ready response whose stream reads its request when its elements come, after the read's end.
                .get("/query-later", Service.sync(request -> Response.status(HttpStatus.OK).bodyText(
                        Flux.range(0, 3).delayElements(Duration.ofMillis(20)).map(i -> request.queryParam("q") + i))))
                .post("/body-later", Service.sync(request -> Response.status(HttpStatus.OK).bodyText(
                        Mono.delay(Duration.ofMillis(40)).map(x -> request.bodyAsString(UTF_8)).flux())))
                .get("/endless", Service.sync(request -> Response.status(HttpStatus.OK)
                        .body(Flux.<ByteBuf>generate(sink -> {
                            generated.incrementAndGet();
                            sink.next(Unpooled.wrappedBuffer(BIG));
                        }).doOnCancel(() -> cancelled.set(true)))))
                .build();
        server = HttpServer.create().port(0).threads(1).handle(service).bind();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        LeakCheck.assertNoLeaks();
    }

    @Test
    void chunksArriveAsTheyAreEmitted() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/live"));
            Map<String, String> head = readHead(client);
            assertEquals("chunked", head.get("transfer-encoding"));
            assertNull(head.get("content-length"));
            awaitLive();
            live.tryEmitNext("first");
            assertEquals("first", readChunk(client)); // before the service emits the second
            live.tryEmitNext("second");
            assertEquals("second", readChunk(client));
            live.tryEmitComplete();
            assertNull(readChunk(client));
            client.write(get("/plaintext")); // the connection goes on after the body
            assertEquals("Hello, World!", client.read().body());
        }
    }

    /**
     * The demo's clock streams, one tick a millisecond, reach a client that reads them in full: a clock does not
     * wait for the socket's demand, so the ticks must wait for it (onBackpressureBuffer), not fail the stream.
     */
    @Test
    void theDemoClockStreamsArriveWholeAtOneTickAMillisecond() throws Exception {
        try (RunningServer demo = HttpServer.create().port(0).threads(1).handle(minihttp.app.DemoApp.service()).bind();
             RawClient client = new RawClient(demo.port())) {
            for (int i = 0; i < 5; i++) {
                client.write(get("/stream?n=200&ms=1") + get("/events?n=200&ms=1"));
                assertEquals("chunked", readHead(client).get("transfer-encoding"));
                String lines = readChunkedBody(client); // fails on a stream cut short: no last chunk, a close
                assertEquals(200, lines.split("\n").length, lines);
                assertTrue(lines.endsWith("tick 200\n"), lines);
                assertEquals("chunked", readHead(client).get("transfer-encoding"));
                String events = readChunkedBody(client);
                assertTrue(events.endsWith("data: tick 200\n\n"), events);
            }
        }
    }

    /**
     * A streamed response whose stream is the request's body: the body is kept for it until its stream ends (it
     * is subscribed only when its turn comes), not dropped as a body nobody read once the response is ready.
     */
    @Test
    void aStreamedBodyEchoedAsAStreamedResponseArrivesWhole() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            String post = "Host: x\r\nContent-Length: 11\r\n\r\nhello world";
            client.write("POST /echo HTTP/1.1\r\n" + post + get("/lines") + "POST /echo-later HTTP/1.1\r\n" + post
                    + get("/plaintext"));
            readHead(client);
            assertEquals("hello world", readChunkedBody(client));
            readHead(client);
            assertEquals("one\ntwo\nthree\n", readChunkedBody(client));
            readHead(client);
            assertEquals("hello world", readChunkedBody(client));
            assertEquals("Hello, World!", client.read().body());
        }
    }

    /**
     * A service that stops taking its body and answers: once the answer is complete the request is over, so the
     * body is dropped (its waiting pieces released, the subscriber told) and the next request is read after it.
     */
    @Test
    void aBodyItsServiceStoppedTakingIsDroppedOnceAnswered() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            byte[] megabyte = new byte[1 << 20];
            java.util.Arrays.fill(megabyte, (byte) 'x');
            client.write("POST /take-one HTTP/1.1\r\nHost: x\r\nContent-Length: " + megabyte.length + "\r\n\r\n");
            client.write(new String(megabyte, ISO_8859_1) + get("/plaintext"));
            assertEquals("took one", client.read().body());
            assertEquals("Hello, World!", client.read().body());
            // Chunked, in pieces small enough never to pause the reading: all of them wait, then are released.
            client.write("POST /take-one HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "1\r\nx\r\n".repeat(2_000) + "0\r\n\r\n" + get("/plaintext"));
            assertEquals("took one", client.read().body());
            assertEquals("Hello, World!", client.read().body());
        }
        assertEquals(2, bodyErrors.size(), "each subscriber hears its request is over: " + bodyErrors);
    }

    /**
     * A response completed on another thread is written through the event loop's queue; the next one, written on
     * the loop, must wait behind it rather than reach the client first.
     */
    @Test
    void aResponseCompletedOnAnotherThreadLeavesBeforeTheNext() throws Exception {
        String body = "x".repeat(200_000);
        for (int i = 0; i < 30; i++) {
            try (RawClient client = new RawClient(server.port())) {
                client.write("POST /count-elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body + get("/plaintext"));
                assertEquals("200000", client.read().body(), "round " + i + ": the first response");
                assertEquals("Hello, World!", client.read().body(), "round " + i + ": the second response");
            }
        }
    }

    /**
     * A ready response's stream may read its request when its elements come, after the read that brought the
     * request has ended: the request, body included, is still its own then, not the next one the event loop
     * decodes for another connection.
     */
    @Test
    void aStreamReadsItsOwnRequestAfterTheReadHasEnded() throws Exception {
        try (RawClient alice = new RawClient(server.port()); RawClient bob = new RawClient(server.port())) {
            alice.write(get("/query-later?q=alice") + "POST /body-later HTTP/1.1\r\nHost: t\r\n"
                    + "Content-Length: 10\r\n\r\nalice-body");
            Thread.sleep(5);
            bob.write(get("/query-later?q=bob") + "POST /body-later HTTP/1.1\r\nHost: t\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n8\r\nbob-body\r\n0\r\n\r\n");
            readHead(alice);
            assertEquals("alice0alice1alice2", readChunkedBody(alice));
            readHead(alice);
            assertEquals("alice-body", readChunkedBody(alice));
            readHead(bob);
            assertEquals("bob0bob1bob2", readChunkedBody(bob));
            readHead(bob);
            assertEquals("bob-body", readChunkedBody(bob));
        }
    }

    @Test
    void pipelinedResponsesAroundAStreamGoInOrder() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/plaintext") + get("/lines") + get("/plaintext") + get("/later") + get("/plaintext"));
            assertEquals("Hello, World!", client.read().body());
            readHead(client);
            assertEquals("one\ntwo\nthree\n", readChunkedBody(client));
            assertEquals("Hello, World!", client.read().body());
            readHead(client);
            assertEquals("ab", readChunkedBody(client));
            assertEquals("Hello, World!", client.read().body());
        }
    }

    @Test
    void clientThatGoesAwayCancelsTheStream() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/live"));
            readHead(client);
            awaitLive();
            live.tryEmitNext("first");
            assertEquals("first", readChunk(client));
            client.abort();
        }
        assertTrue(waitFor(cancelled), "the stream is cancelled");
        live.tryEmitNext("after the client left"); // dropped: nothing holds it
    }

    @Test
    void failureMidStreamClosesTheConnectionAfterThePartialBody() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/fails") + get("/plaintext"));
            assertEquals("200", readHead(client).get(":status"));
            assertEquals("partial", readChunk(client));
            assertTrue(client.closedByServer(2_000), "no last chunk and no response after: closed");
        }
    }

    @Test
    void declaredLengthIsSentAsIsAndAMismatchCloses() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/declared?n=5") + get("/declared?n=9"));
            RawClient.Response exact = client.read();
            assertEquals("hello", exact.body());
            assertNull(exact.header("Transfer-Encoding"));
            Map<String, String> head = readHead(client);
            assertEquals("9", head.get("content-length"));
            assertEquals("hello", new String(readUntilClosed(client), UTF_8));
        }
    }

    /**
     * A stream of declared length that is the last response of its read ends with nothing left to write (no last
     * chunk): the connection goes on, and a request in a later read is answered.
     */
    @Test
    void aDeclaredLengthStreamLastInItsReadKeepsTheConnection() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            for (int i = 0; i < 5; i++) {
                client.write(get("/declared?n=5"));
                assertEquals("hello", client.read().body());
            }
            client.write(get("/plaintext"));
            assertEquals("Hello, World!", client.read().body());
            assertFalse(client.closedByServer(200), "closed after a complete response of declared length");
        }
    }

    @Test
    void headGetsTheHeadOnlyAndTheStreamIsNotSubscribed() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write("HEAD /lines HTTP/1.1\r\nHost: t\r\n\r\n" + get("/plaintext"));
            Map<String, String> head = readHead(client);
            assertEquals("200", head.get(":status"));
            assertNull(head.get("transfer-encoding"));
            assertEquals("Hello, World!", client.read().body());
            assertFalse(subscribed.get());
        }
    }

    @Test
    void http10GetsABodyDelimitedByTheClose() throws Exception {
        for (String keepAlive : new String[] {"", "Connection: keep-alive\r\n"}) {
            try (RawClient client = new RawClient(server.port())) {
                client.write("GET /lines HTTP/1.0\r\n" + keepAlive + "\r\n");
                Map<String, String> head = readHead(client);
                assertEquals("close", head.get("connection"));
                assertNull(head.get("transfer-encoding"));
                assertEquals("one\ntwo\nthree\n", new String(readUntilClosed(client), UTF_8));
            }
        }
    }

    @Test
    void serverSentEventsAreFramed() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/events"));
            Map<String, String> head = readHead(client);
            assertEquals("text/event-stream", head.get("content-type"));
            assertEquals("no-cache", head.get("cache-control"));
            assertEquals("data: a\n\n", readChunk(client));
            assertEquals("data: b\ndata: c\n\n", readChunk(client));
            assertNull(readChunk(client));
        }
    }

    @Test
    void slowReaderStopsTheStreamsDemand() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            socket.getOutputStream().write(get("/endless").getBytes(ISO_8859_1));
            int settled = awaitSettled(generated);
            // The socket's buffers hold a few MiB at most, the channel 64 KiB: a demand that ran ahead by the send's
            // prefetch (128 frames) would generate far more.
            assertTrue(settled < 48, "chunks generated while the client reads nothing: " + settled);
            socket.setSoLinger(true, 0);
        }
        assertTrue(waitFor(cancelled), "the stream is cancelled when the client goes away");
    }

    @Test
    void simplePipelineAnswers500AndGoesOn() throws Exception {
        try (RunningServer simple = HttpServer.create().port(0).threads(1).pipeline(Pipeline.SIMPLE)
                .handle(Router.builder().get("/lines", Service.constant(Response.status(HttpStatus.OK)
                        .bodyText(Flux.just("one").doOnSubscribe(s -> subscribed.set(true))))).build()).bind();
             RawClient client = new RawClient(simple.port())) {
            client.write(get("/lines") + get("/lines"));
            assertEquals(500, client.read().status());
            assertEquals(500, client.read().status());
            assertFalse(subscribed.get());
        }
    }

    // --- helpers ---

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    private void awaitLive() throws InterruptedException {
        for (int i = 0; i < 200 && live == null; i++) {
            Thread.sleep(10);
        }
    }

    private static boolean waitFor(AtomicBoolean flag) throws InterruptedException {
        for (int i = 0; i < 300 && !flag.get(); i++) {
            Thread.sleep(10);
        }
        return flag.get();
    }

    /** The count once it has not moved for 300 ms. */
    private static int awaitSettled(AtomicInteger count) throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 50; i++) {
            Thread.sleep(300);
            int now = count.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
        }
        return count.get();
    }

    /** Status (as ":status") and headers, names in lower case. */
    static Map<String, String> readHead(RawClient client) throws IOException {
        Map<String, String> head = new LinkedHashMap<>();
        head.put(":status", line(client).split(" ")[1]);
        String line;
        while (!(line = line(client)).isEmpty()) {
            int colon = line.indexOf(':');
            head.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        return head;
    }

    /** One chunk's data as text; null for the last chunk (after which the empty trailer section is read). */
    static String readChunk(RawClient client) throws IOException {
        int size = Integer.parseInt(line(client), 16);
        if (size == 0) {
            assertEquals("", line(client));
            return null;
        }
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) client.readByte();
        }
        assertEquals("", line(client));
        return new String(data, UTF_8);
    }

    /** Everything up to the server's close. */
    static byte[] readUntilClosed(RawClient client) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = client.readByte()) >= 0) {
            bytes.write(b);
        }
        return bytes.toByteArray();
    }

    static String readChunkedBody(RawClient client) throws IOException {
        StringBuilder body = new StringBuilder();
        String chunk;
        while ((chunk = readChunk(client)) != null) {
            body.append(chunk);
        }
        return body.toString();
    }

    private static String line(RawClient client) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = client.readByte()) != '\n') {
            if (b < 0) {
                throw new IOException("closed inside a line: " + line.toString(ISO_8859_1));
            }
            line.write(b);
        }
        String text = line.toString(ISO_8859_1);
        assertTrue(text.endsWith("\r"), "CRLF");
        return text.substring(0, text.length() - 1);
    }
}
