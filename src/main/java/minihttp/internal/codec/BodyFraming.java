package minihttp.internal.codec;

import static minihttp.internal.codec.Ascii.CR;
import static minihttp.internal.codec.Ascii.LF;

import io.netty.buffer.ByteBuf;
import minihttp.http.HttpStatus;
import minihttp.internal.codec.RequestDecoder.State;
import minihttp.server.Limits;

/**
 * The stages of a body that goes into a {@link BodySink}: a streamed Content-Length body, or a chunked body
 * (RFC 9112 section 7.1): {@code chunk-size [chunk-ext] CRLF}, the data, its CRLF, again, until a zero size; then
 * trailer fields, checked like headers and dropped, up to an empty line. Each stage takes what the read holds and
 * returns the next {@link State}: {@link State#REQUEST_LINE} when the body is complete, null when more input is
 * needed or the input was rejected. Every line of chunked framing must end in CRLF (see {@link HeadParser}).
 */
final class BodyFraming {

    /** A chunk-size line, extensions included: generous, but bounded so that a client cannot make us buffer. */
    private static final int MAX_CHUNK_LINE = 4096;
    /** Hex digits of a chunk size after its leading zeros: 15 stay below Long.MAX_VALUE, so it cannot overflow. */
    private static final int MAX_CHUNK_SIZE_DIGITS = 15;
    private static final int CRLF_LENGTH = 2;

    private RequestDecoder decoder; // rejects malformed input: the decoder these parsers serve now
    private Limits limits;
    private final Window window;
    private final HeadParser head;        // checks trailer field lines

    private BodySink sink;   // where the body being framed goes, or null
    private long remaining;  // bytes left of a Content-Length body or of the current chunk
    private int trailerBytes;
    private boolean started; // bytes of the body (or its first chunk-size line) have arrived

    BodyFraming(RequestDecoder decoder, Limits limits, Window window, HeadParser head) {
        this.decoder = decoder;
        this.limits = limits;
        this.window = window;
        this.head = head;
    }

    /** Serves {@code decoder} from now on (see {@link Parsers}). */
    void bind(RequestDecoder decoder, Limits limits) {
        this.decoder = decoder;
        this.limits = limits;
    }

    /** Starts framing a body into {@code sink}: {@code length} bytes, or chunked when -1. */
    void open(BodySink sink, long length) {
        this.sink = sink;
        remaining = Math.max(length, 0);
        trailerBytes = 0;
        started = false;
    }

    /** The sink of the body being framed, or null. */
    BodySink sink() {
        return sink;
    }

    /** Stops framing: returns the sink, which the caller completes or fails, or null if there was none. */
    BodySink close() {
        BodySink s = sink;
        sink = null;
        return s;
    }

    /** Whether bytes of the body (or its first chunk-size line) have arrived: a 100 Continue would come too late. */
    boolean started() {
        return started;
    }

    /** A streamed Content-Length body: pushes whatever of it this read holds. */
    State fixedLength(ByteBuf buf) {
        int n = (int) Math.min(remaining, buf.readableBytes());
        if (n > 0) {
            started = true;
            sink.write(buf, n);
            remaining -= n;
        }
        return remaining > 0 ? null : State.REQUEST_LINE;
    }

