package minihttp.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import minihttp.http.Response;
import minihttp.internal.codec.DecodedRequest;
import minihttp.internal.codec.RequestDecoder;
import minihttp.server.Limits;
import minihttp.service.Service;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A blocking call keeps its request readable until its Mono has ended, not only until its function returns: what
 * handles the function's error (the server's 500 and its log line, a filter) reads the request too, and the
 * connection may have let go of the bytes meanwhile (its client gone).
 */
class BlockingReleaseTest {

    @Test
    void theRequestOutlivesTheFunctionUntilItsErrorIsHandled() {
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer()
                .writeBytes("GET /fails HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(ISO_8859_1));
        RequestDecoder decoder = new RequestDecoder(PooledByteBufAllocator.DEFAULT, Limits.DEFAULT);
        decoder.feed(read);
        DecodedRequest request = decoder.poll();
        ByteBuf connectionsReference = decoder.detach().retain(); // as a connection keeps a request in service
        decoder.endRead();
        read.release();
        Service failing = Blocking.service(r -> {
            connectionsReference.release(); // the client goes away while the function runs
            throw new IllegalStateException("expected by the test");
        });
        String handled = failing.call(request)
                .map(Response::toString)
                .onErrorResume(error -> Mono.just("failed answering " + request.uri()))
                .block(Duration.ofSeconds(10));
        assertEquals("failed answering /fails", handled);
        // Released as the call's Mono ends (its doFinally), which runs just after block() has its value.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (connectionsReference.refCnt() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, connectionsReference.refCnt(), "the call's own reference was not released at its end");
        decoder.release();
    }
}
