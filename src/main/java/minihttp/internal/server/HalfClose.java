package minihttp.internal.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;

/**
 * Turns a client's half-close (it shut down its write side: a FIN, or a TLS close_notify) into the end of
 * the connection's inbound, so that every request it sent is still answered, in order, before the server closes
 * (RFC 9112 section 9.6).
 *
 * <p>The server allows half-closure, so Netty keeps the channel open at the end of the input and tells the pipeline
 * with a {@link ChannelInputShutdownEvent}, which reactor-netty ignores (without half-closure Netty closes the
 * channel at once, and the responses still owed are lost). This handler passes {@link #INPUT_ENDED} on as a read:
 * it reaches the composition behind every read that reactor-netty still queues, and {@link HttpConnection} ends
 * its inbound there, as after a last batch; the completed send then closes the connection. It is a channel handler
 * because the event reaches reactor-netty's inbound only through a protected method of its
 * {@code ChannelOperations}; it overrides no read method, so Netty skips it on every read. The batched pipeline's
 * {@link WriteGate} does the same from the handler it has anyway.
 */
@ChannelHandler.Sharable
public final class HalfClose extends ChannelInboundHandlerAdapter {

    /** The name of the handler in the pipeline. */
    public static final String NAME = "minihttp.halfClose";
    /** One handler serves every connection: it keeps no state. */
    public static final HalfClose INSTANCE = new HalfClose();
    /** The end of the client's input, as it reaches {@code NettyInbound.receiveObject()} after the last read. */
    static final Object INPUT_ENDED = new Object() {
        @Override
        public String toString() {
            return "input ended (half-close)";
        }
    };

    private HalfClose() {}

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        passOn(ctx, event);
    }

    /**
     * Passes {@code event} on, with {@link #INPUT_ENDED} as a read before it if it is the end of the input. A TLS
     * close_notify ends the input too (RFC 8446 section 6.1: it closes the sender's direction only), and is not
     * passed on: reactor-netty would close the channel on it, dropping the responses owed.
     */
    static void passOn(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslCloseCompletionEvent closeNotify && closeNotify.isSuccess()) {
            ctx.fireChannelRead(INPUT_ENDED);
            return;
        }
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            ctx.fireChannelRead(INPUT_ENDED);
        }
        ctx.fireUserEventTriggered(event);
    }
}
