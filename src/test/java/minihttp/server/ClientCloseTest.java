package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import minihttp.LeakCheck;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients that close their kept-alive connections, as wrk does at the end of every run, on every transport:
 * no buffer may be released twice or leak, and the server keeps serving correct responses afterwards.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientCloseTest {

    private static final int CONNECTIONS = 48;
    private static final int ROUNDS = 3;

    static Stream<Transport> transports() {
        return TestTransports.available();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void clientsCloseKeptAliveConnections(Transport transport) throws Exception {
        // When the client closes, reactor-netty cancels the send, and concatMap's scalar fast path may discard the
        // batch it already emitted (reactor/reactor-core#4352). Were that the buffer, it would be released twice:
        // on io_uring it is by then reused as the next read buffer and the leak detector reports it. Batch#whenEncoded
        // hands concatMap the batch instead, whose output was taken, so this runs on every transport.
        try (RunningServer server = HttpServer.create().port(0).threads(2).transport(transport)
                .reusePort(transport != Transport.NIO).handle(TransportTest.service()).bind()) {
            for (int round = 0; round < ROUNDS; round++) {
                List<RawClient> clients = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    RawClient client = new RawClient(server.port());
                    client.write(TransportTest.get("/plaintext").repeat(4));
                    clients.add(client);
                }
                for (RawClient client : clients) {
                    for (RawClient.Response r : client.read(4)) {
                        assertEquals(200, r.status());
                        assertEquals("Hello, World!", r.body());
                    }
                    client.close();
                }
                Thread.sleep(100); // lets the server see the closes before the next round and the leak check
                LeakCheck.assertNoLeaks();
            }
        }
    }
}
