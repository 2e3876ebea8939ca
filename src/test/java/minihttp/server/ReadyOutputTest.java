package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link ReadyOutput} under {@code concatMap} with a bounded subscriber that releases what is discarded, as
 * reactor-netty's send does: a buffer is released by the cancel only if it was never emitted.
 */
class ReadyOutputTest {

    /** Requests one buffer, keeps it, then cancels: what reactor-netty does when the channel closes. */
    private static final class TakeOneThenCancel extends BaseSubscriber<ByteBuf> {
        ByteBuf received;

        @Override
        protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
            request(1);
        }

        @Override
        protected void hookOnNext(ByteBuf value) {
            received = value;
        }
    }

    private static TakeOneThenCancel sendThenCancel(java.util.function.Function<ByteBuf, Mono<ByteBuf>> output) {
        ByteBuf buf = Unpooled.buffer(8).writeLong(42);
        TakeOneThenCancel subscriber = new TakeOneThenCancel();
        Flux.just(buf)
                .concatWith(Flux.never()) // the connection is still open: more reads may come
                .concatMap(output, 1)
                .doOnDiscard(ByteBuf.class, ByteBuf::release) // as reactor-netty's send: discarded buffers are released
                .subscribe(subscriber);
        subscriber.cancel();
        return subscriber;
    }

    @Test
    void cancelAfterTheBufferWasSentDoesNotReleaseIt() {
        TakeOneThenCancel subscriber = sendThenCancel(ReadyOutput::new);
        assertEquals(1, subscriber.received.refCnt(), "the buffer the subscriber owns was released by the cancel");
        subscriber.received.release();
    }

    @Test
    void monoJustWouldHaveReleasedTheSentBuffer() {
        // The behaviour ReadyOutput replaces: concatMap's scalar path discards the value on cancel even after
        // emitting it, so the send's discard hook releases a buffer that is already written.
        TakeOneThenCancel subscriber = sendThenCancel(Mono::just);
        assertEquals(0, subscriber.received.refCnt());
    }

    @Test
    void cancelBeforeTheBufferWasRequestedReleasesIt() {
        ByteBuf buf = Unpooled.buffer(8).writeLong(42);
        BaseSubscriber<ByteBuf> neverRequests = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                // no demand
            }
        };
        new ReadyOutput(buf).subscribe(neverRequests);
        neverRequests.cancel();
        assertEquals(0, buf.refCnt());
    }
}
