package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Holds a connection's next batch back while its channel is over the write buffer's high water mark, and lets
 * it go when the channel drains below the low water mark.
 *
 * <p>This is the read side of backpressure: {@code concatMap} asks for the next read only when the batch before
 * it has gone out, so while a batch waits here the connection reads nothing more (reactor-netty's
 * {@code FluxReceive} turns auto-read off when it has no demand), and what the server holds for a client that
 * does not read is bounded by the water mark plus a few batches. Without it, reactor-netty's send accepts up
 * to 128 batches ahead of the socket, however large.
 *
 * <p>It is a channel handler because writability changes reach reactor-netty only through a protected method
 * of its {@code ChannelOperations}; this tiny handler passes the event on after noting it.
 */
final class WriteGate extends ChannelInboundHandlerAdapter {

    /** The name of the handler in the pipeline. */
    static final String NAME = "minihttp.writeGate";

    private final Channel channel;
    private final Runnable onDrained;
    /** The batch that waits for the channel to drain, if any; at most one, since concatMap runs one at a time. */
    private volatile Sinks.Empty<Void> waiting;

    WriteGate(Channel channel, Runnable onDrained) {
        this.channel = channel;
        this.onDrained = onDrained;
    }

    /** The batch, done: at once while the channel is writable, else once it drains (or closes). Any thread. */
    Flux<Batch> output(Batch batch) {
        if (channel.isWritable()) {
            return batch.done();
        }
        Sinks.Empty<Void> sink = Sinks.empty();
        waiting = sink;
        if (channel.isWritable() || !channel.isActive()) {
            release(); // drained (or closed) before the event could see the sink
        }
        return sink.asMono().thenMany(Flux.defer(batch::done)).doOnCancel(batch::discard);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            onDrained.run();
            release();
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
