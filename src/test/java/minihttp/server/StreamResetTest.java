package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
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

    private long activeAllocations() {
        long active = 0;
        for (PoolArenaMetric arena : counted.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        return active;
    }
}
