package minihttp.server;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * The output of a batch whose responses were all ready: a {@code Mono} of one buffer that goes to whichever comes
 * first, the subscriber's request (which sends it) or a cancel (which releases it).
 *
 * <p>Not {@code Mono.just}: {@code concatMap} takes a {@code Callable} Mono's value without subscribing, through a
 * scalar subscription that discards the value when cancelled, even after emitting it; reactor-netty's send releases
 * what is discarded. A connection closed with such a batch last in {@code concatMap} thus had its buffer released
 * once more, while still queued in the channel or after Netty had recycled it. Here a cancel after the emission
 * does nothing. One object per batch, as {@code Mono.just} was.
 */
final class ReadyOutput extends Mono<ByteBuf> implements Subscription {

    private static final AtomicReferenceFieldUpdater<ReadyOutput, ByteBuf> BUF =
            AtomicReferenceFieldUpdater.newUpdater(ReadyOutput.class, ByteBuf.class, "buf");

    private volatile ByteBuf buf;
    private CoreSubscriber<? super ByteBuf> actual;

    ReadyOutput(ByteBuf buf) {
        this.buf = buf;
    }

    @Override
    public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
        this.actual = actual;
        actual.onSubscribe(this);
    }

    @Override
    public void request(long n) {
        ByteBuf b = n > 0 ? BUF.getAndSet(this, null) : null;
        if (b != null) {
            actual.onNext(b);
            actual.onComplete();
        }
    }

    @Override
    public void cancel() {
        ByteBuf b = BUF.getAndSet(this, null);
        if (b != null) {
            b.release();
        }
    }
}
