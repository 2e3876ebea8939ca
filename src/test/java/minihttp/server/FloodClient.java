package minihttp.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A measurement tool, not a test: floods a server in its own JVM with clients that pipeline {@code GET /plaintext}
 * in blocks of a thousand on a 4 KiB receive buffer and never read; times a newcomer's first request (connect
 * included) once the flood has started, then a bystander (connected before the flood) sends one request every
 * 20 ms and times each answer; prints the server's RSS before, at its peak and after the flood closes.
 * Plain JDK, run from source (README, "Backpressure"):
 *
 * <pre>
 * java src/test/java/minihttp/server/FloodClient.java PORT SERVER_PID [CLIENTS 1000] [FLOOD_SECONDS 30] [AFTER_SECONDS 60]
 * </pre>
 */
public final class FloodClient {

    private static final byte[] REQUEST =
            "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final int REQUESTS_PER_BLOCK = 1_000;
    private static final int CLIENT_RECEIVE_BUFFER = 4 * 1024;
    private static final long BYSTANDER_PAUSE_MS = 20;
    /** USER_HZ, the unit of /proc/PID/stat's CPU times, on Linux. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;
    private static final long PAGE_KB = 4;

    private FloodClient() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long pid = Long.parseLong(args[1]);
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int floodSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        int afterSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        byte[] block = new byte[REQUEST.length * REQUESTS_PER_BLOCK];
        for (int i = 0; i < REQUESTS_PER_BLOCK; i++) {
            System.arraycopy(REQUEST, 0, block, i * REQUEST.length, REQUEST.length);
        }
        long before = rssKb(pid);
        double cpuBefore = cpuSeconds(pid);
        System.out.printf("rss before: %d MB%n", before / 1024);

        Socket bystander = new Socket("127.0.0.1", port);
        bystander.setTcpNoDelay(true);
        byte[] buf = new byte[4096];
        bystander.getOutputStream().write(REQUEST); // a request now: the header timeout runs from the accept
        readPlaintext(bystander.getInputStream(), buf);
        Selector selector = Selector.open();
        List<SocketChannel> flood = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, CLIENT_RECEIVE_BUFFER);
            ch.connect(new InetSocketAddress("127.0.0.1", port));
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_WRITE, ByteBuffer.wrap(block));
            flood.add(ch);
        }
        Thread writer = new Thread(() -> writeUntilInterrupted(selector), "flood-writer");
        writer.setDaemon(true);
        long start = System.nanoTime();
        writer.start();

        try (Socket newcomer = new Socket()) {
            long t = System.nanoTime();
            newcomer.connect(new InetSocketAddress("127.0.0.1", port));
            newcomer.getOutputStream().write(REQUEST);
            readPlaintext(newcomer.getInputStream(), buf);
            System.out.printf("a newcomer's first request (from connect), during the flood: %.1f ms (server CPU %.1f s)%n",
                    (System.nanoTime() - t) / 1e6, cpuSeconds(pid) - cpuBefore);
        }
        InputStream in = bystander.getInputStream();
        OutputStream out = bystander.getOutputStream();
        List<Long> latenciesUs = new ArrayList<>();
        long peak = before;
        long kernelPeak = 0;
        long end = start + floodSeconds * 1_000_000_000L;
        while (System.nanoTime() < end || latenciesUs.isEmpty()) {
            long t = System.nanoTime();
            out.write(REQUEST);
            readPlaintext(in, buf);
            long us = (System.nanoTime() - t) / 1000;
            if (latenciesUs.isEmpty()) {
                System.out.printf("the bystander's first request during the flood: %.1f ms%n", us / 1000.0);
            }
            latenciesUs.add(us);
            peak = Math.max(peak, rssKb(pid));
            kernelPeak = Math.max(kernelPeak, kernelTcpKb());
            Thread.sleep(BYSTANDER_PAUSE_MS);
        }
        Collections.sort(latenciesUs);
        int n = latenciesUs.size();
        System.out.printf("%d clients, %d s: rss peak %d MB (+%d MB); kernel TCP memory peak %d MB; server CPU %.1f s; "
                        + "bystander n=%d p50 %.1f ms p99 %.1f ms max %.1f ms%n",
                clients, floodSeconds, peak / 1024, (peak - before) / 1024, kernelPeak / 1024,
                cpuSeconds(pid) - cpuBefore, n, latenciesUs.get(n / 2) / 1000.0,
                latenciesUs.get(n * 99 / 100) / 1000.0, latenciesUs.get(n - 1) / 1000.0);
        writer.interrupt();
        writer.join();
        for (SocketChannel ch : flood) {
            ch.close();
        }
        for (int s = 10; s <= afterSeconds; s += 10) {
            Thread.sleep(10_000);
            System.out.printf("rss %d s after: %d MB%n", s, rssKb(pid) / 1024);
        }
        bystander.close();
    }

    private static void writeUntilInterrupted(Selector selector) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                selector.select(100);
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    ByteBuffer b = (ByteBuffer) key.attachment();
                    try {
                        ((SocketChannel) key.channel()).write(b);
                    } catch (IOException closed) {
                        key.cancel();
                        continue;
                    }
                    if (!b.hasRemaining()) {
                        b.rewind();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the flood ends
        }
    }

    private static void readPlaintext(InputStream in, byte[] buf) throws IOException {
        StringBuilder got = new StringBuilder();
        while (got.indexOf("Hello, World!") < 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("the server closed the bystander");
            }
            got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
    }

    /** The server's CPU time (user and system): the work the flood takes, whatever else loads the machine. */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** The memory of every TCP socket on the host, in kB: the socket buffers the server's responses fill. */
    private static long kernelTcpKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] words = line.split(" ");
                for (int i = 0; i < words.length - 1; i++) {
                    if (words[i].equals("mem")) {
                        return Long.parseLong(words[i + 1]) * PAGE_KB;
                    }
                }
            }
        }
        return -1;
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
