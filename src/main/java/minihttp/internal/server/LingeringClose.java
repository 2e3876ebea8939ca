package minihttp.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client may still be sending (its input was refused, or cut short by a deadline): the
 * output is shut down first, so that the client reads the response to its end and a FIN after it, and what the
 * client still sends is read and dropped until it closes its side, for at most {@link #LINGER_MILLIS}; then the
 * connection closes. Closing a socket with unread input makes the kernel answer with a reset, and a reset can make
 * the client's kernel drop the response before its application has read it: a client in the middle of a body too
 * large would never see its 413. nginx's {@code lingering_close} and Apache's lingering close do the same.
 *
 * <p>A channel handler, because reactor-netty drops the reads of a connection whose inbound ended but stops asking
 * for them, and the bytes left unread are what makes the reset: it goes first in the pipeline, reads for itself
 * and drops what it reads. Only for the connections that end so; not over TLS, whose close is its own.
 */
public final class LingeringClose extends ChannelInboundHandlerAdapter {

    /** The longest a connection lingers: long enough for a client to read an error and stop, short enough to hold. */
    public static final long LINGER_MILLIS = 2_000;
    private static final String NAME = "minihttp.lingeringClose";

    private final Runnable close;
    private ScheduledFuture<?> deadline;
    private boolean done;

    private LingeringClose(Runnable close) {
        this.close = close;
    }

    /** Runs {@code close} once the connection has lingered, or at once when it need not. Event loop. */
    static void then(Channel channel, Runnable close) {
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive() || duplex.isInputShutdown()
                || channel.pipeline().get(SslHandler.class) != null) {
            close.run();
            return;
        }
        LingeringClose linger = new LingeringClose(close);
        channel.pipeline().addFirst(NAME, linger);
        linger.deadline = channel.eventLoop().schedule(linger::end, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        duplex.shutdownOutput();
        channel.config().setAutoRead(true);
        // From this handler's place, next to the socket: the read passes no handler that holds reads back.
        channel.pipeline().context(linger).read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            end(); // the client closed its side: it has read what it wanted
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    private void end() {
        if (!done) {
            done = true;
            deadline.cancel(false);
            close.run();
        }
    }
}
