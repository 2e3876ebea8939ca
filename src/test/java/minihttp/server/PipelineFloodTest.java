package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static minihttp.server.EndToEndTest.assertPlaintext;
import static minihttp.server.EndToEndTest.get;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ResourceLeakDetector;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import minihttp.http.Response;
import minihttp.internal.server.Drain;
import minihttp.internal.server.HttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * Many clients that pipeline requests in blocks of a thousand on a socket with a small receive buffer and never
 * read: each one costs the server a bounded number of bytes (the output budget, not a number of reads' worth of
 * responses), and a bystander's requests are still answered promptly. {@code -Phostile} runs it with 200 clients.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineFloodTest {

    private static final boolean HOSTILE = Boolean.getBoolean("minihttp.hostile");
    private static final int CLIENTS = HOSTILE ? 200 : 16;
    private static final int REQUESTS_PER_BLOCK = 1_000;
    private static final int CLIENT_RECEIVE_BUFFER = 4 * 1024;
    private static final byte[] BLOCK = block();
    /** Unsent output a connection may hold: the budget, the response that crossed it, and Netty's entry overhead. */
    private static final long MAX_HELD_OUTPUT = HttpConnection.OUTPUT_BUDGET + 4 * 1024;
    /**
     * What the server's allocator may grow by per flooding client: its output, the rest of one read kept for later
     * and the read buffers, with the pool's rounding; before the budget, each client cost about 1.5 MB.
     */
    private static final long MAX_MEMORY_PER_CLIENT = 512 * 1024;
    private static final long BYSTANDER_MAX_MS = 500;
    /** Output sent and not yet read by a client: its receive buffer (the kernel doubles what it is set to) and the rest. */
    private static final long MAX_IN_FLIGHT = 64 * 1024;

    private RunningServer server;
    private final OpenedClients closeables = new OpenedClients();
    private ExecutorService writers;

    /** As in BackpressureTest: the paranoid level would make the server the bottleneck, not the design. */
    @BeforeEach
    void simpleLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterEach
    void stop() throws Exception {
        closeables.closeAll();
        if (writers != null) {
            writers.shutdownNow();
            writers.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void clientsThatPipelineAndNeverReadCostTheOutputBudgetEach() throws Exception {
        server = HttpServer.create().port(0).threads(1).handle(EndToEndTest.testService()).bind();
        RawClient bystander = closeables.add(new RawClient(server.port()));
        bystander.write(get("/plaintext"));
        assertPlaintext(bystander.read());
        ByteBufAllocator connections = server.channels().iterator().next().alloc();
        ByteBufAllocatorMetric memory = ((ByteBufAllocatorMetricProvider) connections).metric();
        long memoryBefore = memory.usedDirectMemory() + memory.usedHeapMemory();
        writers = Executors.newFixedThreadPool(CLIENTS);
        AtomicLong written = new AtomicLong();
        for (int i = 0; i < CLIENTS; i++) {
            Socket flood = closeables.add(new Socket());
            flood.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
            flood.connect(new InetSocketAddress("127.0.0.1", server.port()));
            writers.submit(() -> floodUntilClosed(flood.getOutputStream(), written));
        }
        awaitStalled(written);
        long maxHeld = 0;
        long maxMemory = 0;
        long[] latencies = new long[40];
        for (int i = 0; i < latencies.length; i++) {
            Thread.sleep(50);
            for (Channel ch : server.channels()) {
                maxHeld = Math.max(maxHeld, heldOutput(ch));
            }
            maxMemory = Math.max(maxMemory, memory.usedDirectMemory() + memory.usedHeapMemory() - memoryBefore);
            long t = System.nanoTime();
            bystander.write(get("/plaintext"));
            assertPlaintext(bystander.read());
            latencies[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
        }
        System.err.println("bystander latencies, ms: " + Arrays.toString(latencies));
        Arrays.sort(latencies);
        System.err.printf("pipeline flood: %d clients; max held output %d bytes; memory +%d bytes; bystander "
                        + "median %d ms, max %d ms%n", CLIENTS, maxHeld, maxMemory, latencies[latencies.length / 2],
                latencies[latencies.length - 1]);
        assertTrue(maxHeld <= MAX_HELD_OUTPUT, "a connection held " + maxHeld + " bytes of output");
        assertTrue(maxMemory <= CLIENTS * MAX_MEMORY_PER_CLIENT, "server memory grew by " + maxMemory + " bytes");
        assertTrue(latencies[latencies.length - 1] < BYSTANDER_MAX_MS,
                "the bystander waited " + latencies[latencies.length - 1] + " ms");
    }

    /**
     * A client that never reads stops costing the server work once the kernel holds the unsent limit of its output,
     * not once its autotuned send buffer is full (up to 4 MiB): 1,000 such clients otherwise keep one event loop busy
     * for seconds before it stalls them, while a newcomer waits.
     */
    @Test
    void aClientThatNeverReadsIsServedOnlyWhatTheKernelHoldsUnsent() throws Exception {
        AtomicLong served = new AtomicLong();
        Mono<Response> plaintext = Mono.just(Response.text("Hello, World!"));
        server = HttpServer.create().port(0).threads(1).handle(request -> {
            served.incrementAndGet();
            return plaintext;
        }).bind();
        assumeTrue(server.transport() != Transport.NIO, "NIO cannot set TCP_NOTSENT_LOWAT");
        RawClient probe = closeables.add(new RawClient(server.port()));
        probe.write(get("/plaintext"));
        int responseBytes = encodedLength(probe.read());
        writers = Executors.newFixedThreadPool(1);
        AtomicLong written = new AtomicLong();
        Socket flood = closeables.add(new Socket());
        flood.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
        flood.connect(new InetSocketAddress("127.0.0.1", server.port()));
        writers.submit(() -> floodUntilClosed(flood.getOutputStream(), written));
        awaitStalled(written);
        long output = (served.get() - 1) * responseBytes;
        System.err.printf("a client that never reads: %d bytes of output computed for it%n", output);
        assertTrue(output <= HttpConnection.OUTPUT_BUDGET + HttpServer.DEFAULT_UNSENT_LIMIT + MAX_IN_FLIGHT,
                "the server computed " + output + " bytes of output for a client that does not read");
    }

    /**
     * Responses computed elsewhere encode nothing until they complete, so a client that pipelines requests to a
     * slow service would have every request of every read it sent called at once, each holding its request: some
     * thousand per connection, and 200 such clients took a 256 MB heap. The output budget charges each of them.
     */
    @Test
    void requestsInServicePerConnectionAreBoundedByTheOutputBudget() throws Exception {
        AtomicLong called = new AtomicLong();
        server = HttpServer.create().port(0).threads(1).handle(request -> {
            called.incrementAndGet();
            return Mono.never();
        }).bind();
        writers = Executors.newFixedThreadPool(1);
        AtomicLong written = new AtomicLong();
        Socket flood = closeables.add(new Socket());
        flood.setSoLinger(true, 0); // closed with a reset: the server need not wait for what it owes
        flood.connect(new InetSocketAddress("127.0.0.1", server.port()));
        writers.submit(() -> floodUntilClosed(flood.getOutputStream(), written));
        awaitStalled(written);
        long bound = HttpConnection.OUTPUT_BUDGET / HttpConnection.UNENCODED_CHARGE + 1;
        System.err.printf("a client pipelining to a service that never answers: %d requests in service, %d bytes "
                + "sent%n", called.get(), written.get());
        assertTrue(called.get() > 0 && called.get() <= bound, called.get() + " requests in service, not 1 to " + bound);
    }

    /** Ready responses queued behind a slow one hold their bodies until their turn: they count them. */
    @Test
    void readyResponsesQueuedBehindASlowOneCountTheirBodies() throws Exception {
        AtomicLong called = new AtomicLong();
        Response big = Response.text("x".repeat(16 * 1024));
        server = HttpServer.create().port(0).threads(1).handle(request -> {
            called.incrementAndGet();
            return request.path().equals("/slow") ? Mono.never() : Mono.just(big);
        }).bind();
        RawClient client = closeables.add(new RawClient(server.port()));
        client.write(get("/slow") + get("/big").repeat(100));
        Thread.sleep(1_000);
        long bound = 1 + HttpConnection.OUTPUT_BUDGET / (16 * 1024) + 1;
        assertTrue(called.get() > 1 && called.get() <= bound, called.get() + " requests called, not 2 to " + bound);
        client.abort(); // a reset: a close would leave the server waiting for the slow response, as after a half-close
    }

    /** The bytes of a response on the wire. */
    private static int encodedLength(RawClient.Response response) {
        int length = (response.version() + " " + response.status() + " " + response.reason() + "\r\n\r\n").length();
        for (String[] header : response.headers()) {
            length += header[0].length() + ": ".length() + header[1].length() + "\r\n".length();
        }
        return length + response.bodyBytes().length;
    }

    /** What one connection holds of its output, encoded and not yet taken by the socket. */
    private static long heldOutput(Channel ch) {
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        long outbound = out == null ? 0 : out.totalPendingWriteBytes();
        HttpConnection connection = Drain.connectionOf(ch);
        return outbound + (connection == null ? 0 : connection.outputQueued());
    }

    /**
     * Waits until the clients cannot write any more: until then the kernel's socket buffers take the responses,
     * and the server is busy answering at full speed, not holding.
     */
    private static void awaitStalled(AtomicLong written) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long before = -1;
        while (written.get() != before && System.nanoTime() < deadline) {
            before = written.get();
            Thread.sleep(500);
        }
    }

    private static Void floodUntilClosed(OutputStream out, AtomicLong written) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                out.write(BLOCK);
                written.addAndGet(BLOCK.length);
            }
        } catch (Exception closed) {
            // the test ended and closed the socket
        }
        return null;
    }

    /** {@code REQUESTS_PER_BLOCK} pipelined {@code GET /plaintext} requests, as one write. */
    static byte[] block() {
        byte[] request = get("/plaintext").getBytes(ISO_8859_1);
        byte[] block = new byte[request.length * REQUESTS_PER_BLOCK];
        for (int i = 0; i < REQUESTS_PER_BLOCK; i++) {
            System.arraycopy(request, 0, block, i * request.length, request.length);
        }
        return block;
    }
}
