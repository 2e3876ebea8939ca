package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import minihttp.http.HttpStatus;
import minihttp.internal.codec.DecodedRequest;
import minihttp.internal.codec.Peer;
import minihttp.internal.codec.RequestDecoder;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import minihttp.observe.HttpListener;
import minihttp.server.Limits;
import minihttp.server.Timeouts;
import minihttp.service.Service;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;

/**
 * The pipeline of one connection, as one Reactor composition:
 * {@code NettyInbound} reads -> decode -> service calls -> {@link Batch} per read -> in order -> {@link ChannelWriter}.
 *
 * <p>Each read is decoded and its requests dispatched inside {@code handle} ({@link Dispatcher} decides what each
 * one gets: its service's response or the server's own), while reactor-netty still holds the read's
 * buffer (it releases it when {@code onNext} returns). {@code concatMap} then keeps the batches in read order;
 * for a batch whose responses were all ready it takes the batch through the {@code Mono.just} fast path without
 * a subscription, then {@code map} takes its buffer. Each batch is one write and one flush. A request that ends
 * the connection (bad input, {@code Connection: close}, HTTP/1.0) makes its batch the last one: the inbound is
 * cancelled, the batch is written after those before it, and the completed send closes the connection.
 *
 * <p>A read that only carries body bytes yields no batch ({@code handle} drops it), so that a long body does not
 * fill {@code concatMap}'s queue while the response it is waiting for is pending. A streamed body's backpressure
 * pauses reading through the channel's auto-read, as reactor-netty itself does when its receiver lags: the
 * body's demand is not the pipeline's (reads keep coming to decode the body), so no operator could carry it.
 *
 * <p>What a connection holds of its output is bounded in bytes: the decoding of a read stops once the output
 * encoded and not yet taken by the socket passes {@link #OUTPUT_BUDGET}, whatever the number of reads behind it.
 * A response still being computed counts as {@link #UNENCODED_CHARGE} bytes, so that the requests in service
 * are bounded too.
 * The rest of the read stays in the decoder, reading pauses ({@link WriteGate} holds it), and once the output
 * has drained the gate hands the connection an empty read that decodes more, through the same composition.
 *
 * <p>The connection's lifecycle hangs off the same composition: a deadline ({@link ConnectionTimer}), a graceful
 * shutdown ({@link Drain}) or the client's half-close ({@link HalfClose}, behind its last read) ends the inbound,
 * which lets the batches already read go out before the send completes (a request left unfinished by a deadline
 * gets a 408 after them; one left unfinished by a half-close gets nothing, as in nginx); {@link WriteGate} holds
 * the next batch while the channel cannot take more, so that reading pauses with it.
 */
public final class HttpConnection implements ConnectionTimer.Expiry {

    /**
     * Reads decoded ahead of the batch being sent: one, so that the service calls of the next read overlap those of
     * the batch waiting for its responses, and a client which does not read its responses makes the server hold
     * one batch more. With one, {@code concatMap}'s queue is a single slot rather than a padded array.
     */
    private static final int BATCHES_AHEAD = 1;
    /**
     * Output a connection may queue before its channel turns unwritable (and the connection pauses its reads),
     * and the level it must drain to before reading resumes. Netty's defaults, stated because backpressure rests on them.
     */
    public static final WriteBufferWaterMark WRITE_BUFFER_WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /**
     * The output a connection may hold, encoded and not yet taken by the socket, before it stops decoding: the
     * write buffer's high water mark, so that the channel turns unwritable when decoding stops and tells when it
     * has drained. It holds at most this plus one response, whatever the size of the reads behind it.
     */
    public static final int OUTPUT_BUDGET = WRITE_BUFFER_WATER_MARK.high();
    /**
     * What a response queued behind one still being computed counts against the output budget before it is
     * encoded. Responses that are computed elsewhere encode nothing until they complete; without a charge a
     * pipelining client could have a read's worth of them (some thousand) computed at once, each holding its
     * request and then its response, at every read the connection reads ahead. With it a connection has at most
     * 17 in service: TechEmpower's pipelining depth of 16, and one. What they hold once complete is theirs to bound
     * (a client without pipelining can make 17 connections). A ready response queued behind them counts its body's
     * length if that is more: its body is held until its turn.
     */
    public static final int UNENCODED_CHARGE = 4096;
    private static final AtomicLongFieldUpdater<HttpConnection> OUTPUT_TAKEN =
            AtomicLongFieldUpdater.newUpdater(HttpConnection.class, "outputTaken");
    private static final AtomicReferenceFieldUpdater<HttpConnection, Batch> WAITING =
            AtomicReferenceFieldUpdater.newUpdater(HttpConnection.class, Batch.class, "waiting");
    private final RequestDecoder decoder;
    private final Dispatcher dispatcher;
    private final ByteBufAllocator alloc;
    private final Connection connection;
    /** Told of the connection and its exchanges, or null. */
    private final HttpListener listener;
    private final ConnectionTimer timer;
    private final WriteGate gate;
    /** When each request's service may run (unsafe requests one at a time): the dispatcher's and the batches'. */
    private final RequestOrder order = new RequestOrder();
    private final AutoRead reads;
    /** The last batch with responses: a graceful shutdown makes its last response say {@code Connection: close}. */
    private Batch lastBatchWithResponses;
    /** A deadline passed with a request unfinished: it is answered with 408 after the pending responses. */
    private boolean owesRequestTimeout;
    /** The output encoded by the reads so far, in bytes; event loop. */
    private long outputEncoded;
    /** Of it, what the send has taken: written by its map, one thread at a time (release store, see send). */
    private volatile long outputTaken;
    /** The last read stopped at the output budget with bytes left to decode; written on the event loop. */
    private volatile boolean decodingStopped;
    /** A {@link WriteGate#DECODE_MORE} read is on its way; event loop. */
    private boolean decodeMoreSent;
    /** A graceful shutdown waits for the request arriving: the read that completes it ends the connection. */
    private boolean drainAfterRequest;
    /**
     * The batch read last, until the send takes it; set on the event loop, cleared by the send's thread. Release
     * stores, a plain store on x86, as a volatile one would cost a fence per read.
     */
    private volatile Batch waiting;

