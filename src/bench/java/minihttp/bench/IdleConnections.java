package minihttp.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an idle keep-alive connection costs a server: opens N connections to it, each answered one request, holds
 * them idle, and reports the growth of the server's RSS per connection. The harness runs it with
 * {@code --idle-connections N}; by hand, run the server on its own first:
 * {@code java -cp target/minihttp-bench.jar minihttp.bench.IdleConnections PORT SERVER_PID 10000}
 * ({@code ulimit -n} must exceed N in both processes). For a JVM server it also reports the growth of its live
 * heap per connection, which unlike RSS does not count the garbage that opening the connections left in pages the
 * heap had not touched before.
 */
public final class IdleConnections {

    private static final byte[] REQUEST = ("GET " + Scenario.PLAINTEXT_PATH + " HTTP/1.1\r\nHost: localhost\r\n"
            + "User-Agent: idle\r\nAccept: text/plain\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    /** Every server's plaintext response (status line, headers, "Hello, World!") is longer. */
    private static final int RESPONSE_AT_LEAST = 100;
    /** Connections opened and closed first: the server's first connections load classes and fill pools. */
    static final int WARM_UP = 200;
    /** Pause before each reading, for the server to finish what the connections started. */
    static final long SETTLE_MILLIS = 2_000;
    /** A server that accepts or answers nothing this long is broken; the harness must not wait for it forever. */
    private static final int TIMEOUT_MILLIS = 10_000;

    private IdleConnections() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: " + command("target/minihttp-bench.jar", "PORT", "SERVER_PID", "N"));
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        long pid = Long.parseLong(args[1]);
        int count = Integer.parseInt(args[2]);
        ProcessHandle server = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalArgumentException("no process " + pid));
        IdleCost cost = measure(port, server, count);
        System.out.printf("%d idle connections: server RSS %d KB -> %d KB, %.0f bytes per connection%n",
                cost.connections(), cost.rssKbBefore(), cost.rssKbAfter(), cost.rssBytesPerConnection());
        if (cost.hasLiveHeap()) {
            System.out.printf("live Java heap %.0f bytes per connection (jcmd GC.class_histogram)%n",
                    cost.liveHeapBytesPerConnection());
        }
    }

    /** The command that measures by hand, for usage and the report: {@code java -cp JAR ...IdleConnections ...}. */
    static String command(String benchJar, String port, String pid, String count) {
        return "java -cp " + benchJar + " " + IdleConnections.class.getName() + " " + port + " " + pid + " " + count;
    }

    /**
     * Opens {@code count} connections to the server on {@code port} of this host, each answered one request, reads
     * the memory of {@code server} (its PID, and its children's for RSS) before and after, and closes them again.
     * The live heap is read only from a JVM: jcmd on any other process waits ten seconds for an answer after
     * sending it SIGQUIT, which stops nginx.
     */
    static IdleCost measure(int port, ProcessHandle server, int count) throws IOException, InterruptedException {
        closeAll(open(port, WARM_UP));
        Thread.sleep(SETTLE_MILLIS);
        boolean jvm = isJvm(server);
        // The heap first: the full GC that reads it may give heap pages back, and read between the two RSS figures
        // that would count against the connections (a negative growth at 2,000 connections).
        long heapBefore = jvm ? liveHeapBytes(server.pid()) : IdleCost.NOT_A_JVM;
        long rssBefore = ProcStats.rssKb(server);
        List<Socket> idle = open(port, count);
        try {
            Thread.sleep(SETTLE_MILLIS);
            long rssAfter = ProcStats.rssKb(server);
            // After the RSS: the full GC it runs must not count.
            long heapAfter = jvm ? liveHeapBytes(server.pid()) : IdleCost.NOT_A_JVM;
            return new IdleCost(count, rssBefore, rssAfter, heapBefore, heapAfter);
        } finally {
            closeAll(idle);
        }
    }

    /** Whether the process runs the java launcher (a wrapper that did not exec it would not). */
    static boolean isJvm(ProcessHandle process) {
        return process.info().command().map(c -> Path.of(c).getFileName().toString().equals("java")).orElse(false);
    }

    /**
     * The server's live heap in bytes, from the total of {@code jcmd PID GC.class_histogram} (which runs a full GC
     * first); throws with jcmd's output when it cannot tell.
     */
    static long liveHeapBytes(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new IOException(jcmd + " not found: the live heap needs a JDK, not a JRE");
        }
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        long total = -1;
        for (String line : output.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 3 && fields[0].equals("Total")) {
                total = Long.parseLong(fields[2]);
            }
        }
        if (process.waitFor() != 0 || total < 0) {
            throw new IOException("jcmd " + pid + " GC.class_histogram gave no total: "
                    + output.lines().limit(2).toList());
        }
        return total;
    }

    /** {@code count} connections, each answered one request and left open; none left open if one fails. */
    private static List<Socket> open(int port, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>(count);
        byte[] response = new byte[RESPONSE_AT_LEAST];
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.getOutputStream().write(REQUEST);
                InputStream in = socket.getInputStream();
                for (int read = 0; read < RESPONSE_AT_LEAST; ) {
                    int n = in.read(response, read, RESPONSE_AT_LEAST - read);
                    if (n < 0) {
                        throw new IOException("the server closed connection " + (i + 1) + " before answering");
                    }
                    read += n;
                }
            }
            return sockets;
        } catch (SocketTimeoutException e) {
            // A server out of descriptors cannot accept: the kernel's backlog holds the connection, unanswered.
            closeAll(sockets);
            throw new IOException("connection " + sockets.size() + " of " + count + " got no answer within "
                    + TIMEOUT_MILLIS / 1000 + "s: is the server's open-file limit (ulimit -n) above " + count + "?", e);
        } catch (IOException | RuntimeException e) {
            closeAll(sockets);
            throw e;
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
