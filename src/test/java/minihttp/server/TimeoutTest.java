package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static minihttp.server.EndToEndTest.assertPlaintext;
import static minihttp.server.EndToEndTest.assertResponse;
import static minihttp.server.EndToEndTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * The idle, header and body timeouts, over real sockets on 127.0.0.1: each test starts a server with short
 * timeouts and checks both sides of each deadline (not closed before it, closed soon after it). Margins are
 * generous because the machine is shared.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimeoutTest {

    private static final String TIMEOUT_BODY = "Request Timeout\n";
    /** Counts a streamed body's bytes as they come. */
    private static final Service COUNT = Service.streaming(request -> request.bodyStream()
            .reduce(0L, (count, piece) -> count + piece.readableBytes())
            .map(count -> Response.text(Long.toString(count))));

    private RunningServer server;
    private final OpenedClients closeables = new OpenedClients();

    @AfterEach
    void stop() throws Exception {
        closeables.closeAll();
        if (server != null) {
            server.close();
        }
    }

    private void start(Timeouts timeouts) {
        server = HttpServer.create().port(0).threads(1).timeouts(timeouts).handle(EndToEndTest.testService()).bind();
    }

    private RawClient connect() throws IOException {
        RawClient client = new RawClient(server.port(), 10_000);
        closeables.add(client);
        return client;
    }

    private static Timeouts timeouts(long idleMs, long headerMs, long bodyMs) {
        return new Timeouts(Duration.ofMillis(idleMs), Duration.ofMillis(headerMs), Duration.ofMillis(bodyMs),
                Duration.ofSeconds(5));
    }

    private static void assertRequestTimeout(RawClient.Response r) {
        assertResponse(r, 408, "Request Timeout", TIMEOUT_BODY, "Connection", "close");
    }

    private static long since(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // ---------------------------------------------------------------- idle

    @Test
    void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(timeouts(2_000, 10_000, 10_000));
        RawClient client = connect();
        client.write(get("/plaintext"));
        assertPlaintext(client.read());
        assertFalse(client.closedByServer(1_200), "closed before the idle timeout");
        client.write(get("/plaintext")); // a request restarts the idle clock
        assertPlaintext(client.read());
        long idleFrom = System.nanoTime();
        assertFalse(client.closedByServer(1_200), "closed before the idle timeout");
        assertTrue(client.closedByServer(6_000), "idle connection not closed");
        long idleMs = since(idleFrom);
        assertTrue(idleMs >= 1_900, "closed after " + idleMs + " ms idle");
    }

    @Test
    void responseBeingComputedIsNotIdle() throws Exception {
        start(timeouts(1_500, 10_000, 10_000));
        RawClient client = connect();
        client.write(get("/delay?ms=3500&i=1"));
        assertResponse(client.read(), 200, "OK", "1:3500"); // service time: more than two idle timeouts
        long idleFrom = System.nanoTime();
        assertFalse(client.closedByServer(700), "closed before an idle timeout counted from the response");
        assertTrue(client.closedByServer(6_000), "idle connection not closed");
        assertTrue(since(idleFrom) >= 1_000, "closed " + since(idleFrom) + " ms after the response");
    }

    /** "Never", said with a duration whose nanoseconds overflow, is 365 days, not a broken connection. */
    @Test
    void timeoutsTooLongForNanosecondsMeanTheLongestThereIs() throws Exception {
        Duration never = Duration.ofDays(200_000_000L);
        Timeouts huge = new Timeouts(never, never, never, never, never, 1, never);
        assertEquals(Timeouts.MAX, huge.idle());
        assertEquals(Timeouts.MAX, huge.minBodyRateGrace());
        start(huge);
        RawClient client = connect();
        client.write(get("/plaintext") + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nh");
        assertPlaintext(client.read());
        Thread.sleep(100);
        client.write("i");
        assertResponse(client.read(), 200, "OK", "hi");
    }

    // ---------------------------------------------------------------- header deadline

    @Test
    void connectionThatSendsNothingIsClosedSilentlyAtTheHeaderDeadline() throws Exception {
        start(timeouts(60_000, 1_000, 10_000));
        long from = System.nanoTime();
        RawClient client = connect();
        assertFalse(client.closedByServer(700), "closed before the header deadline");
        assertTrue(client.closedByServer(5_000), "silent connection not closed"); // fails on any byte
        assertTrue(since(from) >= 900, "closed after " + since(from) + " ms");
    }

    @Test
    void tricklingHeadIsAnsweredWith408AtTheDeadlineThoughBytesKeepArriving() throws Exception {
        start(timeouts(60_000, 1_500, 60_000));
        RawClient client = connect();
        client.write(get("/plaintext"));
        assertPlaintext(client.read());
        // A new head, one byte every 100 ms: never read-idle, but the head deadline runs from its first byte.
        long from = System.nanoTime();
        client.write("GET /plaintext HTTP/1.1\r\n");
        try {
            while (since(from) < 5_000) {
                Thread.sleep(100);
                client.write("X");
            }
        } catch (IOException closed) {
            // the server closed while we trickled: expected, the 408 is still readable
        }
        long elapsed = since(from);
        assertTrue(elapsed >= 1_400 && elapsed < 4_500, "the trickle ended after " + elapsed + " ms");
        assertRequestTimeout(client.read());
        assertTrue(client.closedByServer(2_000), "not closed after the 408");
    }

    /**
     * Empty lines before a request line start no request, yet they are bytes of one: a client that drips CRLF (fewer
     * than the decoder's limit on them) is held to the head deadline from its first one, not kept idle forever.
     */
    @ParameterizedTest(name = "after a response: {0}")
    @ValueSource(booleans = {false, true})
    void drippedEmptyLinesAreHeldToTheHeadDeadline(boolean afterAResponse) throws Exception {
        long headerMs = 1_500;
        start(timeouts(2_500, headerMs, 60_000));
        long from = System.nanoTime();
        RawClient client = connect();
        if (afterAResponse) {
            client.write(get("/plaintext"));
            assertPlaintext(client.read());
            from = System.nanoTime();
        }
        try {
            do { // one empty line every 700 ms, until the answer comes: four of them by the deadline
                client.write("\r\n");
            } while (!client.readable(700) && since(from) < 8_000);
        } catch (IOException closed) {
            // the server closed while we dripped: expected, its answer is still readable
        }
        long elapsed = since(from);
        assertTrue(elapsed >= headerMs - 100 && elapsed < headerMs + 1_000, "the drip ended after " + elapsed + " ms");
        assertRequestTimeout(client.read());
        assertTrue(client.closedByServer(2_000), "not closed after the 408");
    }

    @Test
    void partialHeadBehindASlowResponseGetsTheResponseThen408() throws Exception {
        start(timeouts(60_000, 1_000, 60_000));
        RawClient client = connect();
        client.write(get("/delay?ms=1500&i=7") + "GET /plaintext HTTP/1.1\r\nHost: loc");
        assertResponse(client.read(), 200, "OK", "7:1500");
        assertRequestTimeout(client.read());
        assertTrue(client.closedByServer(2_000), "not closed after the 408");
    }

    @Test
    void headDeadlineRestartsWithEachRequestWhenEveryReadEndsInsideAHead() throws Exception {
        start(timeouts(60_000, 1_000, 60_000));
        RawClient client = connect();
        String head = "GET /plaintext HTTP/1.1\r\nHost: loc";
        String rest = "alhost\r\n\r\n";
        client.write(head);
        int sent = 0;
        long from = System.nanoTime();
        while (since(from) < 3_000) { // three deadlines, though some head is always unfinished
            Thread.sleep(200);
            client.write(rest + head);
            sent++;
            assertPlaintext(client.read());
        }
        client.write(rest);
        assertPlaintext(client.read());
        assertFalse(client.closedByServer(300), "closed after " + (sent + 1) + " requests");
    }

    /**
     * A thousand clients that trickle their heads do not slow the others, and each is answered 408 and closed
     * once its deadline passes.
     */
    @Test
    void aThousandSlowHeaderClientsDoNotSlowOthersAndAreClosedAtTheDeadline() throws Exception {
        int slowClients = 1_000;
        long headerMs = 6_000;
        start(timeouts(60_000, headerMs, 60_000));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (SlowHeaderClients slow = new SlowHeaderClients(server.port(), slowClients)) {
            Future<long[]> closedAfter = pool.submit(() -> slow.trickleUntilClosed(headerMs + 15_000));
            // Meanwhile a normal keep-alive client, once the server has taken in the slow ones (a cold start on a
            // shared machine): every request answered quickly, until after the slow ones' deadline.
            while (server.openConnections() < slowClients && since(slow.openedAt) < headerMs / 2) {
                Thread.sleep(10);
            }
            RawClient client = connect();
            client.write(get("/plaintext"));
            assertPlaintext(client.read());
            long worstMs = 0;
            int served = 0;
            long from = System.nanoTime();
            while (since(slow.openedAt) < headerMs + 1_000) {
                long t = System.nanoTime();
                client.write(get("/plaintext"));
                assertPlaintext(client.read());
                worstMs = Math.max(worstMs, since(t));
                served++;
                Thread.sleep(5);
            }
            assertTrue(worstMs < 1_000, "a normal request took " + worstMs + " ms among the slow clients");
            assertTrue(served > 50, "only " + served + " requests served in " + since(from) + " ms");

            long[] closeMs = closedAfter.get(30, TimeUnit.SECONDS);
            assertEquals(slowClients, slow.answered408(), "slow clients answered 408");
            for (long ms : closeMs) {
                assertTrue(ms >= headerMs - 100, "a slow client was closed after only " + ms + " ms");
                assertTrue(ms < headerMs + 5_000, "a slow client was closed after " + ms + " ms");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- write timeout

    @Test
    void connectionWhoseClientStopsReadingIsClosedAfterTheWriteTimeout() throws Exception {
        // Idle and head deadlines far away: only the write timeout can close the connection within the test.
        start(timeouts(30_000, 30_000, 30_000).withWrite(Duration.ofMillis(700)));
        byte[] request = get("/plaintext").getBytes(ISO_8859_1);
        byte[] block = new byte[request.length * 1_000];
        for (int i = 0; i < 1_000; i++) {
            System.arraycopy(request, 0, block, i * request.length, request.length);
        }
        java.net.Socket flood = closeables.add(new java.net.Socket());
        flood.setReceiveBufferSize(4 * 1024);
        flood.connect(new InetSocketAddress("127.0.0.1", server.port()));
        while (server.openConnections() == 0) {
            Thread.sleep(5);
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            long from = System.nanoTime();
            writer.submit(() -> {
                while (true) {
                    flood.getOutputStream().write(block); // blocks once the server stops reading; fails at the close
                }
            });
            while (server.openConnections() > 0 && since(from) < 15_000) {
                Thread.sleep(20);
            }
            assertEquals(0, server.openConnections(), "the connection of a client that does not read is still open");
            // Before the deadline, the kernel's buffers filling up takes a moment: not closed at once.
            assertTrue(since(from) >= 700, "closed after " + since(from) + " ms, before the write timeout");
        } finally {
            writer.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- body timeout

    @Test
    void stalledBodyIsAnsweredWith408AfterTheBodyTimeout() throws Exception {
        start(timeouts(60_000, 60_000, 1_000));
        RawClient client = connect();
        long from = System.nanoTime();
        client.write("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nhello");
        assertFalse(client.closedByServer(700), "closed before the body timeout");
        assertRequestTimeout(client.read());
        assertTrue(since(from) >= 900, "408 after " + since(from) + " ms");
        assertTrue(client.closedByServer(2_000), "not closed after the 408");
    }

    @Test
    void stalledStreamedBodyFailsItsStreamSoThatItsServiceAnswersOnceAndTheConnectionCloses() throws Exception {
        server = HttpServer.create().port(0).threads(1).timeouts(timeouts(60_000, 60_000, 1_000))
                .handle(Router.builder()
                        .post("/count", COUNT)
                        .build())
                .bind();
        RawClient client = connect();
        client.write("POST /count HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nhello");
        assertFalse(client.closedByServer(700), "closed before the body timeout");
        // The stream fails with 408 when the deadline ends the inbound; the service's failure is the one answer.
        RawClient.Response answer = client.read();
        assertEquals(408, answer.status(), answer.toString());
        assertEquals("close", answer.header("Connection"), answer.toString());
        assertTrue(client.closedByServer(2_000), "not closed after the answer");
    }

    /**
     * A body whose bytes came while responses before its request were still being served waits unread behind
     * them (the send takes one batch at a time): that is not its client's time, so its clock stops meanwhile.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/echo", "/count"})
    void aBodyWaitingBehindASlowResponseIsNotTimedOut(String target) throws Exception {
        server = HttpServer.create().port(0).threads(1).timeouts(timeouts(60_000, 60_000, 1_000))
                .handle(Router.builder()
                        .get("/delay", request -> Mono.delay(Duration.ofMillis(2_000)).map(x -> Response.text("slow")))
                        .post("/echo", Service.sync(r -> Response.text(r.bodyAsString(UTF_8))))
                        .post("/count", COUNT)
                        .build())
                .bind();
        RawClient client = connect();
        client.write("GET /delay HTTP/1.1\r\nHost: localhost\r\n\r\n");
        Thread.sleep(100);
        client.write("POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\n");
        Thread.sleep(200);
        client.write("hello"); // in time: it waits unread behind the slow response, which outlasts the body timeout
        assertEquals("slow", client.read().body());
        assertEquals(target.equals("/echo") ? "hello" : "5", client.read().body());
    }

    @Test
    void slowButSteadyBodyIsNotCutByTheHeaderDeadline() throws Exception {
        start(timeouts(60_000, 1_000, 1_000));
        RawClient client = connect();
        client.write("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n");
        for (char c : "0123456789".toCharArray()) { // 2.5 s in all, each read well within the body timeout
            Thread.sleep(250);
            client.write(String.valueOf(c));
        }
        assertResponse(client.read(), 200, "OK", "0123456789");
    }

    /**
     * Many NIO connections, each sending a request line (or another start) and then one byte per round, never
     * finishing the request; records when each one's connection ends and whether a 408 came first.
     */
    static final class SlowHeaderClients implements AutoCloseable {
        private static final byte[] START = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(ISO_8859_1);
        private static final long ROUND_MS = 250;

        private final Selector selector = Selector.open();
        private final List<SocketChannel> channels = new ArrayList<>();
        private final long openedAt;
        private int answered408;

        SlowHeaderClients(int port, int count) throws IOException {
            this(port, count, START);
        }

        SlowHeaderClients(int port, int count, byte[] start) throws IOException {
            for (int i = 0; i < count; i++) {
                SocketChannel ch = SocketChannel.open();
                channels.add(ch);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                ch.write(ByteBuffer.wrap(start));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, new Conn(i, System.nanoTime()));
            }
            openedAt = System.nanoTime();
        }

        private static final class Conn {
            final int index;
            final long connectedAt;
            final StringBuilder received = new StringBuilder();

            Conn(int index, long connectedAt) {
                this.index = index;
                this.connectedAt = connectedAt;
            }
        }

        /** Trickles until every connection is closed by the server; returns each one's time from connect to close, in ms. */
        long[] trickleUntilClosed(long limitMs) throws IOException {
            long[] closedAfter = new long[channels.size()];
            int open = channels.size();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            ByteBuffer oneByte = ByteBuffer.allocate(1);
            long nextRound = System.nanoTime();
            while (open > 0) {
                if (since(openedAt) > limitMs) {
                    throw new AssertionError(open + " slow connections still open after " + limitMs + " ms");
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextRound - System.nanoTime())));
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn conn = (Conn) key.attachment();
                    SocketChannel ch = (SocketChannel) key.channel();
                    int n;
                    try {
                        buf.clear();
                        n = ch.read(buf);
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n > 0) {
                        conn.received.append(new String(buf.array(), 0, n, ISO_8859_1));
                    } else if (n < 0) {
                        closedAfter[conn.index] = since(conn.connectedAt);
                        if (conn.received.toString().startsWith("HTTP/1.1 408 ")) {
                            answered408++;
                        }
                        key.cancel();
                        ch.close();
                        open--;
                    }
                }
                if (System.nanoTime() - nextRound >= 0) {
                    nextRound = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROUND_MS);
                    for (SelectionKey key : selector.keys()) {
                        try {
                            oneByte.clear();
                            oneByte.put((byte) 'a').flip();
                            ((SocketChannel) key.channel()).write(oneByte);
                        } catch (IOException closedMeanwhile) {
                            // the read side reports the close
                        }
                    }
                }
            }
            return closedAfter;
        }

        int answered408() {
            return answered408;
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel ch : channels) {
                ch.close();
            }
            selector.close();
        }
    }
}