    private HttpConnection(Service service, Limits limits, ByteBufAllocator alloc, Connection connection,
                           Timeouts timeouts, HttpListener listener) {
        this.alloc = alloc;
        this.connection = connection;
        Channel channel = connection.channel();
        this.timer = new ConnectionTimer(channel, timeouts, this);
        this.gate = new WriteGate(channel, this);
        this.reads = new AutoRead(channel, gate, timer);
        this.decoder = new RequestDecoder(alloc, limits, service::streamsBody, reads, new Peer(channel.remoteAddress(),
                channel.localAddress(), channel.pipeline().get(SslHandler.class) != null ? "https" : "http"));
        this.listener = listener;
        this.dispatcher = new Dispatcher(service, decoder, listener, channel.remoteAddress(), order);
    }

    /** The handler reactor-netty runs for each accepted connection. */
    public static Publisher<Void> serve(NettyInbound in, NettyOutbound out, Service service, Limits limits,
                                 Timeouts timeouts, Drain drain, HttpListener listener) {
        Connection[] accepted = new Connection[1];
        in.withConnection(c -> accepted[0] = c);
        HttpConnection connection = new HttpConnection(service, limits, out.alloc(), accepted[0], timeouts,
                listener);
        // receiveObject, not receive: a TCP channel's reads are ByteBufs already, and receive() would map each one.
        Flux<ByteBuf> writes = in.receiveObject()
                .<Batch>handle((read, sink) -> {
                    if (read == HalfClose.INPUT_ENDED) {
                        // The client half-closed: what it sent is answered, then the send closes. Requests kept
                        // at the output budget are decoded first, by the reads the drained output hands us.
                        connection.timer.inputEnded(); // what it is owed must come in time
                        if (!connection.decodingStopped) {
                            sink.complete();
                        }
                        return;
                    }
                    Batch batch = connection.onRead((ByteBuf) read);
                    if (!batch.isEmpty()) {
                        WAITING.lazySet(connection, batch); // until the send takes it: reads wait behind it meanwhile
                        sink.next(batch);
                    }
                    if (batch.endsConnection() || connection.timer.hasInputEnded() && !connection.decodingStopped) {
                        sink.complete(); // cancels the inbound: nothing is read after the last batch
                    }
                })
                .concatWith(Mono.fromSupplier(connection::onInboundEnd))
                .concatMap(connection::output, BATCHES_AHEAD)
                .map(connection::send);
        connection.start(drain);
        // Each batch is one write and one flush; the completed handler closes the connection.
        return new ChannelWriter(writes, accepted[0].channel(), connection);
    }

