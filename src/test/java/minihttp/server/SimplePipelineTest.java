package minihttp.server;

import static minihttp.server.EndToEndTest.assertPlaintext;
import static minihttp.server.EndToEndTest.assertResponse;
import static minihttp.server.EndToEndTest.get;
import static minihttp.server.EndToEndTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simple pipeline ({@link Pipeline#SIMPLE}) over real sockets on 127.0.0.1, with the end-to-end tests' service:
 * pipelined requests answered in order, bad input answered and closed, the connection's end honoured, nothing
 * leaked (LeakCheck) when a client goes away with responses pending.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SimplePipelineTest {

    /** The simple pipeline does not drain: a shutdown waits this long for connections the test left open. */
    private static final Duration SHUTDOWN = Duration.ofMillis(500);

    private RunningServer server;
    private final OpenedClients closeables = new OpenedClients();

    @BeforeEach
    void start() {
        server = HttpServer.create().port(0).threads(1).pipeline(Pipeline.SIMPLE)
                .handle(EndToEndTest.testService()).bind();
    }

    @AfterEach
    void stop() {
        closeables.closeAll();
        if (server != null) {
            server.shutdown(SHUTDOWN);
        }
    }

    private RawClient connect() throws IOException {
        return closeables.add(new RawClient(server.port()));
    }

    /** As in the batched pipeline: a response that cannot be encoded is a 500, and the connection goes on. */
    @Test
    void aResponseThatCannotBeEncodedAnswers500() throws Exception {
        RawClient client = connect();
        client.write(get("/buffer-twice") + get("/buffer-twice") + get("/plaintext"));
        assertEquals(200, client.read().status());
        assertEquals(500, client.read().status());
        assertPlaintext(client.read());
    }

    @Test
    void pipelinedRequestsOneSlowAreAnsweredInOrder() throws Exception {
        RawClient client = connect();
        client.write(get("/delay?i=1&ms=300") + get("/plaintext") + post("/echo-later", "body")
                + get("/delay?i=4&ms=10") + get("/nope"));
        List<RawClient.Response> responses = client.read(5);
        assertResponse(responses.get(0), 200, "OK", "1:300");
        assertPlaintext(responses.get(1));
        assertResponse(responses.get(2), 200, "OK", "body");
        assertResponse(responses.get(3), 200, "OK", "4:10");
        assertEquals(404, responses.get(4).status());
        assertFalse(client.closedByServer(100), "keep-alive connection was closed");
        client.write(get("/plaintext"));
        assertPlaintext(client.read());
    }

    @Test
    void malformedRequestGets400AndCloseAfterTheResponsesBeforeIt() throws Exception {
        RawClient client = connect();
        client.write(get("/delay?i=1&ms=100") + "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n"
                + get("/plaintext"));
        assertResponse(client.read(), 200, "OK", "1:100");
        RawClient.Response error = client.read();
        assertEquals(400, error.status(), error.toString());
        assertEquals("close", error.header("Connection"));
        assertTrue(client.closedByServer(2_000), "connection left open after a malformed request");
    }

    @Test
    void connectionCloseAndHttp10EndTheConnectionAfterTheirResponse() throws Exception {
        RawClient client = connect();
        client.write(get("/plaintext") + "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                + get("/plaintext"));
        assertPlaintext(client.read());
        assertResponse(client.read(), 200, "OK", "Hello, World!", "Connection", "close");
        assertTrue(client.closedByServer(2_000), "Connection: close left the connection open");

        RawClient old = connect();
        old.write("GET /plaintext HTTP/1.0\r\n\r\n");
        assertResponse(old.read(), 200, "OK", "Hello, World!", "Connection", "close");
        assertTrue(old.closedByServer(2_000), "HTTP/1.0 without keep-alive left the connection open");
    }

    @Test
    void aHalfClosedClientGetsEveryResponseThenTheServerCloses() throws Exception {
        RawClient client = connect();
        client.write(get("/delay?i=1&ms=100") + get("/plaintext")).halfClose();
        assertResponse(client.read(), 200, "OK", "1:100");
        assertPlaintext(client.read());
        assertTrue(client.closedByServer(2_000), "connection left open after the client half-closed");
    }

    @Test
    void aClientThatResetsWithResponsesPendingLeaksNothing() throws Exception {
        for (int i = 0; i < 20; i++) {
            RawClient client = connect();
            client.write((get("/delay?i=1&ms=20") + post("/echo", "x".repeat(100)) + get("/plaintext")).repeat(5));
            client.abort();
        }
        Thread.sleep(300); // the pending services finish; LeakCheck then finds nothing held
        assertTrue(server.openConnections() < 20, "reset connections still open: " + server.openConnections());
    }
}
