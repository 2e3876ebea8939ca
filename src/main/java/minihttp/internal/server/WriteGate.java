package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Holds a connection's next batch back while its channel is over the write buffer's high water mark, and lets
 * it go when the channel drains below the low water mark; holds the channel's reads while the connection's
 * output is over its budget.
 *
 * <p>This is the read side of backpressure: {@code concatMap} asks for the next read only when the batch before
 * it has gone out, so while a batch waits here the connection reads nothing more (reactor-netty's
 * {@code FluxReceive} turns auto-read off when it has no demand). Without it, the connection would hand the channel
 * every batch as it is read, however large. The decoding of a read stops at the connection's output
 * budget (see {@link HttpConnection}); then the reads are held here, and {@link #decodeMore()} later hands the
 * connection a read without bytes, so that it decodes what it kept.
 *
 * <p>It also passes the client's half-close on ({@link HalfClose}) and tells the connection of the channel's close,
 * to keep one handler per connection.
 *
 * <p>It is a channel handler because writability changes reach reactor-netty only through a protected method
 * of its {@code ChannelOperations}, and because reactor-netty turns auto-read back on whenever its subscriber
 * asks for more: a read request that passes here while reads are held would read past the budget.
 */
final class WriteGate extends ChannelDuplexHandler {

    /** The name of the handler in the pipeline. */
    static final String NAME = "minihttp.writeGate";
    /**
     * The read that {@link #decodeMore()} passes on: no bytes, so the decoder goes on with those it kept. Not
     * {@code Unpooled.EMPTY_BUFFER}, which reactor-netty drops; unreleasable, as reactor-netty releases each read.
     */
    static final ByteBuf DECODE_MORE = Unpooled.unreleasableBuffer(Unpooled.EMPTY_BUFFER);

    private final Channel channel;
    private final HttpConnection connection; // told when the channel turns unwritable and back
    /** The batch that waits for the channel to drain, if any; at most one, since concatMap runs one at a time. */
    private volatile Sinks.Empty<Void> waiting;
    private ChannelHandlerContext context;
    private boolean readsHeld; // event loop

    WriteGate(Channel channel, HttpConnection connection) {
        this.channel = channel;
        this.connection = connection;
    }

    /** The connection this gate serves: the one handler of the channel's that is minihttp's (see {@link Drain}). */
    HttpConnection connection() {
        return connection;
    }

    /** The batch, encoded: at once while the channel is writable, else once it drains (or closes). Any thread. */
    Flux<Batch> output(Batch batch) {
        if (channel.isWritable()) {
            return batch.whenEncoded(this);
        }
        Sinks.Empty<Void> sink = Sinks.empty();
        waiting = sink;
        if (channel.isWritable() || !channel.isActive()) {
            release(); // drained (or closed) before the event could see the sink
        }
        return sink.asMono().thenMany(Flux.defer(() -> batch.whenEncoded(this))).doOnCancel(batch::discard);
    }

    /**
     * Completes once the channel can take more: checked on the event loop after the writes handed to the send
     * before (when they came from another thread, the send queued them to the event loop first), so a streamed
     * body asks for its next frame only once the last one is in the channel and the channel is under its high
     * water mark; else once it drains (or closes). Only while no batch waits: a stream is the batch being sent.
     */
    Mono<Void> whenWritable() {
        return Mono.create(ready -> {
            Runnable check = () -> {
                if (channel.isWritable() || !channel.isActive()) {
                    ready.success();
                    return;
                }
                Sinks.Empty<Void> sink = Sinks.empty();
                waiting = sink;
                sink.asMono().subscribe(null, ready::error, ready::success);
            };
            if (channel.eventLoop().inEventLoop()) {
                check.run();
            } else {
                channel.eventLoop().execute(check);
            }
        });
    }

    /** Holds the channel's reads, or lets them go again (the caller turns auto-read back on). Event loop. */
    void holdReads(boolean hold) {
        readsHeld = hold;
    }

    /** Hands the connection {@link #DECODE_MORE}, as if it were read. Event loop. */
    void decodeMore() {
        if (context != null && channel.isActive()) {
            context.fireChannelRead(DECODE_MORE);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /**
     * Passes a read request on unless reads are held, or the client's input has ended (or the channel closed):
     * reactor-netty turns auto-read back on when its subscriber asks for more, also after that, and Netty's epoll
     * transport then fails to re-arm a descriptor it no longer polls for reading.
     */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!readsHeld && ctx.channel().isActive()
                && !(ctx.channel() instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            ctx.read();
        }
    }

    /** The client's half-close, which this handler also passes on: one handler context fewer per connection. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        HalfClose.passOn(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            release();
            connection.outputDrained();
        } else {
            connection.outputBlocked();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void release() {
        Sinks.Empty<Void> sink = waiting;
        if (sink != null) {
            waiting = null;
            sink.tryEmitEmpty();
        }
    }
}
