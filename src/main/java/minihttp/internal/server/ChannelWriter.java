package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Writes a connection's output to its channel, each buffer written and flushed as it comes, and completes once the
 * last write has left (or the channel has closed): the send of one connection.
 *
 * <p>It stands in for reactor-netty's {@code NettyOutbound.send(Publisher, Predicate)}, whose operator keeps a queue
 * of its own per connection (128 slots, padded: about a kilobyte, a third of an idle connection's heap) in front of
 * the channel's outbound buffer, which is a queue already. The output comes here one batch at a time, already held
 * back by {@link WriteGate} while the channel is unwritable, so it asks for everything and queues nothing. Like
 * reactor-netty's send, it cancels the output when the channel closes, so that responses still being computed and
 * batches not yet sent are dropped (and their buffers released through the discard hook, {@link Batch#discard()}).
 *
 * <p>A write that fails needs little handling here: Netty closes the channel on a write error, and the close cancels
 * the output; a buffer that fails to be copied before the write is the exception (see {@code onNext}). Writes from
 * another thread reach the event loop as tasks, and the writes after them wait behind, so all leave in order.
 */
final class ChannelWriter extends Mono<Void> {

    /** Batches that the output drops (queued, or taken by an operator when cancelled) release what they hold. */
    private static final Context DISCARD_BATCHES = Operators.enableOnDiscard(Context.empty(), dropped -> {
        if (dropped instanceof Batch batch) {
            batch.discard();
        }
    });

    private final Publisher<ByteBuf> output;
    private final Channel channel;
    /** Asked once the last write has left whether its client may still be sending (see {@link LingeringClose}). */
    private final HttpConnection connection;
    /**
     * The unsafe's void promise: no promise object per write, and no exception fired down the pipeline for a write
     * to a channel that closed meanwhile (Netty releases the buffer). Netty hands it out on the event loop only; it
     * keeps no state, so writes from any thread may pass it. Null over TLS, where a write can fail with the channel
     * open (the engine closed both ways on the client's close_notify): there each write closes it on failure.
     */
    private final ChannelPromise noPromise;

    /** Runs on the channel's event loop. */
    ChannelWriter(Publisher<ByteBuf> output, Channel channel, HttpConnection connection) {
        this.output = output;
        this.channel = channel;
        this.connection = connection;
        this.noPromise = channel.pipeline().get(SslHandler.class) == null ? channel.unsafe().voidPromise() : null;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
        output.subscribe(new Writes(channel, noPromise, connection, actual));
    }

    private static final class Writes implements CoreSubscriber<ByteBuf>, Subscription, ChannelFutureListener {

        private static final AtomicIntegerFieldUpdater<Writes> DONE =
                AtomicIntegerFieldUpdater.newUpdater(Writes.class, "done");
        private static final AtomicIntegerFieldUpdater<Writes> QUEUED_WRITES =
                AtomicIntegerFieldUpdater.newUpdater(Writes.class, "queuedWrites");

        private final Channel channel;
        private final ChannelPromise noPromise;
        private final HttpConnection connection;
        private final CoreSubscriber<? super Void> actual;
        private Subscription upstream;
        /** 1 once {@link #actual} has been told the end: by the last write, the close, or a cancel. */
        private volatile int done;
        /** Writes waiting in the event loop's queue, which writes made after them wait behind. */
        private volatile int queuedWrites;

        Writes(Channel channel, ChannelPromise noPromise, HttpConnection connection,
               CoreSubscriber<? super Void> actual) {
            this.channel = channel;
            this.noPromise = noPromise;
            this.connection = connection;
            this.actual = actual;
        }

        @Override
        public Context currentContext() {
            return DISCARD_BATCHES;
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                channel.closeFuture().addListener(this);
                actual.onSubscribe(this);
                s.request(Long.MAX_VALUE); // WriteGate holds the output back, not demand
            }
        }

        @Override
        public void onNext(ByteBuf buffer) {
            if (queuedWrites == 0 && channel.eventLoop().inEventLoop()) {
                write(buffer);
            } else if (!inOrder(() -> write(buffer))) {
                buffer.release();
            }
        }

        private void write(ByteBuf buffer) {
            // A buffer the transport copies to direct memory first (a stream's heap data) can fail to be copied,
            // and the void promise would drop that failure: the body would go on without it. It closes instead.
            channel.writeAndFlush(buffer, noPromise != null && buffer.isDirect() ? noPromise
                    : channel.newPromise().addListener(ChannelFutureListener.CLOSE_ON_FAILURE));
        }

        /**
         * Runs {@code write} on the event loop after the writes queued there before it. A write from another thread
         * (a response completed there) waits in the loop's queue, and one made on the loop meanwhile must not pass
         * it: the next response would reach the client first. False when the loop has stopped: nothing goes out.
         */
        private boolean inOrder(Runnable write) {
            QUEUED_WRITES.incrementAndGet(this);
            try {
                channel.eventLoop().execute(() -> {
                    QUEUED_WRITES.decrementAndGet(this); // this one is no longer queued: what it does goes first
                    write.run();
                });
                return true;
            } catch (RejectedExecutionException loopStopped) {
                QUEUED_WRITES.decrementAndGet(this);
                end(loopStopped);
                return false;
            }
        }

        @Override
        public void onError(Throwable error) {
            // A streamed response that ends the connection: it ends once its writes are done, like any other.
            afterLastWrite(error instanceof StreamedBody.EndOfConnection ? null : error);
        }

        @Override
        public void onComplete() {
            afterLastWrite(null);
        }

        /**
         * Tells the end once the writes before have left (a write is done when all those before it are), after
         * lingering if the client may still be sending.
         */
        private void afterLastWrite(Throwable error) {
            if (!channel.isActive()) {
                end(error);
                return;
            }
            if (queuedWrites > 0 || !channel.eventLoop().inEventLoop()) {
                inOrder(() -> afterLastWrite(error)); // after the writes queued before it
                return;
            }
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (written.isSuccess() && connection.inputRefused()) {
                    LingeringClose.then(channel, () -> end(error));
                } else {
                    end(error);
                }
            });
        }

        /** The channel closed: the output still coming is dropped. */
        @Override
        public void operationComplete(ChannelFuture closed) {
            upstream.cancel();
            end(null);
        }

        @Override
        public void request(long n) {
            // the handler's subscriber asks for nothing: a Mono<Void> has nothing to give
        }

        @Override
        public void cancel() {
            if (DONE.compareAndSet(this, 0, 1)) {
                channel.closeFuture().removeListener(this);
                upstream.cancel();
            }
        }

        private void end(Throwable error) {
            if (DONE.compareAndSet(this, 0, 1)) {
                channel.closeFuture().removeListener(this);
                if (error == null) {
                    actual.onComplete();
                } else {
                    actual.onError(error);
                }
            }
        }
    }
}
