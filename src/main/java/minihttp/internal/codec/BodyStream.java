package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import minihttp.http.BodyException;
import minihttp.http.HttpStatus;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * The body of a streamed request: a {@code Flux<ByteBuf>} for one subscriber, whose demand reaches the socket.
 *
 * <p>The decoder pushes each piece of body as it is read, a retained slice of the read's buffer, on the event
 * loop. Pieces wait in a queue until the subscriber asks for them; while more than {@link #HIGH_WATERMARK} bytes
 * wait, reading from the socket pauses ({@link ReadControl}), so an upload is never held whole in memory.
 *
 * <p>Ownership, as in reactor-netty's {@code receive()}: a piece is lent to the subscriber during its
 * {@code onNext} and released by the stream when {@code onNext} returns; a subscriber that keeps a piece, or hands
 * it to another thread, must {@code retain()} it and release that reference itself. Pieces never delivered (no
 * subscriber, cancel, error) are released by the stream.
 */
final class BodyStream extends Flux<ByteBuf> {

    /** What a subscriber hears when the body is dropped before it took all of it: its request is over. */
    static final BodyException REQUEST_OVER = new BodyException(HttpStatus.INTERNAL_SERVER_ERROR,
            "the request's response is complete: its body is no longer read");

    private static final Consumer<Object> RELEASE_PIECE = dropped -> {
        if (dropped instanceof ByteBuf piece) {
            piece.release();
        }
    };

    /** Reading pauses while more than this many body bytes wait for the subscriber. */
    static final int HIGH_WATERMARK = 128 * 1024;
    /** ... and resumes once no more than this many do. */
    static final int LOW_WATERMARK = 32 * 1024;
    /**
     * What a piece counts against the watermarks at least: its slice and its place in the queue take about as much
     * heap as a hundred body bytes, so a body of one-byte chunks must not queue a hundred thousand of them.
     */
    static final int MIN_PIECE_CHARGE = 256;

    private final Sinks.Many<ByteBuf> sink = Sinks.many().unicast().onBackpressureBuffer();
    private final ReadControl readControl;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private volatile boolean discarding;
    /** Why the body ended early, for a subscriber that comes after it was discarded. */
    private volatile Throwable failure;
    /** The subscriber, once there is one. */
    private volatile Lender lender;

    BodyStream(ReadControl readControl) {
        this.readControl = readControl;
    }

    /** Queues a piece of body; takes ownership of it. Event loop only. */
    void next(ByteBuf piece) {
        if (discarding) {
            piece.release();
            return;
        }
        int length = charge(piece);
        long waiting = pending.addAndGet(length);
        if (sink.tryEmitNext(piece).isFailure()) {
            pending.addAndGet(-length);
            piece.release();
            return;
        }
        if (waiting > HIGH_WATERMARK && paused.compareAndSet(false, true)) {
            readControl.pauseReads();
            // The subscriber may have drained everything between the add and the pause: check again.
            if (pending.get() <= LOW_WATERMARK) {
                resume();
            }
        }
    }

    /** Ends the body. Event loop only. */
    void complete() {
        sink.tryEmitComplete();
    }

    /** Ends the body with an error, after the pieces already queued. Event loop only. */
    void fail(Throwable error) {
        failure = error;
        sink.tryEmitError(error);
    }

    /** Whether the body ended with an error. Any thread. */
    boolean failed() {
        return failure != null;
    }

    /**
     * Ends the body on an error when the connection goes: what waits is released now rather than left to a
     * subscriber that may never ask for it, and a subscriber hears {@code error} at once, not after the pieces.
     */
    void abandon(Throwable error) {
        fail(error);
        Lender subscriber = lender;
        if (subscriber != null) {
            subscriber.abandon(error);
        } else {
            discard();
        }
    }

    /**
     * Drops the body, its request being over: queued and later pieces are released as they come, and reading
     * resumes. A subscriber that has not finished hears {@link #REQUEST_OVER}: a stalled one would otherwise hold
     * the pieces, and the connection, for good.
     */
    void discard() {
        if (subscribed.compareAndSet(false, true)) {
            discarding = true;
            sink.asFlux().doOnDiscard(ByteBuf.class, ReferenceCounted::release).subscribe(new Canceller());
            resume();
        } else {
            Lender subscriber = lender;
            if (subscriber != null) {
                subscriber.abandon(REQUEST_OVER);
            }
        }
    }

    @Override
    public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
        if (!subscribed.compareAndSet(false, true) && failure != null) {
            // It failed (a deadline, the connection lost) and was taken already, typically dropped before its
            // service subscribed late: the service still hears why and answers with it, not with a 500 for a
            // second subscription.
            Operators.error(actual, failure);
            return;
        }
        Lender subscriber = new Lender(actual);
        lender = subscriber;
        sink.asFlux()
                .doOnCancel(this::cancelled)
                .subscribe(subscriber);
    }

    private void cancelled() {
        discarding = true;
        resume();
    }

    private static int charge(ByteBuf piece) {
        return Math.max(piece.readableBytes(), MIN_PIECE_CHARGE);
    }

    private void delivered(int length) {
        if (pending.addAndGet(-length) <= LOW_WATERMARK) {
            resume();
        }
    }

    private void resume() {
        if (paused.compareAndSet(true, false)) {
            readControl.resumeReads();
        }
    }

    /**
     * Passes each piece to the subscriber and releases it when {@code onNext} returns. Its signals are serialized,
     * as {@link #abandon} may end it from the event loop while a piece is delivered on the subscriber's thread.
     */
    private final class Lender implements CoreSubscriber<ByteBuf> {
        private final CoreSubscriber<? super ByteBuf> actual;
        private volatile Subscription upstream;
        private volatile boolean ended;

        Lender(CoreSubscriber<? super ByteBuf> actual) {
            this.actual = Operators.serialize(actual);
        }

        /**
         * The subscriber's context with the stream's own discard hook in place of any it has: the queue's pieces are
         * the stream's to release, once, and a hook downstream (a response that streams this body back) would
         * release them again.
         */
        @Override
        public Context currentContext() {
            return Operators.enableOnDiscard(actual.currentContext(), RELEASE_PIECE);
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            actual.onSubscribe(s);
        }

        /** Cancels the queue, whose pieces the discard hook releases, and tells an unfinished subscriber why. */
        void abandon(Throwable error) {
            if (ended) {
                return;
            }
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            actual.onError(error);
        }

        @Override
        public void onNext(ByteBuf piece) {
            int length = charge(piece);
            try {
                actual.onNext(piece);
            } finally {
                piece.release();
                delivered(length);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended = true;
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            ended = true;
            actual.onComplete();
        }
    }

    /** Subscribes only to cancel at once, so that the sink releases what it queued. */
    private static final class Canceller implements CoreSubscriber<ByteBuf> {
        @Override
        public void onSubscribe(Subscription s) {
            s.cancel();
        }

        @Override
        public void onNext(ByteBuf piece) {
            piece.release();
        }

        @Override
        public void onError(Throwable t) { }

        @Override
        public void onComplete() { }
    }
}
