package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static minihttp.server.EndToEndTest.assertPlaintext;
import static minihttp.server.EndToEndTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ResourceLeakDetector;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backpressure: a client that pipelines a flood of requests and does not read its responses makes the server stop
 * reading, not buffer: its outbound buffer and the allocator's memory stay bounded while another client is served,
 * and once the client reads, every request is answered.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackpressureTest {

    /** About 66 MB of requests, 200 MB of responses: far more than the kernel's socket buffers hold. */
    private static final int REQUESTS = 1_500_000;
    private static final byte[] REQUEST = get("/plaintext").getBytes(ISO_8859_1);
    private static final byte[] RESPONSE_END = "\r\n\r\nHello, World!".getBytes(ISO_8859_1);
    /** The water mark (64 KiB) plus one batch (at most a 64 KiB read's worth of responses), with room to spare. */
    private static final long MAX_OUTBOUND_BYTES = 1024 * 1024;
    /** What the server may hold for the flooding client besides the outbound buffer: a few batches and reads. */
    private static final long MAX_MEMORY_GROWTH = 24 * 1024 * 1024;

    private RunningServer server;

    /**
     * Paranoid leak detection records a stack trace at every byte the decoder reads, which makes the server some
     * hundred times slower than the client: the other client would wait on the flood's decoding, not on the design.
     * This test runs at the simple level (sampled detection, still checked after the test).
     */
    @BeforeEach
    void simpleLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void clientThatDoesNotReadMakesTheServerStopReadingNotBuffer() throws Exception {
        server = HttpServer.create().port(0).threads(1).handle(EndToEndTest.testService()).bind();
        ByteBufAllocatorMetric memory = allocatorMetric();
        long memoryBefore = used(memory);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Socket flood = new Socket(); RawClient other = new RawClient(server.port())) {
            flood.connect(new InetSocketAddress("127.0.0.1", server.port()));
            AtomicLong written = new AtomicLong();
            Future<?> writer = pool.submit(() -> writeRequests(flood.getOutputStream(), written));

            // While the flood is being refused, sample the server's side of it and serve another client.
            long maxOutbound = 0;
            long maxMemory = 0;
            long worstOtherMs = 0;
            long from = System.nanoTime();
            while (ms(from) < 4_000) {
                for (Channel ch : server.channels()) {
                    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
                    if (out != null) {
                        maxOutbound = Math.max(maxOutbound, out.totalPendingWriteBytes());
                    }
                }
                maxMemory = Math.max(maxMemory, used(memory) - memoryBefore);
                long t = System.nanoTime();
                other.write(get("/plaintext"));
                assertPlaintext(other.read());
                worstOtherMs = Math.max(worstOtherMs, ms(t));
                if (ms(t) > 100) System.err.println("other at " + ms(from) + ": " + ms(t) + " ms, written " + written.get());
                Thread.sleep(20);
            }
            long writtenWhileNotReading = written.get();
            assertTrue(writtenWhileNotReading < (long) REQUESTS * REQUEST.length,
                    "the client wrote all its requests though it read nothing: the server buffered them");
            assertTrue(maxOutbound <= MAX_OUTBOUND_BYTES, "outbound buffer reached " + maxOutbound + " bytes");
            assertTrue(maxMemory <= MAX_MEMORY_GROWTH, "server memory grew by " + maxMemory + " bytes");
            assertTrue(worstOtherMs < 1_000, "the other client waited " + worstOtherMs + " ms");
            System.err.printf("backpressure: client wrote %d of %d bytes; max outbound %d bytes; memory +%d bytes%n",
                    writtenWhileNotReading, (long) REQUESTS * REQUEST.length, maxOutbound, maxMemory);

            // Now the client reads: reading resumes and every request is answered, in full.
            long answered = countResponses(flood.getInputStream(), REQUESTS);
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(REQUESTS, answered);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Void writeRequests(OutputStream out, AtomicLong written) throws Exception {
        int perChunk = 64 * 1024 / REQUEST.length;
        byte[] chunk = new byte[perChunk * REQUEST.length];
        for (int i = 0; i < perChunk; i++) {
            System.arraycopy(REQUEST, 0, chunk, i * REQUEST.length, REQUEST.length);
        }
        int left = REQUESTS;
        while (left > 0) {
            int n = Math.min(left, perChunk);
            out.write(chunk, 0, n * REQUEST.length);
            written.addAndGet((long) n * REQUEST.length);
            left -= n;
        }
        out.flush();
        return null;
    }

    /** Reads until {@code expected} responses have arrived, counting each by its end. */
    private static long countResponses(InputStream in, long expected) throws Exception {
        byte[] buf = new byte[256 * 1024];
        long count = 0;
        int matched = 0;
        int n;
        while (count < expected && (n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == RESPONSE_END[matched]) {
                    if (++matched == RESPONSE_END.length) {
                        count++;
                        matched = 0;
                    }
                } else {
                    matched = b == RESPONSE_END[0] ? 1 : 0;
                }
            }
        }
        return count;
    }

    private static ByteBufAllocatorMetric allocatorMetric() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        assertTrue(alloc instanceof ByteBufAllocatorMetricProvider, alloc + " has no metric");
        return ((ByteBufAllocatorMetricProvider) alloc).metric();
    }

    private static long used(ByteBufAllocatorMetric metric) {
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    private static long ms(long fromNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
    }
}
