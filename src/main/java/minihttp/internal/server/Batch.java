package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import minihttp.http.Response;
import minihttp.internal.codec.DateCache;
import minihttp.internal.codec.DecodedRequest;
import minihttp.internal.codec.EncodedResponse;
import minihttp.internal.codec.ResponseEncoder;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import minihttp.internal.codec.ResponseFraming;
import minihttp.internal.codec.ThreadSpare;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The responses to the requests of one read, in request order, encoded into one pooled output buffer.
 *
 * <p>While every response is ready, each is encoded as it arrives and {@link #whenEncoded()} is a {@code Mono.just}
 * of the batch, which {@code concatMap} takes without subscribing. From the first response that is not ready,
 * the rest are queued ({@link QueuedResponse}) and {@link #whenEncoded()} waits for them in order; the read's
 * bytes stay held meanwhile, because the requests still being served are views into them.
 *
 * <p>A streamed response is added as pending, ready or not. When its turn comes the batch comes once with the
 * output so far, its head included, then once per frame of its body (the batch's output is that frame), the next
 * frame asked for only once the channel can take more; the responses after it are encoded once it has ended.
 */
final class Batch {

    /** The least output room: a few typical responses. */
    private static final int MIN_OUTPUT_CAPACITY = 512;
    /** An interim response: no Date, no Content-Length (RFC 9110 section 15.2). */
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * The batch a thread's connections share between reads: a connection takes it ({@link #forRead}) and gives it
     * back once it was sent whole ({@link #recycle}), which for ready responses is before the read's handler
     * returns. An idle connection then holds no batch, and at many connections the one being filled stays in
     * cache instead of each connection's being cold at its read (as the decoder's request object does).
     */
    private static final ThreadSpare<Batch> SPARE = new ThreadSpare<>();

    private final ByteBufAllocator alloc;
    private int outputCapacity;
    private ByteBuf out;
    private byte[] date;
    /** Entries from the first response that was not ready, in request order; null while all are ready. */
    private List<QueuedResponse> queued;
    /** How many of {@link #queued} are in {@link #out}: the next one to encode. */
    private int encodedQueued;
    private boolean subscribed;
    /** The read's bytes, which requests still being served read. */
    private ByteBuf heldInput;
    /** Further buffers that requests still being served read (a de-chunked body has its own); rarely used. */
    private List<ByteBuf> moreHeldInput;
    /**
     * Requests whose bodies stream in: a body whose service never subscribed to it (its response dropped with the
     * batch before or while it was computed) is discarded with the batch, releasing the pieces it queued.
     */
    private List<DecodedRequest> streamed;
    private boolean endsConnection;
    /** Whether an unsafe request's response is queued: the queue is then subscribed to in its order. */
    private boolean hasUnsafe;
    /** Whether the responses encoded so far go out before the queued ones are done: a 100 Continue is among them. */
    private boolean flushReadyFirst;
    /** The response encoded last, where it starts in {@link #out} and its Connection header: see makeLastResponseClose. */
    private Response lastEncoded;
    private int lastEncodedStart;
    private ConnectionHeader lastEncodedConnection;
    /**
     * The output encoded while the read was decoded, which the connection counts against its output budget until
     * the send takes it. Written on the event loop before the batch is emitted, read by the send's map.
     */
    private long countedOutput;
    /** What the responses queued and not yet encoded count against the output budget (see chargedBytes). */
    private long queuedCharge;

    /**
     * {@code inputBytes} sizes the output: requests with the usual headers are longer than their responses, so
     * a pipelined batch is encoded without growing its buffer.
     */
    Batch(ByteBufAllocator alloc, int inputBytes) {
        this.alloc = alloc;
        this.outputCapacity = Math.max(MIN_OUTPUT_CAPACITY, inputBytes);
    }

    /** A batch for a read of {@code inputBytes}: the thread's spare one if it has one of this allocator. Event loop. */
    static Batch forRead(ByteBufAllocator alloc, int inputBytes) {
        Batch batch = SPARE.take();
        if (batch == null) {
            return new Batch(alloc, inputBytes);
        }
        if (batch.alloc != alloc) { // another server's loop shares the thread: the spare stays its
            SPARE.giveBack(batch);
            return new Batch(alloc, inputBytes);
        }
        return batch.reuse(inputBytes);
    }

    /** Gives a {@link #reusable()} batch to its thread's next read, of any connection. Event loop. */
    void recycle() {
        SPARE.giveBack(this);
    }

    /**
     * Whether the batch can serve its thread's next read: its output was taken and no response of it was ever
     * waited for, so no subscriber and no held input refer to it any more. Event loop.
     */
    boolean reusable() {
        return out == null && queued == null && !subscribed && heldInput == null && streamed == null
                && !endsConnection;
    }

    /**
     * This batch, emptied for a read of {@code inputBytes}; only once {@link #reusable()}. A read that reuses a
     * batch allocates nothing, and stores no new object into older ones, which the garbage collector would then
     * have to track (G1's card refinement, at many connections).
     */
    private Batch reuse(int inputBytes) {
        outputCapacity = Math.max(MIN_OUTPUT_CAPACITY, inputBytes);
        date = null;
        encodedQueued = 0;
        flushReadyFirst = false;
        lastEncoded = null;
        lastEncodedStart = 0;
        lastEncodedConnection = null;
        countedOutput = 0;
        queuedCharge = 0;
        hasUnsafe = false;
        return this;
    }

    /** Whether this batch ends the connection: the connection closes once it is sent, nothing is read after it. */
    boolean endsConnection() {
        return endsConnection;
    }

    /** Whether some response of this batch is still being computed. */
    boolean hasPending() {
        return queued != null;
    }

    /** Whether the batch has nothing to write and does not end the connection: a read of body bytes only. */
    boolean isEmpty() {
        return out == null && queued == null && !endsConnection;
    }

    /**
     * The output so far, as the connection's budget counts it: the bytes encoded, and for each response queued
     * behind one still being computed, {@link HttpConnection#UNENCODED_CHARGE} or its body's length if larger. The
     * decoding of a read stops once it passes the budget. Event loop, while the read is decoded.
     */
    long chargedBytes() {
        return (out == null ? 0 : out.writerIndex()) + queuedCharge;
    }

    /** Counts the output so far against the connection's budget; returns it. Event loop. */
    long countOutput() {
        return countedOutput = chargedBytes();
    }

    /** The output counted by {@link #countOutput()}, once: the send is taking it. */
    long takeCountedOutput() {
        long counted = countedOutput;
        countedOutput = 0;
        return counted;
    }

    /**
     * Adds a response that is ready now, and not streamed (a stream may read its request when it is sent, so it is
     * added as pending, with the bytes its request reads): encodes it, unless responses before it are pending.
     */
    void addReady(Response response, ConnectionHeader connection) {
        endsConnection |= connection == ConnectionHeader.CLOSE;
        if (queued != null) {
            queued.add(new QueuedResponse.Ready(response, connection));
            queuedCharge += Math.max(HttpConnection.UNENCODED_CHARGE, response.contentLength());
            return;
        }
        allocateOutput();
        encode(response, connection, date);
    }

    /**
     * Adds a response that completes later; {@code input} holds the bytes its request reads; {@code unsafe}: the
     * request's method is ({@link RequestOrder}).
     */
    void addPending(Mono<Response> response, ByteBuf input, ConnectionHeader connection, boolean unsafe) {
        endsConnection |= connection == ConnectionHeader.CLOSE;
        queue(response, input, connection, null, unsafe);
    }

    /** Whether an unsafe request's response is among those still being computed. */
    boolean hasUnsafe() {
        return hasUnsafe;
    }

    /**
     * Adds the response of a request whose body is still streaming in. It does not end the batch's reading even if
     * it closes the connection: the decoder ends the connection after that body. The batch owns dropping the body
     * if it is discarded before the service got to it.
     */
    void addPendingStreamed(Mono<Response> response, DecodedRequest request, ByteBuf input,
                            ConnectionHeader connection, boolean unsafe) {
        if (streamed == null) {
            streamed = new ArrayList<>(2);
        }
        streamed.add(request);
        queue(response, input, connection, request, unsafe);
    }

    /** Adds {@code 100 Continue}: the client waits for it before sending the body of the request read last. */
    void addContinue() {
        if (queued != null) {
            queued.add(QueuedResponse.Continue.INTERIM);
            return;
        }
        writeContinue();
        flushReadyFirst = true;
    }

    /** Makes this batch end the connection without a response of its own: it closes after those before it. */
    void endConnection() {
        endsConnection = true;
    }

    /**
     * Makes the last response of this batch say {@code Connection: close}, unless it has been sent already: a
     * graceful shutdown ends the connection after it. A response still queued is encoded so; one encoded
     * already, in a batch waiting behind a slow one, has its header rewritten in place.
     */
    synchronized void makeLastResponseClose() {
        int last = queued == null ? -1 : lastQueuedResponse();
        if (last >= encodedQueued) {
            queued.set(last, queued.get(last).closing());
        } else if (out != null && lastEncoded != null) {
            ResponseEncoder.closeLast(out, lastEncodedStart, lastEncoded, lastEncodedConnection);
            lastEncodedConnection = ConnectionHeader.CLOSE;
        }
    }

    /** The index of the last response among the queued entries (a 100 Continue may follow it); the first is one. */
    private int lastQueuedResponse() {
        int i = queued.size() - 1;
        while (queued.get(i) == QueuedResponse.Continue.INTERIM) {
            i--;
        }
        return i;
    }

    private void queue(Mono<Response> response, ByteBuf input, ConnectionHeader connection, DecodedRequest streamed,
                       boolean unsafe) {
        if (queued == null) {
            queued = new ArrayList<>();
        }
        if (heldInput == null) {
            heldInput = input.retain();
        } else if (input != heldInput) {
            if (moreHeldInput == null) {
                moreHeldInput = new ArrayList<>(2);
            }
            moreHeldInput.add(input.retain());
        }
        queued.add(new QueuedResponse.Pending(ErrorResponses.orErrorResponse(response), connection, streamed,
                unsafe));
        hasUnsafe |= unsafe;
        queuedCharge += HttpConnection.UNENCODED_CHARGE;
    }

    /**
     * This batch once all its responses are encoded, for {@link #takeOutput}; empty when the read completed no
     * request. When a {@code 100 Continue} is among the ready responses, the batch comes twice: first with those,
     * as the client waits for it, then with the rest. The batch, not its buffer, goes through {@code concatMap}:
     * reactor-core's scalar shortcut there may discard a value on cancel after emitting it (reactor-core PR 4352),
     * and a discarded buffer would be released twice, whereas a discarded batch whose output was taken releases
     * nothing.
     */
    Flux<Batch> whenEncoded() {
        return whenEncoded(null);
    }

    /** {@link #whenEncoded()}, a streamed body paced by {@code gate} (none: as fast as it is asked for). */
    Flux<Batch> whenEncoded(WriteGate gate) {
        if (queued == null) {
            return out == null ? Flux.empty() : Flux.just(this);
        }
        subscribed = true;
        // flatMapSequential subscribes to every pending response at once and delivers them in queue order.
        Function<Response, Flux<Batch>> encode = response -> encodeCompleted(response, gate);
        Flux<Batch> encoded = !hasUnsafe
                ? Flux.fromIterable(queued).flatMapSequential(QueuedResponse::completion).concatMap(encode)
                : RequestOrder.inOrder(queued, QueuedResponse::unsafe, QueuedResponse::completion, encode,
                        QueuedResponse::release);
        Flux<Batch> rest = encoded
                .concatWith(Mono.fromCallable(this::allEncoded))
                .doOnDiscard(Response.class, Response::release)
                .doOnDiscard(QueuedResponse.class, QueuedResponse::release) // left in the queue on cancel
                .doFinally(signal -> discard());
        return flushReadyFirst ? Flux.concat(Mono.just(this), rest) : rest;
    }

    /**
     * Hands the encoded output over: the batch keeps no reference to it. Empty when the last response was a stream
     * of declared length, whose frames went out as they came (the batch still goes through the send, to be uncounted).
     */
    synchronized ByteBuf takeOutput() {
        ByteBuf output = out;
        out = null;
        return output != null ? output : Unpooled.EMPTY_BUFFER;
    }

    /** Releases everything the batch still holds: on cancel, or when it was never sent. */
    synchronized void discard() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (heldInput != null) {
            heldInput.release();
            heldInput = null;
        }
        if (moreHeldInput != null) {
            moreHeldInput.forEach(ByteBuf::release);
            moreHeldInput = null;
        }
        if (streamed != null) {
            // A body no service subscribed to (its response never subscribed, or cancelled first) holds pieces
            // that only its stream releases; one a service did subscribe to is left to it (a no-op here).
            streamed.forEach(DecodedRequest::discardBody);
            streamed = null;
        }
        if (queued != null && !subscribed) {
            queued.forEach(QueuedResponse::release); // once subscribed, the Flux owns them and discards them by its hook
        }
        queued = null;
        queuedCharge = 0;
    }

    /**
     * Encodes the next response in request order, after any 100 Continue queued before it. Runs on whichever thread
     * completed the response; the lock only orders it against a concurrent cancel or shutdown.
     */
    private synchronized Flux<Batch> encodeCompleted(Response response, WriteGate gate) {
        if (queued == null) { // cancelled meanwhile
            response.release();
            return Flux.empty();
        }
        writeQueuedContinues();
        // The Connection header is the entry's now, not when it was subscribed to: a shutdown may have made it close,
        // and a streamed body that failed ends the connection.
        ConnectionHeader connection = queued.get(encodedQueued++).connection();
        allocateOutput();
        byte[] date = DateCache.bytes(); // not the read's: the response may complete seconds later
        if (response instanceof EncodedResponse encoded && encoded.stream() != null) {
            return stream(encoded, connection, date, gate);
        }
        encode(response, connection, date);
        // A 100 Continue right after it is what a client waits for before it sends a body: what is encoded goes now.
        return writeQueuedContinues() ? Flux.just(this) : Flux.empty();
    }

    /**
     * The batch with the output so far and the head of {@code response}, then once per frame of its body; the last
     * chunk of a chunked body is encoded before the responses after it.
     */
    private Flux<Batch> stream(EncodedResponse response, ConnectionHeader connection, byte[] date, WriteGate gate) {
        ResponseFraming framing = ResponseFraming.of(response, connection);
        ResponseEncoder.encodeStreamedHead(response, framing, out, date, connection);
        lastEncoded = null; // its head goes out now: a shutdown can no longer make it say close
        Flux<Batch> body = StreamedBody.frames(response, framing, alloc)
                // One frame at a time, the next once the channel can take more (the socket's demand). The batch
                // owns a frame from the mapper on; one coming as the output is cancelled is the discard hook's.
                .concatMap(frame -> Mono.justOrEmpty(withFrame(frame))
                        .concatWith(gate == null ? Mono.empty() : gate.whenWritable().then(Mono.empty())), 0)
                .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
        return Flux.concat(Mono.just(this), body, Mono.fromCallable(() -> afterStream(framing)));
    }

    /** This batch with {@code frame} as its output; nothing when the batch was discarded meanwhile. */
    private synchronized Batch withFrame(ByteBuf frame) {
        if (queued == null || out != null) { // discarded (out is taken before each frame)
            frame.release();
            return null;
        }
        out = frame;
        return this;
    }

    /** Ends a chunked body in the output, where the responses after it go; sent now if a 100 Continue follows. */
    private synchronized Batch afterStream(ResponseFraming framing) {
        if (queued == null) {
            return null;
        }
        if (framing == ResponseFraming.CHUNKED) {
            allocateOutput();
            ResponseEncoder.lastChunk(out);
        }
        return writeQueuedContinues() ? this : null; // as after any response
    }

    private synchronized Batch allEncoded() {
        writeQueuedContinues(); // the last request's, whose body the client sends once it sees it
        queued = null; // everything in it is encoded; nothing left for discard() to release
        return this;
    }

    /** Writes the {@code 100 Continue}s next in the queue; whether there were any. */
    private boolean writeQueuedContinues() {
        boolean any = false;
        while (encodedQueued < queued.size() && queued.get(encodedQueued) == QueuedResponse.Continue.INTERIM) {
            writeContinue();
            encodedQueued++;
            any = true;
        }
        return any;
    }

    private void encode(Response response, ConnectionHeader connection, byte[] date) {
        lastEncodedStart = out.writerIndex();
        lastEncodedConnection = connection;
        lastEncoded = ErrorResponses.encode(response, out, date, connection);
    }

    private void writeContinue() {
        allocateOutput();
        out.writeBytes(CONTINUE);
    }

    private void allocateOutput() {
        if (out == null) {
            out = alloc.ioBuffer(outputCapacity);
            date = DateCache.bytes();
        }
    }
}
