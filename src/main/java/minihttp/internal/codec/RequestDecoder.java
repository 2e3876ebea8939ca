package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Predicate;
import minihttp.http.BodyException;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.server.Limits;

/**
 * Decodes the pipelined HTTP/1.x requests of one connection (RFC 9112) from the buffers of its reads.
 *
 * <p>Each read is {@link #feed fed}, then {@link #poll polled} until it returns {@code null}, then {@link #endRead
 * ended}. Requests are views into the read's own buffer; only the bytes of a request that a read leaves incomplete
 * are copied, into a cumulation buffer that the next read is appended to. Lines are searched and parsed in a
 * {@link Window}, and every line is visited once, so a request split at any byte costs no rescanning beyond its
 * unfinished line. On malformed input the decoder stops for good and reports the status to answer with.
 *
 * <p>The driver of an explicit state machine, one {@link State} per part of a request:
 * <pre>
 * REQUEST_LINE -> HEADERS -> BODY ----------------------------------------------> REQUEST_LINE
 *                        \-> CHUNK_SIZE -> CHUNK_DATA -> CHUNK_END -> CHUNK_SIZE
 *                                     \-> TRAILERS -> TRAILERS ----------------> REQUEST_LINE
 * </pre>
 * <ul>
 * <li>{@code REQUEST_LINE}: the request line, a few empty lines before it skipped ({@link HeadParser});
 * <li>{@code HEADERS}: the header fields, up to the empty line ({@link HeadParser}); the head then announces the
 *     body and the decoder sets it up ({@link #startBody});
 * <li>{@code BODY}: a Content-Length body (or none), returned with its request as one view once all here, or
 *     streamed ({@link BodyFraming});
 * <li>{@code CHUNK_SIZE}, {@code CHUNK_DATA}, {@code CHUNK_END}, {@code TRAILERS}: a chunked body, framed into an
 *     aggregate or a stream ({@link BodyFraming}, {@link BodySink});
 * <li>{@code ENDED}: after a streamed body whose request closes the connection: nothing more is decoded;
 * <li>{@code FAILED}: the input was malformed ({@link #reject}): nothing more is decoded.
 * </ul>
 * A streamed body's request is returned with its head, and its body follows through its {@link BodyStream}; a
 * chunked body that is not streamed is returned with its request when its trailers end.
 */
public final class RequestDecoder {

    /** The part of a request being decoded; see the class comment. */
    enum State { REQUEST_LINE, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, ENDED, FAILED }

    private static final int MIN_AGGREGATE = 1024;

    private final ByteBufAllocator alloc;
    private final Limits limits;
    private final Predicate<Request> streamsBody;
    private final ReadControl readControl;
    private Parsers parsers; // the thread's, held from feed to the end of a read between requests; else null

    private final Cumulation cumulation; // the start of a request that an earlier read left incomplete
    private ByteBuf buf;                 // the bytes of this read: the read's own buffer, or the cumulation
    private State state = State.REQUEST_LINE;
    private final Peer peer;
    private DecodedRequest request; // null between requests: see DecodedRequest.take
    private ByteBuf returnedBody;    // owned: the aggregate of the request last returned, released on the next call
    private boolean continueNeeded;  // a 100 Continue is due for the request whose body is awaited
    private boolean closeAfterBody;  // the streamed request ends the connection: decode nothing after its body

    private HttpStatus errorStatus;
    private String errorMessage;
    private boolean errorForHead; // the request refused is a HEAD: its answer has no content

    /** A decoder that aggregates every body. */
    public RequestDecoder(ByteBufAllocator alloc, Limits limits) {
        this(alloc, limits, request -> false, ReadControl.NONE);
    }

    /**
     * A decoder that streams the body of each request that {@code streamsBody} accepts (it is asked only for
     * requests with a body, once their head is complete), pausing reads through {@code readControl}.
     */
    public RequestDecoder(ByteBufAllocator alloc, Limits limits, Predicate<Request> streamsBody,
            ReadControl readControl) {
        this(alloc, limits, streamsBody, readControl, Peer.UNKNOWN);
    }

