package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import minihttp.http.Response;
import minihttp.internal.server.NettyTransport;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

/**
 * The server end to end on every transport available here (io_uring, epoll, nio), in each threading model:
 * one loop, N loops sharing a listening socket, and N loops with a SO_REUSEPORT socket each.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransportTest {

    private static final String HELLO = "Hello, World!";
    private static final int PIPELINED = 16;
    /** Enough connections that the kernel's reuseport hash all but surely uses every listener (2 of them). */
    private static final int CONNECTIONS = 48;
    private static final int LOOPS = 2;

    private RunningServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** {@code /thread} answers with the name of the event loop thread that serves the connection. */
    static Service service() {
        return Router.builder()
                .get("/plaintext", Service.constant(Response.text(HELLO)))
                .get("/thread", request -> Mono.just(Response.text(Thread.currentThread().getName())))
                .get("/delay", request -> Mono.delay(Duration.ofMillis(Long.parseLong(request.queryParam("ms"))))
                        .map(x -> Response.text("i=" + request.queryParam("i"))))
                .build();
    }

    static Stream<Transport> transports() {
        return TestTransports.available();
    }

    /** Every transport with: 1 loop, 2 loops sharing one socket, 2 loops with reuseport. */
    static Stream<Arguments> models() {
        return TestTransports.available().flatMap(t -> Stream.of(
                Arguments.of(t, 1, false), Arguments.of(t, LOOPS, false), Arguments.of(t, LOOPS, true)));
    }

    @AfterEach
    void stop() {
        // Server first: clients closing kept-alive connections on io_uring hit a known double release
        // (ClientCloseTest), which is not what these tests are about.
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the server may have closed it already
            }
        }
    }

    private RawClient connect() throws Exception {
        RawClient client = new RawClient(server.port());
        closeables.add(client);
        return client;
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    @ParameterizedTest(name = "{0}, {1} loops, reuseport {2}")
    @MethodSource("models")
    void pipelinedInOrderAndHttpClient(Transport transport, int threads, boolean reusePort) throws Exception {
        server = HttpServer.create().port(0).threads(threads).transport(transport).reusePort(reusePort)
                .handle(service()).bind();
        assertEquals(transport, server.transport());
        String ready = server.readyLine();
        assertTrue(ready.equals("listening on http://127.0.0.1:" + server.port() + " (" + threads + " event loops, "
                + transport.label() + (reusePort ? ", reuseport)" : ")")), ready);
        for (Channel listener : server.listeners()) {
            assertEquals(transport, NettyTransport.of(listener), listener.toString());
        }

        RawClient client = connect();
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < PIPELINED; i++) {
            requests.append(i % 3 == 0 ? get("/delay?i=" + i + "&ms=" + (PIPELINED - i)) : get("/plaintext"));
        }
        client.write(requests.toString());
        List<RawClient.Response> responses = client.read(PIPELINED);
        for (int i = 0; i < PIPELINED; i++) {
            assertEquals(200, responses.get(i).status());
            assertEquals(i % 3 == 0 ? "i=" + i : HELLO, responses.get(i).body(), "response " + i);
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/plaintext"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HELLO, response.body());
    }

    @ParameterizedTest
    @MethodSource("transports")
    void reusePortOpensOneListenerPerLoopAndServesOnAllLoops(Transport transport) throws Exception {
        server = HttpServer.create().port(0).threads(LOOPS).transport(transport).reusePort(true)
                .handle(service()).bind();
        List<Channel> listeners = server.listeners();
        assertEquals(LOOPS, listeners.size());
        Set<Object> loops = listeners.stream().map(Channel::eventLoop).collect(Collectors.toSet());
        assertEquals(LOOPS, loops.size(), "each listening socket runs on its own loop");

        Set<String> servingThreads = new TreeSet<>();
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            RawClient client = connect();
            client.write(get("/thread"));
            clients.add(client);
        }
        for (RawClient client : clients) {
            RawClient.Response r = client.read();
            assertEquals(200, r.status());
            servingThreads.add(r.body());
        }
        assertEquals(LOOPS, servingThreads.size(), "threads that served " + CONNECTIONS + " connections: "
                + servingThreads);
        assertTrue(servingThreads.stream().allMatch(name -> name.startsWith("minihttp-" + transport.label())),
                servingThreads::toString);
    }

    @Test
    void sharedListenerSpreadsConnectionsOverLoops() throws Exception {
        server = HttpServer.create().port(0).threads(LOOPS).handle(service()).bind();
        assertEquals(1, server.listeners().size());
        Set<String> servingThreads = new TreeSet<>();
        for (int i = 0; i < 2 * LOOPS; i++) {
            RawClient client = connect();
            client.write(get("/thread"));
            servingThreads.add(client.read().body());
        }
        assertEquals(LOOPS, servingThreads.size(), servingThreads::toString);
    }

    @Test
    void socketOptionsAreApplied() throws Exception {
        server = HttpServer.create().port(0).threads(1).backlog(128).noDelay(false)
                .receiveBuffer(64 * 1024).sendBuffer(64 * 1024).handle(service()).bind();
        RawClient client = connect();
        client.write(get("/plaintext"));
        assertEquals(HELLO, client.read().body());
        Channel listener = server.listeners().get(0);
        assertEquals(128, listener.config().getOption(io.netty.channel.ChannelOption.SO_BACKLOG));
        // The kernel may round buffer sizes (Linux doubles them), never below what was asked.
        assertTrue(listener.config().getOption(io.netty.channel.ChannelOption.SO_RCVBUF) >= 64 * 1024);
    }

    /** On an IPv6 address the ready line's URL has the address in brackets (RFC 3986), and no host is refused. */
    @Test
    void theReadyLineIsAUrlOnIpv6AndAnEmptyHostIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HttpServer.create().host(""));
        assertThrows(IllegalArgumentException.class, () -> HttpServer.create().host(" "));
        try {
            server = HttpServer.create().host("::1").port(0).threads(1).handle(service()).bind();
        } catch (RuntimeException noIpv6Here) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6Here);
        }
        assertTrue(server.readyLine().startsWith("listening on http://[::1]:" + server.port() + " ("),
                server.readyLine());
    }

    @Test
    void transportNamesParseAndUnknownOnesFail() {
        for (Transport t : Transport.values()) {
            assertEquals(t, Transport.parse(t.label()));
        }
        assertTrue(Transport.parse("auto").isAvailable());
        assertEquals(Transport.auto(), Transport.parse("AUTO"));
        assertThrows(IllegalArgumentException.class, () -> Transport.parse("kqueue"));
    }
}
