package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import minihttp.LeakCheck;
import minihttp.app.DemoApp;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.internal.server.HttpConnection;
import minihttp.service.Service;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

/**
 * Clients that reset their connections (SO_LINGER 0) while pipelined requests are still being served: responses
 * that complete later on another thread, and streamed bodies read but not yet handed to their services. Every
 * buffer the connection retained for them must be released once, whatever is still queued when the reset ends
 * the inbound with an error. {@code -Phostile} runs many more rounds and connections.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientResetTest {

    private static final boolean HOSTILE = Boolean.getBoolean("minihttp.hostile");
    private static final int CONNECTIONS = HOSTILE ? 100 : 16;
    private static final int ROUNDS = HOSTILE ? 100 : 2;
    private static final int PAIRS = 20;
    /** As many as the output budget lets one read queue behind a slow response, few enough to fit one read. */
    private static final int READY_BEHIND_SLOW = HttpConnection.OUTPUT_BUDGET / HttpConnection.UNENCODED_CHARGE - 4;
    /** Requests that grow the receive buffer (Netty's adaptive allocator) to fit the batch above. */
    private static final int WARM_UP = 200;
    /** How long the client lets the server read before it resets: some responses are then still pending. */
    private static final long RESET_AFTER_MS = 10;
    /** A pending response, completed later on a timer thread, and a streamed upload, pipelined in one write. */
    private static final String PAIR = "GET /delay?ms=20 HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";

    static Stream<Transport> transports() {
        return TestTransports.available();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void resetDuringPipelinedRequestsLeaksNothing(Transport transport) throws Exception {
        try (RunningServer server = HttpServer.create().port(0).threads(2).transport(transport)
                .handle(DemoApp.service()).bind()) {
            for (int round = 0; round < ROUNDS; round++) {
                List<RawClient> clients = new ArrayList<>(CONNECTIONS);
                for (int i = 0; i < CONNECTIONS; i++) {
                    RawClient client = new RawClient(server.port());
                    client.write(PAIR.repeat(PAIRS));
                    clients.add(client);
                }
                Thread.sleep(RESET_AFTER_MS);
                for (RawClient client : clients) {
                    client.abort();
                }
                // Lets the late responses complete into the discarded batches, then finds what was not released.
                Thread.sleep(100);
                LeakCheck.assertNoLeaks();
            }
            // The server still serves.
            try (RawClient client = new RawClient(server.port())) {
                client.write("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(200, client.read().status());
            }
        }
    }
    /**
     * One read of a slow request and ready responses behind it, as many as the output budget lets it queue: a
     * reset cancels the batch with them queued, and their buffer bodies are released.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void resetBehindManyReadyBufferResponsesLeaksNothing(Transport transport) throws Exception {
        Service service = request -> request.path().equals("/slow")
                ? Mono.never()
                : Mono.just(Response.status(HttpStatus.OK).body(
                        ByteBufAllocator.DEFAULT.directBuffer(2).writeBytes(new byte[] {'o', 'k'})));
        CountDownLatch allCalled = new CountDownLatch(WARM_UP + READY_BEHIND_SLOW + 1);
        Service counting = request -> {
            allCalled.countDown();
            return service.call(request);
        };
        try (RunningServer server = HttpServer.create().port(0).threads(1).transport(transport)
                .handle(counting).bind()) {
            RawClient client = new RawClient(server.port());
            // Reads that fill the channel's receive buffer make the next one larger: the batch then comes in one.
            client.write("GET /buf HTTP/1.1\r\nHost: x\r\n\r\n".repeat(WARM_UP));
            assertEquals(WARM_UP, client.read(WARM_UP).size());
            client.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /buf HTTP/1.1\r\nHost: x\r\n\r\n".repeat(READY_BEHIND_SLOW));
            assertTrue(allCalled.await(5, TimeUnit.SECONDS), "requests not all read");
            client.abort();
            Thread.sleep(100);
            LeakCheck.assertNoLeaks();
        }
    }
}
