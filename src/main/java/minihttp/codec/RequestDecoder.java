package minihttp.codec;

import static minihttp.codec.Ascii.COLON;
import static minihttp.codec.Ascii.CR;
import static minihttp.codec.Ascii.LF;
import static minihttp.codec.Ascii.SP;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Decodes the pipelined HTTP/1.x requests of one connection (RFC 9112) from the buffers of its reads.
 *
 * <p>An explicit state machine, line by line: {@code REQUEST_LINE -> HEADERS -> BODY -> REQUEST_LINE}. Each
 * read is {@link #feed fed}, then {@link #poll polled} until it returns {@code null}, then {@link #endRead
 * ended}. Requests are views into the read's own buffer; only the bytes of a request that a read leaves
 * incomplete are copied, into a cumulation buffer that the next read is appended to. Every line is visited
 * once, so a request split at any byte costs no rescanning beyond its unfinished line. On malformed input
 * the decoder stops for good and reports the status to answer with.
 */
public final class RequestDecoder {

    /** What a client may send before the decoder answers with an error status instead. */
    public record Limits(int maxRequestLine, int maxHeaderBytes, int maxHeaders, int maxBody) {
        /** 8 KiB request line (414), 16 KiB of headers or 100 of them (431), 1 MiB of body (413). */
        public static final Limits DEFAULT = new Limits(8 * 1024, 16 * 1024, 100, 1024 * 1024);
    }

    private enum State { REQUEST_LINE, HEADERS, BODY, FAILED }

    private static final long HTTP_1_1 = 0x485454502F312E31L; // "HTTP/1.1" read as one big-endian long
    private static final long HTTP_1_0 = 0x485454502F312E30L; // "HTTP/1.0"
    private static final int VERSION_LENGTH = 8;
    /** {@code M / HTTP/1.1}: a one-byte method and target, two spaces and the version. */
    private static final int MIN_REQUEST_LINE = 1 + 1 + 1 + 1 + VERSION_LENGTH;
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18; // below Long.MAX_VALUE, so parsing cannot overflow
    private static final int MIN_CUMULATION = 256;
    private static final String CLOSE = "close";
    private static final String KEEP_ALIVE = "keep-alive";

    private final ByteBufAllocator alloc;
    private final Limits limits;

    private ByteBuf cumulation; // owned: the start of a request that an earlier read left incomplete
    private ByteBuf buf;        // the bytes of this read: the read's own buffer, or the cumulation
    private State state = State.REQUEST_LINE;
    private int scan;           // where the next unread line starts, relative to buf.readerIndex()
    private int headersStart;   // where the header block starts, relative to buf.readerIndex()
    private Request request = new Request();

    // Framing facts gathered from the headers of the request being decoded.
    private long contentLength;
    private boolean transferEncoding;
    private int hostCount;
    private boolean connectionClose;
    private boolean connectionKeepAlive;

    private HttpStatus errorStatus;
    private String errorMessage;

    public RequestDecoder(ByteBufAllocator alloc, Limits limits) {
        this.alloc = alloc;
        this.limits = limits;
    }

    /** Starts decoding the bytes of a read; {@code in} stays owned by the caller and must live until {@link #endRead}. */
    public void feed(ByteBuf in) {
        if (cumulation == null) {
            buf = in;
        } else {
            cumulation.writeBytes(in);
            buf = cumulation;
        }
    }

    /**
     * The next complete request of this read, or {@code null} when more bytes are needed or the input is
     * malformed ({@link #failed()}). The returned object is reused by the next call unless {@link #detach()}
     * is called first.
     */
    public Request poll() {
        if (buf == null) {
            return null;
        }
        for (;;) {
            switch (state) {
                case REQUEST_LINE -> {
                    if (!requestLine()) {
                        return null;
                    }
                }
                case HEADERS -> {
                    if (!headerLine()) {
                        return null;
                    }
                }
                case BODY -> {
                    return body();
                }
                case FAILED -> {
                    return null;
                }
            }
        }
    }

    /**
     * Hands the request last polled over to the caller for good: the decoder fills a new one next. Returns the
     * buffer the request reads, which the caller must retain if the request is to outlive this read.
     */
    public ByteBuf detach() {
        ByteBuf bytes = request.buf;
        request = new Request();
        return bytes;
    }

    /** Ends a read: keeps the bytes of an incomplete request, in a buffer of the decoder's own. */
    public void endRead() {
        ByteBuf b = buf;
        buf = null;
        if (b == null) {
            return;
        }
        if (state == State.FAILED) {
            release();
            return;
        }
        if (b == cumulation) {
            if (!b.isReadable()) {
                cumulation = null;
                b.release();
            } else if (b.refCnt() > 1) {
                // A detached request still reads these bytes, so they must not move: start a new cumulation.
                cumulation = copyOf(b);
                b.release();
            } else {
                b.discardSomeReadBytes();
            }
        } else if (b.isReadable()) {
            cumulation = copyOf(b);
        }
    }

