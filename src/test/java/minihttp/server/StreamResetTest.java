package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.service.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams from a clock cut by client resets: the frame the clock's thread emits as the connection is cancelled
 * must be released like every other. Counted exactly on an allocator without thread caches, where a buffer is
 * either in use or back in its arena, rather than left to the leak detector's sampling of garbage.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamResetTest {

    private static final int CLIENTS = 200;

    private final PooledByteBufAllocator counted = new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);
    private final AtomicInteger ended = new AtomicInteger();
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void clockStreamsCutByResetsReleaseEveryFrame() throws Exception {
        server = HttpServer.create().port(0).threads(1).allocator(counted)
                .handle(Router.builder().get("/ticks", request -> Mono.just(Response.status(HttpStatus.OK)
                        .bodyText(Flux.interval(Duration.ofMillis(1)).take(100_000).onBackpressureBuffer()
                                .map(i -> "tick " + i + "\n")
                                .doFinally(signal -> ended.incrementAndGet()))))
                        .build())
                .bind();
        for (int i = 0; i < CLIENTS; i++) {
            RawClient client = new RawClient(server.port());
            client.write(EndToEndTest.get("/ticks"));
            client.readByte(); // the head has come: the stream is running
            Thread.sleep(5);
            client.abort();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((ended.get() < CLIENTS || server.openConnections() > 0 || activeAllocations() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(CLIENTS, ended.get(), "streams ended");
        assertEquals(0, server.openConnections(), "connections still open");
        assertEquals(0, activeAllocations(), "buffers of the connections' allocator still in use");
    }

    /** A heap buffer that counts the calls to release it: each piece must be released once, not once per hook. */
    private static final class CountedPiece extends UnpooledHeapByteBuf {
        final AtomicInteger releases = new AtomicInteger();

        CountedPiece(int size) {
            super(UnpooledByteBufAllocator.DEFAULT, size, size);
            writerIndex(size);
        }

        @Override
        public boolean release() {
            releases.incrementAndGet();
            return refCnt() > 0 && super.release();
        }
    }

    /** The pieces a stream still holds when its client resets are released once each. */
    @Test
    void piecesAStreamStillHoldsAtAResetAreReleasedOnce() throws Exception {
        List<CountedPiece> pieces = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            pieces.add(new CountedPiece(16 * 1024));
        }
        server = HttpServer.create().port(0).threads(1)
                .handle(Router.builder().get("/pieces", request -> Mono.just(Response.status(HttpStatus.OK)
                        .body(Flux.<ByteBuf>fromIterable(pieces).doFinally(signal -> ended.incrementAndGet()))))
                        .build())
                .bind();
        RawClient client = new RawClient(server.port());
        client.write(EndToEndTest.get("/pieces"));
        client.readByte(); // the head has come; the client reads no more, and the socket fills
        Thread.sleep(300);
        client.abort();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ended.get() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertEquals(1, ended.get(), "the stream ended");
        for (CountedPiece piece : pieces) {
            assertEquals(0, piece.refCnt(), "a piece was not released");
            assertEquals(1, piece.releases.get(), "a piece was released more than once");
        }
    }

    private long activeAllocations() {
        long active = 0;
        for (PoolArenaMetric arena : counted.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        return active;
    }
}
