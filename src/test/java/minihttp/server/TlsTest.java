package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import minihttp.http.Response;
import minihttp.internal.server.LocalhostCertificate;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

/**
 * HTTPS end to end, on every TLS engine (and, for pipelining, every transport) available here: real clients
 * (the JDK's HttpClient and SSLSocket) that trust only the server's generated certificate.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {

    private static final String HELLO = "Hello, World!";
    private static final int PIPELINED = 16;
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int CLOSE_TIMEOUT_MS = 100;
    /** One certificate for the whole class: generating is cheap, but not free. */
    private static final Tls TLS = Tls.selfSigned();

    private RunningServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    static Service service() {
        return Router.builder()
                .get("/plaintext", Service.constant(Response.text(HELLO)))
                .get("/delay", request -> Mono.delay(Duration.ofMillis(Long.parseLong(request.queryParam("ms"))))
                        .map(x -> Response.text("i=" + request.queryParam("i"))))
                .build();
    }

    static Stream<Tls.Provider> providers() {
        return TestTransports.tlsProviders();
    }

    static Stream<Arguments> providersAndTransports() {
        return TestTransports.tlsProviders().flatMap(p -> TestTransports.available().map(t -> Arguments.of(p, t)));
    }

    private RunningServer start(Tls.Provider provider) {
        return start(provider, Transport.auto());
    }

    private RunningServer start(Tls.Provider provider, Transport transport) {
        server = HttpServer.create().port(0).threads(1).transport(transport)
                .tls(TLS.provider(provider)).handle(service()).bind();
        return server;
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
                if (c instanceof Socket socket && !socket.isClosed()) {
                    // An SSLSocket's close waits up to its read timeout for the peer's close_notify.
                    socket.setSoTimeout(CLOSE_TIMEOUT_MS);
                }
                c.close();
            } catch (Exception ignored) {
                // the server may have closed it already
            }
        }
    }

    // ---------------------------------------------------------------- clients

    /** A client SSLContext that trusts exactly this certificate. */
    static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("minihttp", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** An SSLSocket to 127.0.0.1 that checks the certificate names {@code localhost}, offering h2 and http/1.1. */
    private SSLSocket tlsSocket(SSLContext context, int port) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.setSoTimeout(READ_TIMEOUT_MS);
        plain.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
        closeables.add(socket);
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        socket.setSSLParameters(params);
        socket.startHandshake();
        return socket;
    }

    private RawClient tlsClient(int port) throws Exception {
        return new RawClient(tlsSocket(trusting(TLS.certificate()), port));
    }

    private Socket plainSocket(int port) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        closeables.add(socket);
        return socket;
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    static String sha256(X509Certificate certificate) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        StringBuilder sb = new StringBuilder();
        for (byte b : digest) {
            sb.append(sb.length() == 0 ? "" : ":").append(String.format(Locale.ROOT, "%02X", b));
        }
        return sb.toString();
    }

    /** Reads until the server closes (end of stream or reset); fails if it keeps the connection open. */
    static byte[] readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open; it sent: " + got.toString(ISO_8859_1));
        } catch (SocketException reset) {
            // closed with a reset: closed all the same
        }
        return got.toByteArray();
    }

    private void assertPlaintext(RawClient.Response r) {
        assertEquals(200, r.status(), r::toString);
        assertEquals(HELLO, r.body());
    }

    // ---------------------------------------------------------------- tests

    @ParameterizedTest
    @MethodSource("providers")
    void httpClientTrustingTheGeneratedCertificate(Tls.Provider provider) throws Exception {
        RunningServer running = start(provider);
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(TLS.certificate()))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + running.port() + "/plaintext"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HELLO, response.body());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version());
        // The fingerprint on the ready line is the certificate the client was really given.
        X509Certificate seen = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(sha256(seen), running.fingerprint());
        assertEquals(provider, running.tlsProvider());
        String ready = running.readyLine();
        assertTrue(ready.startsWith("listening on https://127.0.0.1:" + running.port() + " "), ready);
        assertTrue(ready.contains("TLS " + provider + ", certificate SHA-256 " + sha256(seen)), ready);
    }

    @ParameterizedTest
    @MethodSource("providersAndTransports")
    void sixteenPipelinedRequestsInOneWriteAnswerInOrder(Tls.Provider provider, Transport transport) throws Exception {
        RunningServer running = start(provider, transport);
        assertEquals(transport, running.transport());
        SSLSocket socket = tlsSocket(trusting(TLS.certificate()), running.port());
        assertEquals("http/1.1", socket.getApplicationProtocol(), "ALPN");
        RawClient client = new RawClient(socket);
        Random random = new Random(42);
        for (int round = 0; round < 2; round++) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < PIPELINED; i++) {
                // Later requests often finish first; the responses must still leave in request order.
                requests.append(i % 2 == 0 ? get("/plaintext") : get("/delay?i=" + i + "&ms=" + random.nextInt(30)));
            }
            client.write(requests.toString()); // one write: SSLSocket sends it as one TLS record
            List<RawClient.Response> responses = client.read(PIPELINED);
            for (int i = 0; i < PIPELINED; i++) {
                RawClient.Response r = responses.get(i);
                assertEquals(200, r.status(), r::toString);
                assertEquals(i % 2 == 0 ? HELLO : "i=" + i, r.body(), "response " + i);
                assertEquals("minihttp", r.header("Server"));
            }
        }
        assertFalse(client.closedByServer(100), "keep-alive TLS connection was closed");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void plainHttpOrGarbageOnTheTlsPortClosesThatConnectionOnly(Tls.Provider provider) throws Exception {
        RunningServer running = start(provider);
        RawClient established = tlsClient(running.port());
        established.write(get("/plaintext"));
        assertPlaintext(established.read());

        Socket plaintext = plainSocket(running.port());
        plaintext.getOutputStream().write(get("/plaintext").getBytes(ISO_8859_1));
        String answer = new String(readUntilClosed(plaintext), ISO_8859_1);
        assertFalse(answer.contains("HTTP/1.1"), "plain HTTP served on the TLS port: " + answer);

        Socket garbage = plainSocket(running.port());
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        noise[0] = 0x42; // not a TLS record type
        garbage.getOutputStream().write(noise);
        readUntilClosed(garbage);

        // The established connection and new ones are not disturbed.
        established.write(get("/plaintext").repeat(3));
        established.read(3).forEach(this::assertPlaintext);
        RawClient fresh = tlsClient(running.port());
        fresh.write(get("/plaintext"));
        assertPlaintext(fresh.read());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void clientThatDistrustsTheCertificateFailsAloneThenOthersConnect(Tls.Provider provider) throws Exception {
        RunningServer running = start(provider);
        SSLContext defaultTrust = SSLContext.getInstance("TLS");
        defaultTrust.init(null, null, null); // the JDK's CA certificates: a self-signed one is not among them
        assertThrows(SSLException.class, () -> tlsSocket(defaultTrust, running.port()));
        RawClient client = tlsClient(running.port());
        client.write(get("/plaintext"));
        assertPlaintext(client.read());
    }

    /**
     * A TLS client that stops reading does not hold a shutdown past its deadline: the connection is closed without
     * waiting to send a close_notify its socket would never take.
     */
    @ParameterizedTest
    @MethodSource("providers")
    void aTlsClientThatDoesNotReadIsClosedAtTheShutdownDeadline(Tls.Provider provider) throws Exception {
        String megabyte = "x".repeat(1 << 20);
        server = HttpServer.create().port(0).threads(1).sendBuffer(64 * 1024).tls(TLS.provider(provider))
                .handle(Service.constant(Response.text(megabyte))).bind();
        Socket stuck = tlsSocket(trusting(TLS.certificate()), server.port());
        stuck.getOutputStream().write(get("/big").repeat(16).getBytes(ISO_8859_1)); // and never reads
        Thread.sleep(500); // the output fills the socket buffers and stops
        long from = System.nanoTime();
        assertFalse(server.shutdown(Duration.ofMillis(500)), "a client that reads nothing finished in time");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
        assertTrue(ms < 1_500, "shutdown took " + ms + " ms with a 500 ms deadline");
    }

    /** A handshake never begun is closed at the head deadline, which is the handshake's too. */
    @Test
    void aHandshakeNeverBegunEndsAtTheHeaderTimeout() throws Exception {
        server = HttpServer.create().port(0).threads(1).tls(TLS)
                .timeouts(Timeouts.DEFAULT.withHeader(Duration.ofMillis(500)))
                .handle(service()).bind();
        Socket silent = plainSocket(server.port()); // connected, but never sends its ClientHello
        long from = System.nanoTime();
        assertEquals(-1, silent.getInputStream().read(), "the silent connection was not closed");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
        assertTrue(ms >= 400 && ms < 3_000, "closed after " + ms + " ms, the header timeout being 500 ms");
    }

    /** The write timeout closes a TLS client that does not read when it passes, not 3 s later with a warning. */
    @ParameterizedTest
    @MethodSource("providers")
    void aTlsClientThatDoesNotReadIsClosedAtTheWriteTimeout(Tls.Provider provider) throws Exception {
        String megabyte = "x".repeat(1 << 20);
        server = HttpServer.create().port(0).threads(1).sendBuffer(64 * 1024).tls(TLS.provider(provider))
                .timeouts(Timeouts.DEFAULT.withWrite(Duration.ofMillis(500)))
                .handle(Service.constant(Response.text(megabyte))).bind();
        Socket stuck = tlsSocket(trusting(TLS.certificate()), server.port());
        stuck.getOutputStream().write(get("/big").repeat(16).getBytes(ISO_8859_1)); // and never reads
        long from = System.nanoTime();
        while (server.openConnections() > 0 && System.nanoTime() - from < TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(20);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
        assertEquals(0, server.openConnections());
        assertTrue(ms < 2_000, "closed " + ms + " ms after a write timeout of 500 ms");
    }

    /**
     * Netty's OpenSSL engine answers a close_notify by closing both ways: a stream still sending then fails its
     * writes, and the connection must close rather than go on writing into a closed engine until the stream ends.
     */
    @Test
    void aStreamCutByCloseNotifyOnAnEngineThatClosesBothWaysEndsTheConnection() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(providers().anyMatch(p -> p == Tls.Provider.OPENSSL),
                "OpenSSL not available here");
        server = HttpServer.create().port(0).threads(1).tls(TLS.provider(Tls.Provider.OPENSSL))
                .handle(Service.sync(request -> Response.status(minihttp.http.HttpStatus.OK)
                        .bodyText(reactor.core.publisher.Flux.interval(Duration.ofMillis(20)).take(10_000)
                                .onBackpressureBuffer().map(i -> "tick " + i + "\n"))))
                .bind();
        RawClient client = tlsClient(server.port());
        client.write(get("/ticks"));
        client.readByte(); // the stream is running
        client.halfClose(); // close_notify
        long from = System.nanoTime();
        while (server.openConnections() > 0 && System.nanoTime() - from < TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(20);
        }
        assertEquals(0, server.openConnections(), "the connection outlived its engine");
    }

    /**
     * A client's close_notify closes its direction only (RFC 8446 section 6.1): what it sent is still answered.
     * With the JDK's engine only: Netty's OpenSSL engine answers a close_notify with its own and closes both ways.
     */
    @Test
    void closeNotifyAfterRequestsIsAHalfCloseTheirResponsesStillCome() throws Exception {
        RunningServer running = start(Tls.Provider.JDK);
        RawClient client = tlsClient(running.port());
        client.write(get("/plaintext") + get("/delay?ms=200&i=1") + get("/plaintext"));
        client.halfClose(); // an SSLSocket's shutdownOutput sends close_notify
        assertPlaintext(client.read());
        assertEquals("i=1", client.read().body());
        assertPlaintext(client.read());
        assertTrue(client.closedByServer(5_000), "the connection was left open after the answers");
    }

    /**
     * A TLS client still sending a body too large reads its 413 to the end, as over plain TCP
     * ({@code LingeringCloseTest}): the server sends its close_notify, shuts its output down and drops what still
     * comes, instead of closing on unread input, whose reset can make the client's kernel drop the response.
     */
    @ParameterizedTest
    @MethodSource("providers")
    void aTlsClientSendingABodyTooLargeReadsThe413ToItsEnd(Tls.Provider provider) throws Exception {
        server = HttpServer.create().port(0).threads(1).tls(TLS.provider(provider))
                .handle(Router.builder().post("/echo", Service.sync(r -> Response.text(r.bodyAsString(ISO_8859_1))))
                        .build())
                .bind();
        long bodyLength = 4L * Limits.DEFAULT.maxBody();
        for (int round = 0; round < 5; round++) {
            SSLSocket socket = tlsSocket(trusting(TLS.certificate()), server.port());
            var out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + bodyLength + "\r\n\r\n")
                    .getBytes(ISO_8859_1));
            Thread sender = new Thread(() -> {
                byte[] block = new byte[16 * 1024];
                try {
                    for (long sent = 0; sent < bodyLength; sent += block.length) {
                        out.write(block);
                    }
                } catch (IOException closedByServer) {
                    // the server closed: it need not take the whole body
                }
            });
            sender.start();
            Thread.sleep(200); // the server answers and closes while the body keeps coming
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(got);
            } catch (SocketException | SSLException reset) {
                fail("round " + round + ": " + reset + " after " + got.toString(ISO_8859_1));
            }
            String answer = got.toString(ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 413 ") && answer.endsWith("\n"), "round " + round + ": " + answer);
            sender.join(10_000);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void shutdownAnswersTlsRequestsInFlightAndDoesNotWaitForAHandshakeNeverBegun(Tls.Provider provider)
            throws Exception {
        RunningServer running = start(provider);
        RawClient busy = tlsClient(running.port());
        busy.write(get("/delay?ms=500&i=1"));
        Socket silent = plainSocket(running.port()); // connected, but never sends its ClientHello
        Thread.sleep(100); // both accepted, the request read

        long from = System.nanoTime();
        assertTrue(running.shutdown(Duration.ofSeconds(5)), "shutdown was not clean");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
        assertTrue(ms < 2_000, "shutdown took " + ms + " ms: it waited for the silent handshake");
        RawClient.Response answer = busy.read();
        assertEquals(200, answer.status());
        assertEquals("i=1", answer.body());
        assertEquals("close", answer.header("Connection"));
        assertEquals(-1, silent.getInputStream().read(), "the silent connection was not closed");
    }

    @Test
    void plainAndTlsOnTwoPortsAtOnce() throws Exception {
        server = HttpServer.create().port(0).tlsPort(0).threads(2).tls(TLS).handle(service()).bind();
        assertNotEquals(-1, server.plainPort());
        assertNotEquals(-1, server.tlsPort());
        assertNotEquals(server.plainPort(), server.tlsPort());
        assertTrue(server.readyLine().startsWith("listening on http://127.0.0.1:" + server.plainPort()
                + " and https://127.0.0.1:" + server.tlsPort() + " ("), server.readyLine());

        RawClient plain = new RawClient(server.plainPort());
        closeables.add(plain);
        plain.write(get("/plaintext").repeat(PIPELINED));
        plain.read(PIPELINED).forEach(this::assertPlaintext);
        RawClient secure = tlsClient(server.tlsPort());
        secure.write(get("/plaintext").repeat(PIPELINED));
        secure.read(PIPELINED).forEach(this::assertPlaintext);
        // Each port speaks only its own protocol.
        Socket wrong = plainSocket(server.tlsPort());
        wrong.getOutputStream().write(get("/plaintext").getBytes(ISO_8859_1));
        assertFalse(new String(readUntilClosed(wrong), ISO_8859_1).contains("HTTP/1.1"));
        assertThrows(SSLException.class, () -> tlsSocket(trusting(TLS.certificate()), server.plainPort()));
    }

    @Test
    void pemCertificateAndKeyFiles(@TempDir Path dir) throws Exception {
        LocalhostCertificate generated = LocalhostCertificate.generate();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, pem("CERTIFICATE", generated.certificate().getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", generated.keyPair().getPrivate().getEncoded()));
        Tls fromFiles = Tls.pem(cert, key);
        assertArrayEquals(generated.certificate().getEncoded(), fromFiles.certificate().getEncoded());
        assertEquals(sha256(generated.certificate()), fromFiles.fingerprint());

        server = HttpServer.create().port(0).threads(1).tls(fromFiles).handle(service()).bind();
        RawClient client = new RawClient(tlsSocket(trusting(generated.certificate()), server.port()));
        client.write(get("/plaintext"));
        assertPlaintext(client.read());
    }

    @Test
    void badPemFilesFailAtConfiguration(@TempDir Path dir) throws Exception {
        LocalhostCertificate one = LocalhostCertificate.generate();
        LocalhostCertificate other = LocalhostCertificate.generate();
        Path cert = dir.resolve("cert.pem");
        Path otherKey = dir.resolve("other-key.pem");
        Files.writeString(cert, pem("CERTIFICATE", one.certificate().getEncoded()));
        Files.writeString(otherKey, pem("PRIVATE KEY", other.keyPair().getPrivate().getEncoded()));
        assertThrows(IllegalArgumentException.class, () -> Tls.pem(cert, dir.resolve("missing.pem")));
        assertThrows(IllegalArgumentException.class, () -> Tls.pem(dir.resolve("missing.pem"), otherKey));
        assertThrows(IllegalArgumentException.class, () -> Tls.pem(otherKey, otherKey), "a key is no certificate");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
