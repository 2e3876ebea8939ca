package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import minihttp.http.Response;
import minihttp.internal.server.LingeringClose;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client still sending when the server refuses its request (here a body over the limit: 413) gets the whole
 * response and a clean end, not a reset: the server shuts its output down, drops what still comes, and closes once
 * the client has closed its side, or after {@link LingeringClose#LINGER_MILLIS} of a client that keeps sending.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LingeringCloseTest {

    private static final int BLOCK = 64 * 1024;

    private RunningServer server;

    @BeforeEach
    void start() {
        server = HttpServer.create().port(0).threads(1)
                .handle(Router.builder().post("/echo", Service.sync(r -> Response.text(r.bodyAsString(ISO_8859_1))))
                        .build())
                .bind();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aClientSendingABodyTooLargeReadsThe413AndAnEndNotAReset() throws Exception {
        long bodyLength = 2 * Limits.DEFAULT.maxBody();
        for (int round = 0; round < 5; round++) {
            try (Socket socket = connect()) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + bodyLength + "\r\n\r\n")
                        .getBytes(ISO_8859_1));
                CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> send(out, bodyLength));
                String answer = readUntilEnd(socket.getInputStream()); // throws on a reset
                assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
                assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
                assertEquals(bodyLength, sent.get(10, TimeUnit.SECONDS), "the body was not taken to its end");
            }
        }
    }

    @Test
    void aClientThatKeepsSendingIsClosedAfterTheLinger() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n".getBytes(ISO_8859_1));
            long from = System.nanoTime();
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> send(out, Long.MAX_VALUE));
            assertTrue(readUntilEnd(socket.getInputStream()).startsWith("HTTP/1.1 413 "));
            sent.get(LingeringClose.LINGER_MILLIS + 5_000, TimeUnit.MILLISECONDS); // ends when the server closes
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
            assertTrue(ms >= LingeringClose.LINGER_MILLIS - 100, "closed after " + ms + " ms");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends up to {@code length} bytes of body; returns how many were sent before the server closed. */
    private static long send(OutputStream out, long length) {
        byte[] block = new byte[BLOCK];
        long sent = 0;
        try {
            while (sent < length) {
                int n = (int) Math.min(BLOCK, length - sent);
                out.write(block, 0, n);
                sent += n;
            }
        } catch (IOException closedByServer) {
            // the server closed: how much it took is the answer
        }
        return sent;
    }

    private static String readUntilEnd(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(ISO_8859_1);
    }
}
