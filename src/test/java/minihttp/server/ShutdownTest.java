package minihttp.server;

import static minihttp.server.EndToEndTest.assertPlaintext;
import static minihttp.server.EndToEndTest.assertResponse;
import static minihttp.server.EndToEndTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * Graceful shutdown of an in-process server under load: busy connections get every response they are owed (the last
 * with {@code Connection: close}), idle ones are closed at once, new ones are refused, and the deadline closes
 * what is still busy after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShutdownTest {

    private final AtomicInteger calls = new AtomicInteger();
    private final OpenedClients closeables = new OpenedClients();
    private RunningServer server;

    @AfterEach
    void stop() throws Exception {
        closeables.closeAll();
        if (server != null) {
            server.close(); // a second shutdown is harmless
        }
    }

    private void start(int threads) {
        Service routes = Router.builder()
                .post("/count", Service.streaming(request -> request.bodyStream()
                        .reduce(0L, (count, piece) -> count + piece.readableBytes())
                        .map(count -> Response.text(Long.toString(count)))))
                .notFound(EndToEndTest.testService())
                .build();
        Service counting = new Service() {
            @Override
            public Mono<Response> call(Request request) {
                calls.incrementAndGet();
                return routes.call(request);
            }

            @Override
            public boolean streamsBody(Request request) {
                return routes.streamsBody(request);
            }
        };
        server = HttpServer.create().port(0).threads(threads).handle(counting).bind();
    }

    private RawClient connect() throws IOException {
        RawClient client = new RawClient(server.port(), 10_000);
        closeables.add(client);
        return client;
    }

    private void awaitCalls(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.get() < expected) {
            assertTrue(System.nanoTime() < deadline, "only " + calls.get() + " of " + expected + " requests read");
            Thread.sleep(5);
        }
    }

    private static long ms(long fromNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
    }

    @Test
    void requestsInFlightAreAnsweredIdleConnectionsClosedNewOnesRefused() throws Exception {
        start(2);
        int busy = 12;
        int idle = 6;
        List<RawClient> busyClients = new ArrayList<>();
        for (int i = 0; i < busy; i++) {
            RawClient c = connect();
            // Two pipelined slow requests, and on every other connection a fast one ahead of them.
            String fast = i % 2 == 0 ? get("/plaintext") : "";
            c.write(fast + get("/delay?ms=1500&i=" + i + "a") + get("/delay?ms=1000&i=" + i + "b"));
            busyClients.add(c);
        }
        List<RawClient> idleClients = new ArrayList<>();
        for (int i = 0; i < idle; i++) {
            RawClient c = connect();
            c.write(get("/plaintext"));
            assertPlaintext(c.read());
            idleClients.add(c);
        }
        awaitCalls(busy * 2 + busy / 2 + idle); // every request has been read: each is owed a response

        long from = System.nanoTime();
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)));

        for (RawClient c : idleClients) {
            assertTrue(c.closedByServer(1_000), "idle connection not closed at once");
        }
        assertTrue(ms(from) < 1_200, "idle connections closed after " + ms(from) + " ms");
        Thread.sleep(100);
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 1_000);
            }
        }, "a new connection was accepted while draining");

        for (int i = 0; i < busy; i++) {
            RawClient c = busyClients.get(i);
            if (i % 2 == 0) {
                assertPlaintext(c.read());
            }
            assertResponse(c.read(), 200, "OK", i + "a:1500");
            assertResponse(c.read(), 200, "OK", i + "b:1000", "Connection", "close");
            assertTrue(c.closedByServer(2_000), "busy connection not closed after its last response");
        }
        assertTrue(shutdown.get(10, TimeUnit.SECONDS), "shutdown reported connections cut at the deadline");
        assertTrue(ms(from) < 5_000, "shutdown took " + ms(from) + " ms");
        assertEquals(0, server.openConnections());
    }

    @Test
    void responsesReadyInEarlierBatchesStillLeaveBeforeTheClose() throws Exception {
        start(1);
        RawClient c = connect();
        // Two reads: a slow request, then (after it is read) a fast one queued behind it in a later batch.
        c.write(get("/delay?ms=1200&i=1"));
        awaitCalls(1);
        c.write(get("/delay?ms=300&i=2"));
        awaitCalls(2);
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)));
        assertResponse(c.read(), 200, "OK", "1:1200");
        assertResponse(c.read(), 200, "OK", "2:300", "Connection", "close");
        assertTrue(c.closedByServer(2_000), "not closed after the last response");
        assertTrue(shutdown.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aReadyBatchQueuedBehindASlowOneSaysCloseInItsLastResponse() throws Exception {
        start(1);
        RawClient c = connect();
        // Two reads: a slow request, then two fast ones, encoded at once into a batch that waits behind it.
        c.write(get("/delay?ms=1000&i=1"));
        awaitCalls(1);
        c.write(get("/plaintext") + get("/plaintext"));
        awaitCalls(3);
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)));
        assertResponse(c.read(), 200, "OK", "1:1000");
        assertPlaintext(c.read());
        RawClient.Response last = c.read();
        assertEquals(200, last.status());
        assertEquals("close", last.header("Connection"), "the last response before the close: " + last);
        assertEquals("Hello, World!", last.body());
        assertTrue(c.closedByServer(2_000), "not closed after the last response");
        assertTrue(shutdown.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aHeadWaitingForItsContinueGetsItAndItsAnswerSaysClose() throws Exception {
        start(1);
        RawClient c = connect();
        // One read: a slow request, then the head of a POST whose client waits for 100 Continue to send its body.
        c.write(get("/delay?ms=600&i=1")
                + "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        awaitCalls(1);
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)));
        // The shutdown waits for the request that has begun: the POST gets its 100 Continue, then its answer.
        assertResponse(c.read(), 200, "OK", "1:600");
        String interim = "HTTP/1.1 100 Continue\r\n\r\n";
        StringBuilder rest = new StringBuilder();
        for (int i = 0; i < interim.length(); i++) {
            rest.append((char) c.readByte());
        }
        assertEquals(interim, rest.toString());
        c.write("hello");
        assertResponse(c.read(), 200, "OK", "hello", "Connection", "close");
        assertTrue(c.closedByServer(2_000), "not closed after the last response");
        assertTrue(shutdown.get(10, TimeUnit.SECONDS));
    }

    /** The same with a streamed body, whose service has had the request since its head. */
    @Test
    void aRequestWhoseStreamedBodyIsArrivingIsAnsweredBeforeTheClose() throws Exception {
        start(1);
        RawClient c = connect();
        c.write("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
        awaitCalls(1);
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)));
        Thread.sleep(200);
        c.write("world" + get("/plaintext"));
        assertResponse(c.read(), 200, "OK", "10", "Connection", "close");
        assertTrue(c.closedByServer(2_000), "not closed after the last response");
        assertTrue(shutdown.get(10, TimeUnit.SECONDS));
    }

    /** A request whose body is arriving when the shutdown begins is read to its end and answered, then closed. */
    @Test
    void aRequestWhoseBodyIsArrivingIsAnsweredBeforeTheClose() throws Exception {
        start(1);
        RawClient c = connect();
        c.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
        Thread.sleep(200);
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)));
        Thread.sleep(200);
        assertFalse(c.closedByServer(100), "closed with a request half read");
        c.write("world" + get("/plaintext")); // the request after it is not read: the connection is closing
        assertResponse(c.read(), 200, "OK", "helloworld", "Connection", "close");
        assertTrue(c.closedByServer(2_000), "not closed after the last response");
        assertTrue(shutdown.get(10, TimeUnit.SECONDS));
    }

    @Test
    void deadlineClosesConnectionsStillBusy() throws Exception {
        start(1);
        RawClient slow = connect();
        slow.write(get("/delay?ms=8000&i=1"));
        awaitCalls(1);
        long from = System.nanoTime();
        boolean clean = server.shutdown(Duration.ofMillis(500));
        assertFalse(clean, "a request of 8 s finished within a 500 ms deadline");
        assertTrue(ms(from) < 3_000, "shutdown took " + ms(from) + " ms");
        assertThrows(EOFException.class, slow::read, "the cut connection sent something");
    }

    /** A shutdown called while another runs waits for it and gives its answer; a null timeout changes nothing. */
    @Test
    void concurrentShutdownsShareOneOutcome() throws Exception {
        start(1);
        RawClient slow = connect();
        slow.write(get("/delay?ms=8000&i=1"));
        awaitCalls(1);
        assertThrows(NullPointerException.class, () -> server.shutdown(null));
        assertEquals(1, server.openConnections(), "a refused shutdown started draining");
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofMillis(500)));
        Thread.sleep(100);
        long from = System.nanoTime();
        boolean second = server.shutdown(Duration.ofSeconds(10));
        assertTrue(ms(from) > 200, "the second shutdown returned before the first was done");
        assertFalse(second, "the second shutdown's answer is the first's: not clean");
        assertFalse(first.get(10, TimeUnit.SECONDS));
    }

    /**
     * A service that stops the server on its event loop (or on Reactor's parallel threads) is refused: the wait
     * would block the loop, which once left the server half stopped with its loops running for good. The server
     * goes on serving, and stops from another thread.
     */
    @Test
    void aShutdownOnAnEventLoopIsRefusedAndTheServerStillStops() throws Exception {
        List<Throwable> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunningServer[] self = new RunningServer[1];
        RunningServer other = HttpServer.create().port(0).threads(1)
                .handle(Service.constant(Response.text("other"))).bind();
        server = HttpServer.create().port(0).threads(1).handle(Router.builder()
                .get("/stop", Service.sync(request -> {
                    try {
                        self[0].close();
                    } catch (IllegalStateException e) {
                        refused.add(e);
                    }
                    return Response.text("asked");
                }))
                .get("/stop-later", request -> Mono.delay(Duration.ofMillis(1)).map(x -> {
                    try {
                        self[0].shutdown(Duration.ofSeconds(1));
                    } catch (IllegalStateException e) {
                        refused.add(e);
                    }
                    return Response.text("asked");
                }))
                .get("/stop-other", Service.sync(request -> { // another server's: still a loop it would block
                    try {
                        other.shutdown(Duration.ofSeconds(1));
                    } catch (IllegalStateException e) {
                        refused.add(e);
                    }
                    return Response.text("asked");
                }))
                .get("/plaintext", Service.constant(Response.text("Hello, World!")))
                .build()).bind();
        self[0] = server;
        try (RawClient client = connect()) {
            client.write(get("/stop") + get("/stop-later") + get("/stop-other") + get("/plaintext"));
            assertEquals("asked", client.read().body());
            assertEquals("asked", client.read().body());
            assertEquals("asked", client.read().body());
            assertEquals("Hello, World!", client.read().body());
        }
        assertEquals(3, refused.size(), "a shutdown on a non-blocking thread was not refused: " + refused);
        assertTrue(other.shutdown(Duration.ofSeconds(5)));
        assertTrue(server.shutdown(Duration.ofSeconds(5)));
        // Stopped already: a later call has nothing to wait for, and answers on any thread.
        assertTrue(Mono.fromCallable(() -> server.shutdown(Duration.ofSeconds(1)))
                .subscribeOn(reactor.core.scheduler.Schedulers.parallel()).block(Duration.ofSeconds(5)));
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.port()).close());
        assertThrows(IllegalArgumentException.class, () -> server.shutdown(Duration.ofSeconds(-1)));
    }
}
