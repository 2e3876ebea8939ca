package minihttp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an idle keep-alive connection costs a server: opens N connections to it, each answered one request, holds
 * them idle, and reports the growth of the server's RSS per connection. Run the server on its own first:
 * {@code java -cp target/minihttp-bench.jar minihttp.bench.IdleConnections PORT SERVER_PID 10000}
 * ({@code ulimit -n} must exceed N in both processes). For a JVM server it also reports the growth of its live
 * heap per connection, which unlike RSS does not count the garbage that opening the connections left in pages the
 * heap had not touched before.
 */
public final class IdleConnections {

    private static final byte[] REQUEST = ("GET /plaintext HTTP/1.1\r\nHost: localhost\r\nUser-Agent: idle\r\n"
            + "Accept: text/plain\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    private static final int WARM_UP = 200;
    private static final long SETTLE_MILLIS = 2_000;

    private IdleConnections() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long pid = Long.parseLong(args[1]);
        int count = Integer.parseInt(args[2]);
        closeAll(open(port, WARM_UP)); // the server's first connections load classes and fill pools
        Thread.sleep(SETTLE_MILLIS);
        long before = rssKb(pid);
        long heapBefore = liveHeapBytes(pid);
        List<SocketChannel> idle = open(port, count);
        Thread.sleep(SETTLE_MILLIS);
        long after = rssKb(pid);
        long heapAfter = liveHeapBytes(pid); // after the RSS: the full GC it runs must not count
        System.out.printf("%d idle connections: server RSS %d KB -> %d KB, %d bytes per connection%n",
                idle.size(), before, after, (after - before) * 1024 / idle.size());
        if (heapBefore >= 0 && heapAfter >= 0) {
            System.out.printf("live Java heap %d bytes per connection (jcmd GC.class_histogram)%n",
                    (heapAfter - heapBefore) / idle.size());
        }
        closeAll(idle);
    }

    /**
     * The server's live heap in bytes, from the total of {@code jcmd PID GC.class_histogram} (which runs a full GC
     * first); -1 when the server is not a JVM or jcmd is not beside this JVM's java.
     */
    static long liveHeapBytes(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        long total = -1;
        for (String line : new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 3 && fields[0].equals("Total")) {
                total = Long.parseLong(fields[2]);
            }
        }
        return process.waitFor() == 0 ? total : -1;
    }

    /** {@code count} connections, each answered one request and left open. */
    private static List<SocketChannel> open(int port, int count) throws IOException {
        List<SocketChannel> channels = new ArrayList<>(count);
        ByteBuffer response = ByteBuffer.allocate(4096);
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.write(ByteBuffer.wrap(REQUEST));
            response.clear();
            while (response.position() < 100 && channel.read(response) >= 0) {
                // a plaintext response is over 100 bytes
            }
            channels.add(channel);
        }
        return channels;
    }

    private static void closeAll(List<SocketChannel> channels) throws IOException {
        for (SocketChannel channel : channels) {
            channel.close();
        }
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }
}