    /** Whether decoding stopped on malformed input; the connection answers {@link #errorStatus()} and closes. */
    public boolean failed() {
        return state == State.FAILED;
    }

    public HttpStatus errorStatus() {
        return errorStatus;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /** Whether bytes of an unfinished request are waiting for more input. */
    public boolean hasPartialRequest() {
        return cumulation != null && cumulation.isReadable();
    }

    /** Whether the head of the current request is done and its body is still arriving. */
    public boolean readingBody() {
        return state == State.BODY;
    }

    /** Releases what the decoder holds; called once when the connection ends. */
    public void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    private boolean requestLine() {
        int from = buf.readerIndex();
        int lf = buf.indexOf(from, buf.writerIndex(), LF);
        if (lf < 0) {
            if (buf.readableBytes() > limits.maxRequestLine()) {
                fail(HttpStatus.URI_TOO_LONG, "request line too long");
            }
            return false;
        }
        int end = lineEnd(from, lf);
        if (end == from) {
            buf.readerIndex(lf + 1); // empty lines before a request line are ignored (RFC 9112 section 2.2)
            return true;
        }
        if (end - from > limits.maxRequestLine()) {
            return fail(HttpStatus.URI_TOO_LONG, "request line too long");
        }
        if (end - from < MIN_REQUEST_LINE) {
            return fail(HttpStatus.BAD_REQUEST, "malformed request line");
        }
        int methodEnd = buf.indexOf(from, end, SP);
        if (methodEnd <= from || Ascii.invalidToken(buf, from, methodEnd) >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "malformed request line");
        }
        // The version has a fixed length, so the target is everything between the method and it.
        int versionStart = end - VERSION_LENGTH;
        int targetStart = methodEnd + 1;
        int targetEnd = versionStart - 1;
        if (targetEnd <= targetStart || buf.getByte(targetEnd) != SP
                || Ascii.invalidTarget(buf, targetStart, targetEnd) >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "malformed request target");
        }
        long version = buf.getLong(versionStart);
        if (version != HTTP_1_1 && version != HTTP_1_0) {
            return isHttpVersion(versionStart)
                    ? fail(HttpStatus.VERSION_NOT_SUPPORTED, "only HTTP/1.1 and HTTP/1.0 are supported")
                    : fail(HttpStatus.BAD_REQUEST, "malformed HTTP version");
        }

        Request r = request;
        r.reset();
        r.method = Method.of(buf, from, methodEnd - from);
        r.methodEnd = methodEnd - from;
        r.targetStart = targetStart - from;
        r.targetEnd = targetEnd - from;
        int query = buf.indexOf(targetStart, targetEnd, (byte) '?');
        r.queryStart = query < 0 ? -1 : query - from;
        r.http11 = version == HTTP_1_1;

