package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many concurrent keep-alive connections to the real command line in its own JVM: each one is opened and answered,
 * then, with all of them open, each is answered once more. {@code minihttp.connections} sets how many: 2,000 by
 * default, 16,384 with {@code mvn -B verify -Pmany-connections}. Each JVM needs a file descriptor per connection
 * (see the README's "Many connections").
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManyConnectionsTest {

    private static final int CONNECTIONS = Integer.getInteger("minihttp.connections", 2_000);
    /** Connects in flight at once: well under the server's accept backlog and the kernel's somaxconn. */
    private static final int CONNECTING_AT_ONCE = 512;
    /** File descriptors the JVM needs besides the sockets: jars, selectors, pipes. */
    private static final int SPARE_FDS = 512;
    private static final long ROUND_LIMIT_MS = 120_000;
    private static final byte[] REQUEST = EndToEndTest.get("/plaintext").getBytes(ISO_8859_1);
    private static final String RESPONSE_END = "\r\n\r\nHello, World!";
    private static final Pattern READY = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");

    private Process server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void everyConnectionIsAnsweredWhileAllAreOpen() throws Exception {
        long fdLimit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        assertTrue(fdLimit >= CONNECTIONS + SPARE_FDS, "the open-files limit (" + fdLimit + ") is too low for "
                + CONNECTIONS + " connections: raise it (ulimit -n " + (CONNECTIONS + 4096) + ")");
        int port = startServer();
        try (Clients clients = new Clients(port)) {
            long from = System.nanoTime();
            clients.connectAndRequest(CONNECTIONS);
            long connectedMs = ms(from);
            from = System.nanoTime();
            clients.requestOnEach();
            System.err.printf("%d connections: opened and answered in %d ms; answered again, all open, in %d ms%n",
                    CONNECTIONS, connectedMs, ms(from));
            assertEquals(CONNECTIONS, clients.open(), "connections still open");
        }
    }

    private int startServer() throws IOException {
        File log = Files.createTempFile("minihttp-many", ".log").toFile();
        log.deleteOnExit();
        server = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "minihttp.app.Main", "--port", "0")
                .redirectError(log)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null, "the server exited: " + Files.readString(log.toPath()));
        Matcher m = READY.matcher(line);
        assertTrue(m.find(), "not a ready line: " + line);
        return Integer.parseInt(m.group(1));
    }

    private static long ms(long fromNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
    }

    /** Non-blocking clients on one selector; each keeps what it has received of its current response. */
    private static final class Clients implements AutoCloseable {
        private final int port;
        private final Selector selector = Selector.open();
        private final List<SocketChannel> channels = new ArrayList<>();
        private final ByteBuffer readBuf = ByteBuffer.allocate(64 * 1024);

        private static final class Conn {
            final StringBuilder received = new StringBuilder();
        }

        Clients(int port) throws IOException {
            this.port = port;
        }

        int open() {
            int n = 0;
            for (SocketChannel ch : channels) {
                if (ch.isOpen() && ch.isConnected()) {
                    n++;
                }
            }
            return n;
        }

        /** Opens {@code count} connections, at most {@link #CONNECTING_AT_ONCE} at a time, each sending a request. */
        void connectAndRequest(int count) throws IOException {
            int started = 0;
            int answered = 0;
            int pending = 0;
            long from = System.nanoTime();
            while (answered < count) {
                assertTrue(ms(from) < ROUND_LIMIT_MS, answered + " of " + count + " connections answered in time");
                while (started < count && pending < CONNECTING_AT_ONCE) {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channels.add(ch);
                    if (ch.connect(new InetSocketAddress("127.0.0.1", port))) {
                        ch.register(selector, SelectionKey.OP_READ, new Conn());
                        send(ch);
                    } else {
                        ch.register(selector, SelectionKey.OP_CONNECT, new Conn());
                    }
                    started++;
                    pending++;
                }
                int done = poll();
                answered += done;
                pending -= done;
            }
        }

        /** Sends one more request on every connection at once and waits for every answer. */
        void requestOnEach() throws IOException {
            for (SocketChannel ch : channels) {
                send(ch);
            }
            int answered = 0;
            long from = System.nanoTime();
            while (answered < channels.size()) {
                assertTrue(ms(from) < ROUND_LIMIT_MS, answered + " of " + channels.size() + " answered in time");
                answered += poll();
            }
        }

        private static void send(SocketChannel ch) throws IOException {
            ByteBuffer request = ByteBuffer.wrap(REQUEST);
            while (request.hasRemaining()) {
                ch.write(request); // a few dozen bytes: the socket buffer always takes them
            }
        }

        /** Handles ready keys; returns how many responses completed. Any error or close fails the test. */
        private int poll() throws IOException {
            selector.select(100);
            int completed = 0;
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                SocketChannel ch = (SocketChannel) key.channel();
                Conn conn = (Conn) key.attachment();
                if (key.isConnectable()) {
                    ch.finishConnect(); // throws, failing the test, if the connection was refused
                    key.interestOps(SelectionKey.OP_READ);
                    send(ch);
                    continue;
                }
                readBuf.clear();
                int n = ch.read(readBuf);
                if (n < 0) {
                    throw new AssertionError("the server closed a connection: " + conn.received);
                }
                conn.received.append(new String(readBuf.array(), 0, n, ISO_8859_1));
                if (conn.received.indexOf(RESPONSE_END) >= 0) {
                    if (!conn.received.toString().startsWith("HTTP/1.1 200 OK\r\n")) {
                        throw new AssertionError("unexpected response: " + conn.received);
                    }
                    conn.received.setLength(0);
                    completed++;
                }
            }
            return completed;
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