    /** Starts the clock and the write gate; drains at once when the server is already shutting down. */
    private void start(Drain drain) {
        Channel channel = connection.channel();
        timer.start();
        if (listener != null) {
            listener.connectionOpened(channel.remoteAddress());
        }
        // Into the pipeline directly: reactor-netty's addHandlerLast subscribes to the connection's end for each
        // handler, to remove it again (for pooled client connections), which costs an idle connection 600 bytes.
        // The gate also passes the client's half-close on (HalfClose), tells of the close (closed), and Drain
        // finds the connection through it.
        channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, WriteGate.NAME, gate);
        if (!channel.isActive()) {
            closed(); // closed before the gate was there to see it
        } else if (drain.draining()) {
            drain();
        }
    }

    /**
     * The channel closed, on the event loop: the clock stops, and the decoder lets go of what it holds for an
     * inbound that ended in an error or a cancel (a no-op after onInboundEnd). Told by the gate rather than by a
     * listener on the close future, which would give each connection a second listener and the array for both.
     */
    void closed() {
        timer.stop();
        decoder.release();
        if (listener != null) {
            listener.connectionClosed(connection.channel().remoteAddress());
        }
    }

    /**
     * Whether the connection ends with its input refused (an error in it) or cut short (a deadline): the client
     * may still be sending, so the close lingers ({@link LingeringClose}). Event loop, once the output is sent.
     */
    boolean inputRefused() {
        return decoder.failed() || owesRequestTimeout;
    }

    /** Decodes one read and calls the service for each request in it; runs on the event loop. */
    private Batch onRead(ByteBuf in) {
        int bytes = in.readableBytes();
        decodeMoreSent = false;
        int inputBytes = in == WriteGate.DECODE_MORE ? OUTPUT_BUDGET : bytes;
        Batch batch = Batch.forRead(alloc, inputBytes);
        decoder.feed(in);
        order.readStarted(timer.inService());
        if (listener != null) {
            dispatcher.readStarted(System.nanoTime());
        }
        long room = OUTPUT_BUDGET - outputHeld();
        DecodedRequest request;
        while (!batch.endsConnection() && batch.chargedBytes() <= room && (request = decoder.poll()) != null) {
            dispatcher.dispatch(request, batch);
            if (drainAfterRequest) { // the request a graceful shutdown waited for: nothing is decoded after it
                batch.makeLastResponseClose();
                if (request.isBodyStreamed()) {
                    decoder.endAfterStreamedBody();
                } else {
                    batch.endConnection();
                }
            }
        }
        boolean overBudget = !batch.endsConnection() && batch.chargedBytes() > room;
        if (!batch.endsConnection() && !overBudget) {
            dispatcher.dispatchEndOfRead(batch);
        }
        decoder.endRead(); // keeps what is left of the read when it stopped at the budget
        outputEncoded += batch.countOutput();
        if (overBudget != decodingStopped) {
            decodingStopped = overBudget;
            reads.holdForOutput(overBudget); // in onNext, where reactor-netty sets auto-read after us
        }
        afterRead(batch, bytes);
        if (batch.isEmpty()) {
            batch.recycle(); // handle drops it: the read brought only body bytes
        }
        return batch;
    }

    /** The output encoded and not yet taken by the socket: in batches not yet sent, and in the channel. Event loop. */
    private long outputHeld() {
        ChannelOutboundBuffer outbound = connection.channel().unsafe().outboundBuffer();
        long unsent = outputEncoded - outputTaken;
        return outbound == null ? unsent : unsent + outbound.totalPendingWriteBytes();
    }

    /** For tests: the output encoded and not yet handed to the channel. */
    public long outputQueued() {
        return outputEncoded - outputTaken;
    }

    /**
     * The send's map: takes the batch's output and uncounts it. Reactor calls it one batch at a time, so a release
     * store suffices (a plain store on x86, where a volatile one would cost a fence per batch).
     */
    private ByteBuf send(Batch batch) {
        long counted = batch.takeCountedOutput();
        if (counted != 0) {
            OUTPUT_TAKEN.lazySet(this, outputTaken + counted);
        }
        if (decodingStopped) {
            connection.channel().eventLoop().execute(this::decodeMoreIfRoom);
        }
        timer.outputSent();
        ByteBuf output = batch.takeOutput();
        if (!batch.hasPending() && connection.channel().eventLoop().inEventLoop()) {
            // Sent whole, where a shutdown could not have seen it half sent: there is no response left in it to
            // make close, an idle connection need not keep it, and unless it waited for a response (then its
            // subscriber still finishes after this), the thread's next read can have it.
            if (batch == lastBatchWithResponses) {
                lastBatchWithResponses = null;
            }
            if (batch.reusable()) {
                batch.recycle();
            }
        }
        return output;
    }

    /** The channel went over the high water mark; event loop. */
    void outputBlocked() {
        timer.outputBlocked();
    }

    /** The channel drained below the low water mark; event loop. */
    void outputDrained() {
        timer.outputDrained();
        decodeMoreIfRoom();
    }

    /** Decoding stopped at the budget and the output has drained back under it: decode more. Event loop. */
    private void decodeMoreIfRoom() {
        if (decodingStopped && !decodeMoreSent && outputHeld() <= OUTPUT_BUDGET) {
            decodeMoreSent = true;
            gate.decodeMore();
        }
    }

    /** Tells the timer what the connection waits for now, and notes the batch a shutdown would close. */
    private void afterRead(Batch batch, int bytes) {
        boolean completed = !batch.isEmpty();
        timer.afterRead(phase(), completed, bytes);
        if (batch.hasPending()) {
            timer.serviceStarted();
            if (batch.hasUnsafe()) {
                order.unsafeSent();
            }
        }
        if (completed) {
            lastBatchWithResponses = batch;
        }
    }

    private ConnectionTimer.Phase phase() {
        if (decodingStopped) {
            return ConnectionTimer.Phase.IDLE; // the bytes kept are requests waiting for the client to read
        }
        if (decoder.readingBody()) {
            return ConnectionTimer.Phase.BODY;
        }
        return decoder.hasPartialRequest() ? ConnectionTimer.Phase.HEAD : ConnectionTimer.Phase.IDLE;
    }

    /** The batch once the channel can take its output; a batch still being served tells the timer when done. */
    private Flux<Batch> output(Batch batch) {
        if (waiting == batch) {
            WAITING.lazySet(this, null);
        }
        if (!batch.hasPending()) {
            return gate.output(batch);
        }
        boolean unsafe = batch.hasUnsafe();
        return gate.output(batch).doFinally(signal -> {
            timer.serviceDone();
            if (unsafe) {
                order.unsafeDone();
            }
        });
    }

    /**
     * The inbound completed, on the event loop: nothing more is decoded, and after a deadline with a request
     * unfinished, one more batch answers it with 408. A streamed body cut short fails its stream instead (with
     * 408 after a deadline), and its service, which has the request already, answers it.
     */
    private Batch onInboundEnd() {
        boolean answeredByService = decoder.streamingBody();
        if (owesRequestTimeout) {
            decoder.release(HttpStatus.REQUEST_TIMEOUT, "request body not received in time");
        } else {
            decoder.release();
        }
        if (!owesRequestTimeout || answeredByService
                || lastBatchWithResponses != null && lastBatchWithResponses.endsConnection()) {
            return null;
        }
        Batch batch = new Batch(alloc, 0);
        dispatcher.dispatchRequestTimeout(batch);
        return batch;
    }

    /**
     * Whether the batch read last waits for the send to take it ({@code concatMap} holds one, behind the batch
     * being sent): no read is taken meanwhile. Event loop.
     */
    @Override
    public boolean readsHeldBehindOutput() {
        return waiting != null;
    }

    /** A deadline passed (on the event loop): stop reading; the batches already read still go out. */
    @Override
    public void expired(ConnectionTimer.Phase phase, boolean partial) {
        owesRequestTimeout = partial;
        endInbound();
    }

    /**
     * Graceful shutdown of this connection, on its event loop: stop reading, make the response still owed last
     * say {@code Connection: close}, and close once it is sent (at once when nothing is owed). A request still
     * arriving (its head or its body) is read to its end and answered first, and nothing after it: a client in the
     * middle of a POST would otherwise lose it, unanswered. The shutdown's timeout bounds the wait, as do the head
     * and body deadlines.
     */
    void drain() {
        if (decoder.streamingBody()) {
            // Its service has the request already: the decoder ends with the body, and the batch of that read
            // ends the connection.
            decoder.endAfterStreamedBody();
            closeLastResponse();
        } else if (decoder.hasPartialRequest() && !decodingStopped) {
            drainAfterRequest = true; // the read that completes it ends the connection (see onRead)
        } else {
            closeLastResponse();
            endInbound();
        }
    }

    /** Makes the last response owed say {@code Connection: close}: the connection ends after it. */
    private void closeLastResponse() {
        if (lastBatchWithResponses != null) {
            lastBatchWithResponses.makeLastResponseClose();
        }
    }

    // Completes in.receive() (reactor-netty drops what arrives later); the composition then finishes the batches
    // already read and the completed send closes the connection.
    private void endInbound() {
        if (connection instanceof ChannelOperations<?, ?> ops) {
            ops.discard();
        } else {
            connection.dispose();
        }
    }
}
