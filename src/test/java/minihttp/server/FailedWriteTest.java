package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

/**
 * A streamed piece the transport cannot copy to direct memory (none left) is a failed write: the connection closes
 * after what was written, so that the client sees the body cut short, never a body that silently lacks the piece.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailedWriteTest {

    /** A piece larger than the allocator below grants: 2 MiB of heap data, which epoll and NIO copy to write. */
    private static final int PIECE = 2 << 20;

    /** Refuses direct buffers of a MiB or more, as a server out of direct memory would. */
    private static final class ShortOfDirectMemory extends PooledByteBufAllocator {
        ShortOfDirectMemory() {
            super(true);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            if (initialCapacity >= 1 << 20) {
                throw new OutOfMemoryError("test: no direct memory for " + initialCapacity + " bytes");
            }
            return super.newDirectBuffer(initialCapacity, maxCapacity);
        }
    }

    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPieceThatCannotBeCopiedEndsTheConnectionInsteadOfVanishing() throws Exception {
        String piece = "x".repeat(PIECE);
        server = HttpServer.create().port(0).threads(1).allocator(new ShortOfDirectMemory())
                .handle(Router.builder()
                        .get("/big", Service.sync(request -> Response.status(HttpStatus.OK)
                                .bodyText(Flux.just(piece, piece))))
                        .get("/plaintext", Service.constant(Response.text("Hello, World!")))
                        .build())
                .bind();
        try (RawClient client = new RawClient(server.port())) {
            client.write(EndToEndTest.get("/big") + EndToEndTest.get("/plaintext"));
            String received = new String(StreamedResponseTest.readUntilClosed(client), ISO_8859_1);
            assertTrue(received.startsWith("HTTP/1.1 200 OK"), received.substring(0, Math.min(200, received.length())));
            assertFalse(received.contains("\r\n0\r\n\r\n"), "the chunked body was ended as if whole");
            assertFalse(received.contains("Hello, World!"), "a response was sent after the cut body");
        }
    }
}
