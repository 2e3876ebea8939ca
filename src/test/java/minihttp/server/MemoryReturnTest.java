package minihttp.server;

import static minihttp.server.EndToEndTest.assertPlaintext;
import static minihttp.server.EndToEndTest.get;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.ResourceLeakDetector;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After a burst of clients that pipeline without reading has gone, the server's buffer memory comes back: the
 * connections' allocator gives its chunks back while the server is idle, instead of keeping the burst's peak.
 * {@code -Phostile} runs it with 1,000 clients.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemoryReturnTest {

    private static final boolean HOSTILE = Boolean.getBoolean("minihttp.hostile");
    private static final int CLIENTS = HOSTILE ? 1_000 : 128;
    private static final int CLIENT_RECEIVE_BUFFER = 4 * 1024;
    /**
     * Each client writes this many blocks (46 KB each): more than the server reads before it stops, less than the
     * socket buffers take, so that one thread writes them all without blocking.
     */
    private static final int BLOCKS_PER_CLIENT = 4;
    /** What the allocator may keep once the burst has gone: a chunk or two and the event loop's cache. */
    private static final long MAX_KEPT = 8L * 1024 * 1024;
    /** How long the allocator has to give the burst's memory back, while the server sits idle. */
    private static final long RETURN_WAIT_MS = 3_000;
    /** The peak is taken once this many samples in a row, SAMPLE_MS apart, have not raised it. */
    private static final int STABLE_SAMPLES = 4;
    private static final long SAMPLE_MS = 250;

    private RunningServer server;
    private final OpenedClients closeables = new OpenedClients();

    /** As in PipelineFloodTest: the paranoid level would make the server the bottleneck, not the design. */
    @BeforeEach
    void simpleLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterEach
    void stop() throws Exception {
        closeables.closeAll();
        if (server != null) {
            server.close();
        }
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void memoryComesBackAfterABurstOfClientsThatDoNotRead() throws Exception {
        RawClient bystander = startWithABystander();
        ByteBufAllocatorMetric memory = metricOf(server.channels().iterator().next().alloc());
        long before = used(memory);

        byte[] block = PipelineFloodTest.block();
        List<Socket> burst = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Socket flood = new Socket();
            flood.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
            flood.connect(new InetSocketAddress("127.0.0.1", server.port()));
            burst.add(flood);
        }
        // Written from one thread, round-robin: each client's blocks fit its socket buffers, so none blocks long.
        for (int b = 0; b < BLOCKS_PER_CLIENT; b++) {
            for (Socket flood : burst) {
                OutputStream out = flood.getOutputStream();
                out.write(block);
            }
        }
        long peak = awaitPeak(memory);
        for (Socket flood : burst) {
            flood.setSoLinger(true, 0); // a reset: the server drops what it still had to send
            flood.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.openConnections() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long after = used(memory);
        long returnDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETURN_WAIT_MS);
        while (after - before > MAX_KEPT && System.nanoTime() < returnDeadline) {
            Thread.sleep(50);
            after = used(memory);
        }
        bystander.write(get("/plaintext"));
        assertPlaintext(bystander.read());
        System.err.printf("memory return: %d clients; allocator %d MB before, %d MB at the peak, %d MB after%n",
                CLIENTS, before >> 20, peak >> 20, after >> 20);
        assertTrue(peak - before > MAX_KEPT, "the burst was too small to tell: " + (peak >> 20) + " MB at the peak");
        assertTrue(after - before <= MAX_KEPT, "the allocator kept " + ((after - before) >> 20) + " MB after the burst");
    }

    /**
     * Heads that declare bodies at the limit, each followed by a few bytes of it, make the server hold what the
     * clients sent, not what they declared: 128 heads of 60 bytes held 128 MiB when the declared body was
     * reserved at its head.
     */
    @Test
    void aHeadThatDeclaresALargeBodyReservesNothingForIt() throws Exception {
        RawClient bystander = startWithABystander();
        ByteBufAllocatorMetric memory = metricOf(server.channels().iterator().next().alloc());
        long before = used(memory);
        byte[] head = ("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + Limits.DEFAULT.maxBody()
                + "\r\n\r\nsome").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i < CLIENTS; i++) {
            Socket client = closeables.add(new Socket());
            client.connect(new InetSocketAddress("127.0.0.1", server.port()));
            client.getOutputStream().write(head);
        }
        long peak = awaitPeak(memory);
        System.err.printf("declared bodies: %d clients; allocator %d MB before, %d MB at the peak%n", CLIENTS,
                before >> 20, peak >> 20);
        assertTrue(peak - before <= MAX_KEPT, CLIENTS + " heads of " + head.length + " bytes took "
                + ((peak - before) >> 20) + " MB");
        bystander.write(get("/plaintext"));
        assertPlaintext(bystander.read());
    }

    /** Starts the server with one connection served already: its allocator's memory is then in use. */
    private RawClient startWithABystander() throws Exception {
        server = HttpServer.create().port(0).threads(1).handle(EndToEndTest.testService()).bind();
        RawClient bystander = closeables.add(new RawClient(server.port()));
        bystander.write(get("/plaintext"));
        assertPlaintext(bystander.read());
        return bystander;
    }

    /** The allocator's memory once the burst has stopped growing it: the server holds every client's share. */
    private long awaitPeak(ByteBufAllocatorMetric memory) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.openConnections() < CLIENTS + 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long peak = used(memory);
        for (int unchanged = 0; unchanged < STABLE_SAMPLES && System.nanoTime() < deadline; ) {
            Thread.sleep(SAMPLE_MS);
            long now = used(memory);
            unchanged = now > peak ? 0 : unchanged + 1;
            peak = Math.max(peak, now);
        }
        return peak;
    }

    private static ByteBufAllocatorMetric metricOf(ByteBufAllocator alloc) {
        return ((ByteBufAllocatorMetricProvider) alloc).metric();
    }

    private static long used(ByteBufAllocatorMetric memory) {
        return memory.usedDirectMemory() + memory.usedHeapMemory();
    }
}