    /** {@code chunk-size [chunk-ext] CRLF}: hex digits, then extensions, which are checked and ignored. */
    State chunkSize(ByteBuf buf) {
        int from = buf.readerIndex();
        int lf = window.lineFeed(from, MAX_CHUNK_LINE + 1);
        if (lf < 0) {
            return buf.readableBytes() > MAX_CHUNK_LINE ? reject(HttpStatus.BAD_REQUEST, "chunk size line too long")
                    : null;
        }
        started = true;
        byte[] w = window.bytes();
        int start = window.index(from);
        int end = window.index(lf) - 1;
        if (!window.endsInCrlf(start, end + 1)) {
            return reject(HttpStatus.BAD_REQUEST, "chunk size line not ended by CRLF");
        }
        long size = 0;
        int i = start;
        int significant = 0; // 1*HEXDIG: leading zeros are allowed, and only the value is bounded
        for (int digit; i < end && (digit = Ascii.hexValue(w[i])) >= 0; i++) {
            if ((size != 0 || digit != 0) && ++significant > MAX_CHUNK_SIZE_DIGITS) {
                return reject(HttpStatus.BAD_REQUEST, "chunk size too large");
            }
            size = size << 4 | digit;
        }
        if (i == start) {
            return reject(HttpStatus.BAD_REQUEST, "malformed chunk size");
        }
        if (i < end && !validChunkExtensions(w, i, end)) {
            return reject(HttpStatus.BAD_REQUEST, "malformed chunk extension");
        }
        buf.readerIndex(lf + 1);
        if (size == 0) {
            return State.TRAILERS;
        }
        if (!sink.fits(size)) {
            return reject(HttpStatus.CONTENT_TOO_LARGE, "request body too large");
        }
        remaining = size;
        return State.CHUNK_DATA;
    }

    /**
     * {@code chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )}, the name a token and the
     * value a token or a quoted-string (RFC 9112 section 7.1.1), exactly: no extension is understood, but one that
     * another parser could read differently must not pass.
     */
    private static boolean validChunkExtensions(byte[] w, int from, int end) {
        int i = from;
        while (i < end) {
            i = Ascii.skipWhitespace(w, i, end);
            if (i == end || w[i] != ';') {
                return false;
            }
            int name = Ascii.skipWhitespace(w, i + 1, end);
            i = Ascii.tokenEnd(w, name, end);
            if (i == name) {
                return false;
            }
            int equals = Ascii.skipWhitespace(w, i, end);
            if (equals < end && w[equals] == '=') {
                int value = Ascii.skipWhitespace(w, equals + 1, end);
                i = value < end && w[value] == '"' ? Ascii.quotedStringEnd(w, value, end)
                        : Ascii.tokenEnd(w, value, end);
                if (i <= value) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Chunk data, into the sink as far as this read goes. */
    State chunkData(ByteBuf buf) {
        int n = (int) Math.min(remaining, buf.readableBytes());
        if (n == 0) {
            return null;
        }
        sink.write(buf, n);
        remaining -= n;
        return remaining > 0 ? null : State.CHUNK_END;
    }

    /** The CRLF that must follow chunk data. */
    State chunkEnd(ByteBuf buf) {
        if (buf.readableBytes() < CRLF_LENGTH) {
            return null;
        }
        int i = buf.readerIndex();
        if (buf.getByte(i) != CR || buf.getByte(i + 1) != LF) {
            return reject(HttpStatus.BAD_REQUEST, "chunk data not followed by CRLF");
        }
        buf.readerIndex(i + CRLF_LENGTH);
        return State.CHUNK_SIZE;
    }

    /** One trailer field, checked like a header and dropped, or the empty line that ends the body. */
    State trailerLine(ByteBuf buf) {
        int from = buf.readerIndex();
        int room = limits.maxHeaderBytes() - trailerBytes;
        int lf = window.lineFeed(from, room);
        if (lf < 0) {
            return buf.writerIndex() - from > room ? reject(HttpStatus.HEADERS_TOO_LARGE, "trailer section too large")
                    : null;
        }
        int start = window.index(from);
        int end = window.index(lf) - 1;
        if (!window.endsInCrlf(start, end + 1)) {
            return reject(HttpStatus.BAD_REQUEST, "trailer line not ended by CRLF");
        }
        trailerBytes += lf + 1 - from;
        buf.readerIndex(lf + 1);
        if (end == start) {
            return State.REQUEST_LINE; // the body is complete
        }
        return head.fieldLine(window.bytes(), start, end) < 0 ? null : State.TRAILERS;
    }

    private State reject(HttpStatus status, String message) {
        decoder.reject(status, message);
        return null;
    }
}
