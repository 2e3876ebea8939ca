package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import minihttp.app.DemoApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

/**
 * Clients that half-close: they send their requests, then shut down their write side ({@code shutdown(SHUT_WR)}).
 * Each gets every response to what it sent, in order, and then the server closes (RFC 9112 section 9.6, as
 * nginx does); a request left unfinished by the half-close gets no response, as in nginx, except a streamed
 * body's, whose service already has it and answers the failed stream. On every transport.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HalfCloseTest {

    /** How long the server may take to close a half-closed connection once its responses are out. */
    private static final int CLOSE_WITHIN_MS = 2_000;

    private RunningServer server;
    private final OpenedClients clients = new OpenedClients();

    static Stream<Transport> transports() {
        return TestTransports.available();
    }

    @AfterEach
    void stop() {
        clients.closeAll();
        if (server != null) {
            server.close();
        }
    }

    private RawClient client(Transport transport) throws Exception {
        if (server == null) {
            server = HttpServer.create().port(0).threads(1).transport(transport).handle(DemoApp.service()).bind();
        }
        return clients.add(new RawClient(server.port()));
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    /**
     * More requests than the output budget lets the server decode at once, then the half-close, in one go: the
     * server keeps the rest of the read to decode as the output drains, and the half-close must not drop it.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void requestsBeyondTheOutputBudgetAreAnsweredAfterHalfClose(Transport transport) throws Exception {
        int requests = 5_000; // about 650 KB of responses: ten times the budget
        RawClient client = client(transport).write(get("/plaintext").repeat(requests)).halfClose();
        List<RawClient.Response> responses = client.read(requests);
        assertEquals(requests, responses.size());
        assertEquals("Hello, World!", responses.get(requests - 1).body());
        assertTrue(client.closedByServer(CLOSE_WITHIN_MS), "the server closes once the responses are out");
    }

    /** A client that closes its side waits for what it is owed at most the idle timeout, then the server closes. */
    @ParameterizedTest
    @MethodSource("transports")
    void aResponseThatNeverComesAfterHalfCloseEndsAtTheIdleTimeout(Transport transport) throws Exception {
        server = HttpServer.create().port(0).threads(1).transport(transport)
                .timeouts(Timeouts.DEFAULT.withIdle(Duration.ofMillis(500)))
                .handle(request -> Mono.never()).bind();
        RawClient client = clients.add(new RawClient(server.port())).write(get("/never")).halfClose();
        assertTrue(client.closedByServer(CLOSE_WITHIN_MS), "the connection outlived the idle timeout by far");
    }

    /** ... but a stream that keeps sending is no idle connection: it goes on past the idle timeout. */
    @ParameterizedTest
    @MethodSource("transports")
    void aStreamThatKeepsSendingAfterHalfCloseOutlivesTheIdleTimeout(Transport transport) throws Exception {
        server = HttpServer.create().port(0).threads(1).transport(transport)
                .timeouts(Timeouts.DEFAULT.withIdle(Duration.ofMillis(500)))
                .handle(DemoApp.service()).bind();
        RawClient client = clients.add(new RawClient(server.port())).write(get("/stream?n=15&ms=100")).halfClose();
        StreamedResponseTest.readHead(client);
        String body = StreamedResponseTest.readChunkedBody(client); // 1.5 s of ticks, three idle timeouts
        assertTrue(body.endsWith("tick 15\n"), body);
        assertTrue(client.closedByServer(CLOSE_WITHIN_MS), "the server closes once the stream is out");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void pendingResponseArrivesAfterHalfClose(Transport transport) throws Exception {
        RawClient client = client(transport).write(get("/delay?ms=500")).halfClose();
        RawClient.Response response = client.read();
        assertEquals(200, response.status());
        assertEquals("delayed 500 ms\n", response.body());
        assertTrue(client.closedByServer(CLOSE_WITHIN_MS), "the server closes once the response is out");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void blockingResponseArrivesAfterHalfClose(Transport transport) throws Exception {
        RawClient client = client(transport).write(get("/blocking?ms=500")).halfClose();
        RawClient.Response response = client.read();
        assertEquals(200, response.status());
        assertEquals("slept 500 ms\n", response.body());
        assertTrue(client.closedByServer(CLOSE_WITHIN_MS));
    }

    /**
     * A response completed on another thread as the half-close arrives: its write waits in the event loop's queue,
     * and the close after the last write must wait behind it, not pass it (it did, for a few in a hundred).
     */
    @ParameterizedTest
    @MethodSource("transports")
    void aQuickBlockingResponseIsNotPassedByTheCloseAfterHalfClose(Transport transport) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (RawClient client = client(transport).write(get("/blocking?ms=0")).halfClose()) {
                assertEquals(200, client.read().status(), "connection " + i + " got no response");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void pipelinedResponsesArriveInOrderAfterHalfClose(Transport transport) throws Exception {
        RawClient client = client(transport)
                .write(get("/plaintext") + get("/delay?ms=300") + get("/json")).halfClose();
        List<RawClient.Response> responses = client.read(3);
        assertEquals("Hello, World!", responses.get(0).body());
        assertEquals("delayed 300 ms\n", responses.get(1).body());
        assertEquals("{\"message\":\"Hello, World!\"}", responses.get(2).body());
        assertTrue(client.closedByServer(CLOSE_WITHIN_MS));
    }

    @ParameterizedTest
    @MethodSource("transports")
    void halfCloseWithNothingOwedClosesAtOnce(Transport transport) throws Exception {
        RawClient client = client(transport).write(get("/plaintext"));
        assertEquals(200, client.read().status());
        client.halfClose();
        assertTrue(client.closedByServer(CLOSE_WITHIN_MS), "no fd held for a half-closed idle connection");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void requestLeftUnfinishedGetsNoResponse(Transport transport) throws Exception {
        // A partial head, then a Content-Length body cut short: neither is a request, so neither is answered.
        for (String unfinished : List.of("GET /json HTTP/1.1\r\nHo",
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello")) {
            RawClient client = client(transport).write(get("/delay?ms=200") + unfinished).halfClose();
            assertEquals("delayed 200 ms\n", client.read().body());
            assertTrue(client.closedByServer(CLOSE_WITHIN_MS), "nothing after the complete request's response");
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void streamedBodyCutByHalfCloseIsAnsweredOnceByItsService(Transport transport) throws Exception {
        RawClient client = client(transport).write(get("/delay?ms=200")
                + "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n").halfClose();
        assertEquals("delayed 200 ms\n", client.read().body());
        RawClient.Response cut = client.read();
        assertEquals(400, cut.status(), cut.toString());
        assertTrue(client.closedByServer(CLOSE_WITHIN_MS), "one answer, then close");
    }
}
