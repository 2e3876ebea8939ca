package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import minihttp.internal.codec.EncodedResponse;
import minihttp.internal.codec.ResponseEncoder;
import minihttp.internal.codec.ResponseFraming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The body of a streamed response, framed for its connection ({@link ResponseFraming}); {@link Batch} sends it,
 * paced by the channel's writability.
 *
 * <p>Once its head is sent, a response can no longer change its status: a stream that fails, or sends more or
 * fewer bytes than it declared, ends the connection after what was written, which tells the client the body is
 * cut short (no last chunk, or fewer bytes than declared). The frames then fail with {@link #END_OF_CONNECTION},
 * which the connection's send takes as the signal to close once its writes are done.
 */
final class StreamedBody {

    private static final Logger log = LoggerFactory.getLogger(StreamedBody.class);

    /** The connection closes after what was written: the body was cut short, or its close delimits it. */
    static final EndOfConnection END_OF_CONNECTION = new EndOfConnection();

    /** The signal to close the connection once the writes before it are done; no stack trace, as it is no bug. */
    static final class EndOfConnection extends RuntimeException {
        private EndOfConnection() {
            super("the connection ends after this response", null, false, false);
        }
    }

    private StreamedBody() {}

    /**
     * The frames of {@code response}'s body, one per non-empty element, as each comes; the elements are released
     * once framed and written (or dropped). Completes when the body is complete and the connection may go on
     * (a chunked body still needs {@link ResponseEncoder#lastChunk}); fails with {@link #END_OF_CONNECTION} when
     * it must close after them.
     */
    static Flux<ByteBuf> frames(EncodedResponse response, ResponseFraming framing, ByteBufAllocator alloc) {
        long declared = response.declaredLength();
        long[] sent = {0};
        Flux<ByteBuf> frames = Flux.from(response.stream())
                .<ByteBuf>handle((data, sink) -> {
                    int size = data.readableBytes();
                    if (size == 0) {
                        data.release(); // an empty chunk would end the body
                        return;
                    }
                    sent[0] += size;
                    if (framing == ResponseFraming.DECLARED_LENGTH && sent[0] > declared) {
                        data.release();
                        log.warn("response stream sent more than its Content-Length {}; connection closed", declared);
                        sink.error(END_OF_CONNECTION);
                        return;
                    }
                    sink.next(framing == ResponseFraming.CHUNKED ? ResponseEncoder.chunk(alloc, data) : data);
                })
                .onErrorMap(error -> error != END_OF_CONNECTION, StreamedBody::failed);
        // Elements the stream drops on cancel are released by the batch's discard hook, which sees them all.
        return switch (framing) {
            case CHUNKED -> frames;
            case CLOSE_DELIMITED -> frames.concatWith(Mono.error(END_OF_CONNECTION));
            case DECLARED_LENGTH -> frames.concatWith(Mono.defer(() -> {
                if (sent[0] == declared) {
                    return Mono.empty();
                }
                log.warn("response stream sent {} bytes of its Content-Length {}; connection closed", sent[0], declared);
                return Mono.error(END_OF_CONNECTION);
            }));
        };
    }

    private static EndOfConnection failed(Throwable error) {
        log.warn("response stream failed after its head was sent; connection closed", error);
        return END_OF_CONNECTION;
    }
}