    /** A decoder as above whose requests come from {@code peer}: their addresses and scheme. */
    public RequestDecoder(ByteBufAllocator alloc, Limits limits, Predicate<Request> streamsBody,
            ReadControl readControl, Peer peer) {
        this.peer = peer;
        this.alloc = alloc;
        this.cumulation = new Cumulation(alloc);
        this.limits = limits;
        this.streamsBody = streamsBody;
        this.readControl = readControl;
    }

    /** Starts decoding the bytes of a read; {@code in} stays owned by the caller and must live until {@link #endRead}. */
    public void feed(ByteBuf in) {
        buf = cumulation.append(in, awaitedBytes());
        if (parsers == null) {
            parsers = Parsers.take(this, limits);
        }
        parsers.window.begin(buf);
    }

    /**
     * The next complete request of this read (or, for a streamed body, the next complete head), or {@code null}
     * when more bytes are needed or the input is malformed ({@link #failed()}). The returned object and its bytes
     * are valid until the next call or {@link #endRead}, unless {@link #detach()} is called first.
     */
    public DecodedRequest poll() {
        if (returnedBody != null) {
            releaseReturnedBody();
        }
        if (buf == null) {
            return null;
        }
        if (request == null) {
            request = DecodedRequest.take(peer); // the thread's: see DecodedRequest.giveBack
        }
        for (;;) {
            State next;
            switch (state) {
                case REQUEST_LINE -> next = parsers.head.requestLine(buf, request);
                case HEADERS -> {
                    if (!parsers.head.headerFields(buf, request)) {
                        return null;
                    }
                    next = startBody();
                    if (next != null && streamingBody()) {
                        state = next;
                        return request; // the head of a request whose body is streamed after it
                    }
                }
                case BODY -> {
                    if (parsers.framing.sink() == null) {
                        return fixedBody();
                    }
                    next = parsers.framing.fixedLength(buf);
                    continueNeeded &= !parsers.framing.started();
                }
                case CHUNK_SIZE -> {
                    next = parsers.framing.chunkSize(buf);
                    continueNeeded &= !parsers.framing.started();
                }
                case CHUNK_DATA -> next = parsers.framing.chunkData(buf);
                case CHUNK_END -> next = parsers.framing.chunkEnd(buf);
                case TRAILERS -> next = parsers.framing.trailerLine(buf);
                default -> next = null; // ENDED, FAILED
            }
            if (next == null) {
                return null;
            }
            if (next == State.REQUEST_LINE && parsers.framing.sink() != null) {
                DecodedRequest complete = endBody();
                if (complete != null) {
                    return complete; // an aggregated chunked request
                }
            } else {
                state = next;
            }
        }
    }

    /**
     * Hands the request last polled over to the caller for good: the decoder fills a new one next. Returns the
     * buffer the request reads, which the caller must retain if the request is to outlive this read (the
     * decoder releases its own reference to a buffer it allocated on the next call).
     */
    public ByteBuf detach() {
        ByteBuf bytes = request.buf;
        request = null; // the next poll takes another
        return bytes;
    }

    /**
     * Whether a {@code 100 Continue} is due now: the request whose head was read last asked for it and its body
     * has not started. Reports each such request once; call after {@link #poll} returned {@code null}.
     */
    public boolean takeContinue() {
        boolean due = continueNeeded && state != State.FAILED;
        continueNeeded = false;
        return due;
    }

    /** Ends a read: keeps the bytes of an incomplete request, in a buffer of the decoder's own. */
    public void endRead() {
        if (parsers == null) {
            return; // no read was fed
        }
        parsers.window.endRead();
        if (returnedBody != null) {
            releaseReturnedBody();
        }
        if (request != null && state == State.REQUEST_LINE) {
            request.giveBack(); // between requests: nothing of the next one is in it
            request = null;
        }
        if (state == State.REQUEST_LINE && !parsers.head.skippedEmptyLines()) {
            parsers.giveBack(); // likewise: a partial request line is parsed again from its first byte
            parsers = null;
        }
        ByteBuf b = buf;
        buf = null;
        if (b == null) {
            return;
        }
        if (state == State.FAILED || state == State.ENDED) {
            release();
            return;
        }
        cumulation.keep(b);
    }

