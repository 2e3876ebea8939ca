package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static minihttp.server.EndToEndTest.assertResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * The minimum body rate ({@link Timeouts#minBodyRate()}), over real sockets on 127.0.0.1: a body trickled slower
 * than it is answered with 408 soon after the grace, whatever its framing and whether it is aggregated or
 * streamed, while a body at a steady rate and one held back by its own slow service are not cut. The body timeout
 * is long in these tests except where said, so that only the rate can end a request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BodyRateTest {

    private static final long RATE = 100;                  // bytes per second
    private static final long GRACE_MS = 1_000;
    /** How long after the grace a trickled body may still be held: the check runs every second, on a shared machine. */
    private static final long LATE_MS = 3_000;
    private static final boolean HOSTILE = Boolean.getBoolean("minihttp.hostile");

    private RunningServer server;
    private final OpenedClients closeables = new OpenedClients();
    private final ExecutorService tricklers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        tricklers.shutdownNow();
        closeables.closeAll();
        if (server != null) {
            server.close();
        }
    }

    private static Timeouts timeouts(long rate, long bodyMs) {
        return new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMillis(bodyMs),
                Duration.ofSeconds(5), Timeouts.DEFAULT_WRITE, rate, Duration.ofMillis(GRACE_MS));
    }

    /** The test service, with {@code POST /count} counting a streamed body and {@code POST /count-late} too, 3 s late. */
    private void start(Timeouts timeouts) {
        server = HttpServer.create().port(0).threads(1).timeouts(timeouts)
                .handle(Router.builder()
                        .post("/echo", Service.sync(r -> Response.text(r.bodyAsString(ISO_8859_1))))
                        .post("/count", Service.streaming(BodyRateTest::count))
                        .post("/count-late", Service.streaming(request ->
                                Mono.delay(Duration.ofSeconds(3)).then(count(request))))
                        .build())
                .bind();
    }

    private static Mono<Response> count(Request request) {
        return request.bodyStream()
                .reduce(0L, (count, piece) -> count + piece.readableBytes())
                .map(count -> Response.text(Long.toString(count)));
    }

    private RawClient connect() throws IOException {
        return closeables.add(new RawClient(server.port(), 10_000));
    }

    /** Writes {@code piece} every {@code everyMs} on another thread, until the server closes or the test ends. */
    private Future<?> trickle(RawClient client, String piece, long everyMs) {
        return tricklers.submit(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(everyMs);
                    client.write(piece);
                }
            } catch (IOException | InterruptedException closed) {
                // the server closed, or the test ended
            }
            return null;
        });
    }

    private static long since(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Trickles {@code piece} after {@code head} and expects 408 and a close soon after the grace. */
    private RawClient.Response trickledUntilAnswered(String head, String piece, long everyMs) throws Exception {
        RawClient client = connect();
        long from = System.nanoTime();
        client.write(head);
        Future<?> trickling = trickle(client, piece, everyMs);
        RawClient.Response answer = client.read();
        long answeredMs = since(from);
        trickling.cancel(true);
        assertTrue(answeredMs >= GRACE_MS - 100, "answered within the grace, after " + answeredMs + " ms");
        assertTrue(answeredMs < GRACE_MS + LATE_MS, "a trickled body was held " + answeredMs + " ms");
        assertTrue(client.closedByServer(2_000), "not closed after the answer");
        return answer;
    }

    @Test
    void tricklingContentLengthBodyIsAnsweredWith408SoonAfterTheGrace() throws Exception {
        start(timeouts(RATE, 60_000));
        RawClient.Response answer = trickledUntilAnswered(
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n", "x", 100); // 10 B/s
        assertResponse(answer, 408, "Request Timeout", "Request Timeout\n", "Connection", "close");
    }

    @Test
    void tricklingChunkedBodyIsAnsweredWith408SoonAfterTheGrace() throws Exception {
        start(timeouts(RATE, 60_000));
        RawClient.Response answer = trickledUntilAnswered(
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n", "1\r\nx\r\n", 100);
        assertResponse(answer, 408, "Request Timeout", "Request Timeout\n", "Connection", "close");
    }

    @Test
    void tricklingStreamedBodyFailsItsStreamWith408AndItsServiceAnswersOnce() throws Exception {
        start(timeouts(RATE, 60_000));
        RawClient.Response answer = trickledUntilAnswered(
                "POST /count HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n", "x", 100);
        assertEquals(408, answer.status(), answer.toString());
    }

    /** The stream fails before its service subscribes (3 s late): the service still gets the 408, not a 500. */
    @Test
    void tricklingStreamedBodyFailsWith408ForAServiceThatSubscribesLate() throws Exception {
        start(timeouts(RATE, 60_000));
        RawClient client = connect();
        client.write("POST /count-late HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n");
        Future<?> trickling = trickle(client, "x", 100);
        RawClient.Response answer = client.read();
        trickling.cancel(true);
        assertEquals(408, answer.status(), answer.toString());
        assertTrue(client.closedByServer(2_000), "not closed after the answer");
    }

    @Test
    void bodyAtASteadyRateAboveTheMinimumIsNotCut() throws Exception {
        start(timeouts(RATE, 60_000));
        RawClient client = connect();
        int pieces = 25;
        String piece = "0123456789".repeat(5); // 50 bytes every 100 ms: 500 B/s for 2.5 s, past the grace
        for (String path : new String[] {"/echo", "/count"}) {
            client.write("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + pieces * piece.length()
                    + "\r\n\r\n");
            for (int i = 0; i < pieces; i++) {
                Thread.sleep(100);
                client.write(piece);
            }
            String expected = path.equals("/echo") ? piece.repeat(pieces) : Integer.toString(pieces * piece.length());
            assertResponse(client.read(), 200, "OK", expected);
        }
        assertFalse(client.closedByServer(300), "closed after steady bodies");
    }

    /**
     * A streamed body whose service does not read it for 3 s pauses the reading (backpressure) with the client's
     * bytes waiting: neither the body timeout (1 s here) nor a minimum rate higher than the pause allows
     * (100 KiB/s) counts that time against the client.
     */
    @Test
    void streamedBodyHeldBackByItsSlowServiceIsNotCut() throws Exception {
        start(timeouts(100 * 1024, 1_000));
        RawClient client = connect();
        int size = 4 * 1024 * 1024;
        client.write("POST /count-late HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + size + "\r\n\r\n");
        Future<?> sent = tricklers.submit(() -> client.write(new byte[size]));
        RawClient.Response answer = client.read();
        assertResponse(answer, 200, "OK", Integer.toString(size));
        sent.get(5, TimeUnit.SECONDS);
        assertFalse(client.closedByServer(300), "closed after the upload");
    }

    @Test
    void zeroTurnsTheMinimumRateOff() throws Exception {
        start(timeouts(0, 60_000));
        RawClient client = connect();
        client.write("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20\r\n\r\n");
        for (int i = 0; i < 20; i++) { // 10 B/s for 2 s
            Thread.sleep(100);
            client.write("x");
        }
        assertResponse(client.read(), 200, "OK", "x".repeat(20));
    }

    /**
     * Many clients trickling a body one byte every 250 ms: each is answered 408 and closed soon after the grace.
     * Times count from each client's connect, and the server, on a shared machine, takes seconds to accept and read
     * hundreds of connections that arrive at once (the rate is checked from the head's read): the hostile count
     * gets that much more room.
     */
    @Test
    void manyTricklingClientsAreAllClosedSoonAfterTheGrace() throws Exception {
        int clients = HOSTILE ? 500 : 20;
        long acceptMs = HOSTILE ? 5_000 : 0;
        start(timeouts(RATE, 60_000));
        byte[] head = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n".getBytes(ISO_8859_1);
        try (TimeoutTest.SlowHeaderClients slow = new TimeoutTest.SlowHeaderClients(server.port(), clients, head)) {
            long[] closedAfter = slow.trickleUntilClosed(GRACE_MS + LATE_MS + acceptMs + 10_000);
            assertEquals(clients, slow.answered408(), "trickling clients answered 408");
            for (long ms : closedAfter) {
                assertTrue(ms >= GRACE_MS - 100, "a trickling client was closed after only " + ms + " ms");
                assertTrue(ms < GRACE_MS + LATE_MS + acceptMs, "a trickling client was closed after " + ms + " ms");
            }
        }
    }
}