        contentLength = -1;
        transferEncoding = false;
        hostCount = 0;
        connectionClose = false;
        connectionKeepAlive = false;
        scan = lf + 1 - from;
        headersStart = scan;
        state = State.HEADERS;
        return true;
    }

    private boolean headerLine() {
        int base = buf.readerIndex();
        int from = base + scan;
        int lf = buf.indexOf(from, buf.writerIndex(), LF);
        int blockEnd = lf < 0 ? buf.writerIndex() : lf + 1;
        if (blockEnd - base - headersStart > limits.maxHeaderBytes()) {
            return fail(HttpStatus.HEADERS_TOO_LARGE, "header block too large");
        }
        if (lf < 0) {
            return false;
        }
        int end = lineEnd(from, lf);
        scan = lf + 1 - base;
        if (end == from) {
            return endOfHeaders();
        }
        if (Ascii.isWhitespace(buf.getByte(from))) {
            return fail(HttpStatus.BAD_REQUEST, "obsolete line folding or whitespace before a header");
        }
        int colon = buf.indexOf(from, end, COLON);
        if (colon <= from || Ascii.invalidToken(buf, from, colon) >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "malformed header name");
        }
        int valueStart = colon + 1;
        int valueEnd = end;
        while (valueStart < valueEnd && Ascii.isWhitespace(buf.getByte(valueStart))) {
            valueStart++;
        }
        while (valueEnd > valueStart && Ascii.isWhitespace(buf.getByte(valueEnd - 1))) {
            valueEnd--;
        }
        if (Ascii.invalidFieldValue(buf, valueStart, valueEnd) >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "invalid character in header value");
        }
        if (request.headerCount == limits.maxHeaders()) {
            return fail(HttpStatus.HEADERS_TOO_LARGE, "too many headers");
        }
        request.addHeader(from - base, colon - base, valueStart - base, valueEnd - base);
        return framingHeader(from, colon - from, valueStart, valueEnd);
    }

    /** Notes the headers that decide framing and connection reuse; others pass through untouched. */
    private boolean framingHeader(int name, int nameLength, int valueStart, int valueEnd) {
        switch (nameLength) {
            case 4 -> {
                if (Ascii.regionMatches(buf, name, "host", true)) {
                    hostCount++;
                }
            }
            case 10 -> {
                if (Ascii.regionMatches(buf, name, "connection", true)) {
                    connection(valueStart, valueEnd);
                }
            }
            case 14 -> {
                if (Ascii.regionMatches(buf, name, "content-length", true)) {
                    return contentLength(valueStart, valueEnd);
                }
            }
            case 17 -> {
                if (Ascii.regionMatches(buf, name, "transfer-encoding", true)) {
                    transferEncoding = true;
                }
            }
            default -> { }
        }
        return true;
    }

    /** Notes the {@code close} and {@code keep-alive} options; a value that is just one of them is read at once. */
    private void connection(int valueStart, int valueEnd) {
        int length = valueEnd - valueStart;
        if (length == KEEP_ALIVE.length() && Ascii.regionMatches(buf, valueStart, KEEP_ALIVE, true)) {
            connectionKeepAlive = true;
        } else if (length == CLOSE.length() && Ascii.regionMatches(buf, valueStart, CLOSE, true)) {
            connectionClose = true;
        } else {
            connectionClose |= Ascii.listContains(buf, valueStart, valueEnd, CLOSE);
            connectionKeepAlive |= Ascii.listContains(buf, valueStart, valueEnd, KEEP_ALIVE);
        }
    }

    /** Content-Length is 1*DIGIT, once; anything else could be read two ways, so it is refused (RFC 9112 6.3). */
    private boolean contentLength(int valueStart, int valueEnd) {
        int digits = valueEnd - valueStart;
        if (contentLength >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "duplicate Content-Length");
        }
        if (digits == 0 || digits > MAX_CONTENT_LENGTH_DIGITS) {
            return fail(HttpStatus.BAD_REQUEST, "invalid Content-Length");
        }
        long value = 0;
        for (int i = valueStart; i < valueEnd; i++) {
            int d = buf.getByte(i) - '0';
            if (d < 0 || d > 9) {
                return fail(HttpStatus.BAD_REQUEST, "invalid Content-Length");
            }
            value = value * 10 + d;
        }
        contentLength = value;
        return true;
    }

    private boolean endOfHeaders() {
        if (transferEncoding) {
            return contentLength >= 0
                    ? fail(HttpStatus.BAD_REQUEST, "both Transfer-Encoding and Content-Length")
                    : fail(HttpStatus.NOT_IMPLEMENTED, "Transfer-Encoding is not supported");
        }
        Request r = request;
        if (r.http11 && hostCount != 1) {
            return fail(HttpStatus.BAD_REQUEST, hostCount == 0 ? "missing Host header" : "duplicate Host header");
        }
        if (contentLength > limits.maxBody()) {
            return fail(HttpStatus.CONTENT_TOO_LARGE, "request body too large");
        }
        r.keepAlive = !connectionClose && (r.http11 || connectionKeepAlive);
        r.bodyStart = scan;
        r.bodyLength = contentLength < 0 ? 0 : (int) contentLength;
        state = State.BODY;
        return true;
    }

    private Request body() {
        Request r = request;
        int base = buf.readerIndex();
        int length = r.bodyStart + r.bodyLength;
        if (buf.readableBytes() < length) {
            return null;
        }
        r.buf = buf;
        r.start = base;
        buf.readerIndex(base + length);
        scan = 0;
        state = State.REQUEST_LINE;
        return r;
    }

    /** The end of a line's content: before CRLF, or before a bare LF, which RFC 9112 section 2.2 lets us accept. */
    private int lineEnd(int from, int lf) {
        return lf > from && buf.getByte(lf - 1) == CR ? lf - 1 : lf;
    }

    /** {@code HTTP/DIGIT.DIGIT}: a well-formed version that is not ours earns 505 rather than 400. */
    private boolean isHttpVersion(int i) {
        return Ascii.regionMatches(buf, i, "HTTP/", false)
                && Character.isDigit(buf.getByte(i + 5)) && buf.getByte(i + 6) == '.'
                && Character.isDigit(buf.getByte(i + 7));
    }

    private boolean fail(HttpStatus status, String message) {
        state = State.FAILED;
        errorStatus = status;
        errorMessage = message;
        return false;
    }

    private ByteBuf copyOf(ByteBuf b) {
        int length = b.readableBytes();
        ByteBuf copy = alloc.buffer(Math.max(length, MIN_CUMULATION));
        copy.writeBytes(b, b.readerIndex(), length);
        return copy;
    }
}