    /**
     * The bytes of the request being decoded when it waits for the rest of a Content-Length body it returns with
     * (from its first byte, the reader index), else 0.
     */
    private int awaitedBytes() {
        return state == State.BODY && parsers != null && parsers.framing.sink() == null && request != null
                ? request.bodyStart + request.bodyLength : 0;
    }

    /**
     * Whether decoding stopped on malformed input. The connection answers {@link #errorStatus()} and closes; when
     * that is {@code null}, the error ended a streamed body, whose request gets its answer from its service.
     */
    public boolean failed() {
        return state == State.FAILED;
    }

    /**
     * Whether the decoder stopped after a streamed body whose request ends the connection: the caller closes it
     * once the responses are sent. (Other such requests are complete when returned: the caller stops polling.)
     */
    public boolean ended() {
        return state == State.ENDED;
    }

    public HttpStatus errorStatus() {
        return errorStatus;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /**
     * Whether the request refused, or the one left unfinished, is a HEAD, whose answer has no content (RFC 9110
     * section 9.3.2) whatever its status.
     */
    public boolean answersHead() {
        if (state == State.FAILED) {
            return errorForHead;
        }
        return state != State.REQUEST_LINE && state != State.ENDED && request != null && request.method == Method.HEAD;
    }

    /**
     * Whether bytes of an unfinished request are waiting for more input. Empty lines before a request line count:
     * they start no request, but a client that sends only them must be held to the head deadline, not left idle.
     */
    public boolean hasPartialRequest() {
        return state != State.REQUEST_LINE && state != State.FAILED && state != State.ENDED
                || state == State.REQUEST_LINE && parsers != null && parsers.head.skippedEmptyLines()
                || cumulation.isReadable();
    }

    /** Makes the streamed body being read the last input decoded: the decoder ends after it ({@link #ended()}). */
    public void endAfterStreamedBody() {
        closeAfterBody = true;
    }

    /** Whether the head of the current request is done and its body is still arriving. */
    public boolean readingBody() {
        return switch (state) {
            case BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS -> true;
            default -> false;
        };
    }

    /** Releases what the decoder holds, and fails a streamed body left unfinished; called when the connection ends. */
    public void release() {
        release(HttpStatus.BAD_REQUEST, "connection closed before the end of the body");
    }

    /**
     * Releases what the decoder holds; a streamed body left unfinished fails with {@code status}, which its service
     * answers with (see {@link #streamingBody()}).
     */
    public void release(HttpStatus status, String message) {
        cumulation.release();
        if (returnedBody != null) {
            releaseReturnedBody();
        }
        BodySink sink = parsers == null ? null : parsers.framing.close();
        if (sink != null) {
            sink.abandon(new BodyException(status, message));
        }
    }

    /** Whether the body being read is streamed to a service: its request is in the service's hands already. */
    public boolean streamingBody() {
        return parsers != null && parsers.framing.sink() instanceof BodySink.Stream;
    }

    /**
     * Sets up the body that the head just parsed announces, and returns the state that reads it (null if it is
     * refused): none, or a Content-Length body returned as a view with its request; a streamed body; a chunked one
     * aggregated behind a copy of its head, as it will not be contiguous in the input.
     */
    private State startBody() {
        DecodedRequest r = request;
        int headLength = r.bodyStart;
        if (parsers.head.chunked()) {
            r.chunked = true;
            r.contentLength = -1;
            BodySink sink = streams(r, headLength);
            if (sink == null) {
                ByteBuf aggregate = alloc.buffer(Math.max(headLength * 2, MIN_AGGREGATE));
                aggregate.writeBytes(buf, buf.readerIndex(), headLength);
                sink = new BodySink.Aggregate(aggregate, headLength, limits.maxBody());
            }
            buf.readerIndex(buf.readerIndex() + headLength);
            continueNeeded = r.expectContinue && !buf.isReadable();
            parsers.framing.open(sink, -1);
            return State.CHUNK_SIZE;
        }
        long contentLength = parsers.head.contentLength();
        if (contentLength <= 0) {
            r.bodyLength = 0;
            return State.BODY;
        }
        r.contentLength = contentLength;
        BodySink sink = streams(r, headLength);
        if (sink != null) {
            buf.readerIndex(buf.readerIndex() + headLength);
            parsers.framing.open(sink, contentLength);
            return State.BODY;
        }
        if (contentLength > limits.maxBody()) {
            reject(HttpStatus.CONTENT_TOO_LARGE, "request body too large");
            return null;
        }
        r.bodyLength = (int) contentLength;
        continueNeeded = r.expectContinue && buf.readableBytes() == headLength;
        return State.BODY;
    }

    /** Asks the service whether it takes this request's body as a stream: if so, the sink that feeds it, else null. */
    private BodySink streams(DecodedRequest r, int headLength) {
        r.buf = buf;
        r.start = buf.readerIndex();
        if (!streamsBody.test(r)) {
            return null;
        }
        BodyStream stream = new BodyStream(readControl);
        r.stream = stream;
        closeAfterBody = !r.keepAlive;
        continueNeeded = r.expectContinue && buf.readableBytes() == headLength;
        return new BodySink.Stream(stream);
    }

    /** A Content-Length body returned with its request: waits until all of it is here. */
    private DecodedRequest fixedBody() {
        DecodedRequest r = request;
        int base = buf.readerIndex();
        int length = r.bodyStart + r.bodyLength;
        if (buf.readableBytes() < length) {
            return null;
        }
        r.buf = buf;
        r.start = base;
        buf.readerIndex(base + length);
        continueNeeded = false;
        state = State.REQUEST_LINE;
        return r;
    }

    /**
     * The body framed into a sink is complete: a stream completes, and the decoder goes on (or ends, if its request
     * closes the connection); an aggregate becomes the bytes of its request, which is returned.
     */
    private DecodedRequest endBody() {
        BodySink sink = parsers.framing.close();
        if (sink instanceof BodySink.Stream streamed) {
            streamed.stream.complete();
            state = closeAfterBody ? State.ENDED : State.REQUEST_LINE;
            return null;
        }
        ByteBuf aggregate = ((BodySink.Aggregate) sink).bytes;
        DecodedRequest r = request;
        r.buf = aggregate;
        r.start = 0;
        r.bodyLength = aggregate.writerIndex() - r.bodyStart;
        returnedBody = aggregate;
        state = State.REQUEST_LINE;
        return r;
    }

    /**
     * Stops decoding for good on malformed input, to be answered with {@code status} (see {@link #failed()}); always
     * false, for parsers that return whether they succeeded. A body being framed ends too: an aggregate is released;
     * a streamed body's request was handed out already, so its stream fails with the status, its service answers,
     * and {@link #errorStatus()} stays null so that it is not answered twice.
     */
    boolean reject(HttpStatus status, String message) {
        return reject(status, message, state != State.REQUEST_LINE && request != null && request.method == Method.HEAD);
    }

    /** {@link #reject(HttpStatus, String)}, telling whether the request refused is a HEAD. */
    boolean reject(HttpStatus status, String message, boolean head) {
        errorForHead = head;
        state = State.FAILED;
        errorStatus = status;
        errorMessage = message;
        BodySink sink = parsers == null ? null : parsers.framing.close();
        if (sink != null) {
            sink.fail(new BodyException(status, message));
            if (sink instanceof BodySink.Stream) {
                errorStatus = null;
            }
        }
        return false;
    }

    /** For tests: the capacity of the buffer that holds an incomplete request, or 0. */
    int cumulationCapacity() {
        return cumulation.capacity();
    }

    /** For tests: the parsers this decoder holds now, or null between requests. */
    Parsers parsers() {
        return parsers;
    }

    private void releaseReturnedBody() {
        returnedBody.release();
        returnedBody = null;
    }
}
