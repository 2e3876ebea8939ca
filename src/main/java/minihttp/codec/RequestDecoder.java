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
    private static final long HTTP_SLASH = 0x485454502F000000L; // "HTTP/" in the high five bytes of a long
    private static final long HTTP_SLASH_MASK = 0xFFFFFFFFFF000000L;
    private static final int VERSION_LENGTH = 8;
    /** {@code M / HTTP/1.1}: a one-byte method and target, two spaces and the version. */
    private static final int MIN_REQUEST_LINE = 1 + 1 + 1 + 1 + VERSION_LENGTH;
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18; // below Long.MAX_VALUE, so parsing cannot overflow
    private static final int MIN_CUMULATION = 256;
    /** Room for many pipelined request heads, so that one copy serves them all. */
    private static final int INITIAL_WINDOW = 4096;
    // The names and values the decoder looks for, as bytes (see Ascii#name).
    private static final byte[] HOST = Ascii.name("host");
    private static final byte[] CONNECTION = Ascii.name("connection");
    private static final byte[] CONTENT_LENGTH = Ascii.name("content-length");
    private static final byte[] TRANSFER_ENCODING = Ascii.name("transfer-encoding");
    private static final byte[] CLOSE = Ascii.name("close");
    private static final byte[] KEEP_ALIVE = Ascii.name("keep-alive");

    private final ByteBufAllocator alloc;
    private final Limits limits;

    private ByteBuf cumulation; // owned: the start of a request that an earlier read left incomplete
    private ByteBuf buf;        // the bytes of this read: the read's own buffer, or the cumulation
    private State state = State.REQUEST_LINE;
    private int scan;           // where the next unread line starts, relative to buf.readerIndex()
    private int headersStart;   // where the header block starts, relative to buf.readerIndex()
    private Request request = new Request();
    private byte[] window = new byte[INITIAL_WINDOW]; // input bytes [windowStart, windowEnd), see lineFeed
    private int windowStart;
    private int windowEnd;

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
        windowEnd = windowStart; // the window mirrors the previous read's buffer
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
        windowEnd = windowStart;
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
        int lf = lineFeed(from, limits.maxRequestLine());
        if (lf < 0) {
            if (buf.readableBytes() > limits.maxRequestLine()) {
                fail(HttpStatus.URI_TOO_LONG, "request line too long");
            }
            return false;
        }
        byte[] w = window;
        int start = from - windowStart;
        int end = lineEnd(start, lf - windowStart);
        if (end == start) {
            buf.readerIndex(lf + 1); // empty lines before a request line are ignored (RFC 9112 section 2.2)
            return true;
        }
        if (end - start > limits.maxRequestLine()) {
            return fail(HttpStatus.URI_TOO_LONG, "request line too long");
        }
        if (end - start < MIN_REQUEST_LINE) {
            return fail(HttpStatus.BAD_REQUEST, "malformed request line");
        }
        int methodEnd = Ascii.tokenEnd(w, start, end);
        if (methodEnd == start || w[methodEnd] != SP) {
            return fail(HttpStatus.BAD_REQUEST, "malformed request line");
        }
        // The version has a fixed length, so the target is everything between the method and it.
        int versionStart = end - VERSION_LENGTH;
        int targetStart = methodEnd + 1;
        int targetEnd = versionStart - 1;
        if (targetEnd <= targetStart || w[targetEnd] != SP || Ascii.invalidTarget(w, targetStart, targetEnd) >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "malformed request target");
        }
        long version = Ascii.word(w, versionStart);
        if (version != HTTP_1_1 && version != HTTP_1_0) {
            return isHttpVersion(w, versionStart, version)
                    ? fail(HttpStatus.VERSION_NOT_SUPPORTED, "only HTTP/1.1 and HTTP/1.0 are supported")
                    : fail(HttpStatus.BAD_REQUEST, "malformed HTTP version");
        }

        Request r = request;
        r.reset();
        r.method = Method.of(w, start, methodEnd);
        r.methodEnd = methodEnd - start;
        r.targetStart = targetStart - start;
        r.targetEnd = targetEnd - start;
        int query = Ascii.indexOf(w, targetStart, targetEnd, (byte) '?');
        r.queryStart = query < 0 ? -1 : query - start;
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
        int room = limits.maxHeaderBytes() - (scan - headersStart); // what the block may still take
        int lf = lineFeed(from, room);
        if (lf < 0) {
            return buf.writerIndex() - from > room && fail(HttpStatus.HEADERS_TOO_LARGE, "header block too large");
        }
        scan = lf + 1 - base;
        byte[] w = window;
        int start = from - windowStart;
        int end = lineEnd(start, lf - windowStart);
        if (end == start) {
            return endOfHeaders();
        }
        if (Ascii.isWhitespace(w[start])) {
            return fail(HttpStatus.BAD_REQUEST, "obsolete line folding or whitespace before a header");
        }
        int colon = Ascii.tokenEnd(w, start, end);
        if (colon == start || colon == end || w[colon] != COLON) {
            return fail(HttpStatus.BAD_REQUEST, "malformed header name");
        }
        int valueStart = colon + 1;
        int valueEnd = end;
        while (valueStart < valueEnd && Ascii.isWhitespace(w[valueStart])) {
            valueStart++;
        }
        while (valueEnd > valueStart && Ascii.isWhitespace(w[valueEnd - 1])) {
            valueEnd--;
        }
        if (Ascii.invalidFieldValue(w, valueStart, valueEnd) >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "invalid character in header value");
        }
        if (request.headerCount == limits.maxHeaders()) {
            return fail(HttpStatus.HEADERS_TOO_LARGE, "too many headers");
        }
        int offset = windowStart - base; // from window indices to request offsets
        request.addHeader(start + offset, colon + offset, valueStart + offset, valueEnd + offset);
        return framingHeader(w, start, colon, valueStart, valueEnd);
    }

    /** Notes the headers that decide framing and connection reuse; others pass through untouched. */
    private boolean framingHeader(byte[] w, int name, int nameEnd, int valueStart, int valueEnd) {
        switch (nameEnd - name) {
            case 4 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, HOST)) {
                    hostCount++;
                }
            }
            case 10 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, CONNECTION)) {
                    connection(w, valueStart, valueEnd);
                }
            }
            case 14 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, CONTENT_LENGTH)) {
                    return contentLength(w, valueStart, valueEnd);
                }
            }
            case 17 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, TRANSFER_ENCODING)) {
                    transferEncoding = true;
                }
            }
            default -> { }
        }
        return true;
    }

    /** Notes the {@code close} and {@code keep-alive} options; a value that is just one of them is read at once. */
    private void connection(byte[] l, int valueStart, int valueEnd) {
        if (Ascii.equalsIgnoreCase(l, valueStart, valueEnd, KEEP_ALIVE)) {
            connectionKeepAlive = true;
        } else if (Ascii.equalsIgnoreCase(l, valueStart, valueEnd, CLOSE)) {
            connectionClose = true;
        } else {
            connectionClose |= Ascii.listContains(l, valueStart, valueEnd, CLOSE);
            connectionKeepAlive |= Ascii.listContains(l, valueStart, valueEnd, KEEP_ALIVE);
        }
    }

    /** Content-Length is 1*DIGIT, once; anything else could be read two ways, so it is refused (RFC 9112 6.3). */
    private boolean contentLength(byte[] l, int valueStart, int valueEnd) {
        int digits = valueEnd - valueStart;
        if (contentLength >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "duplicate Content-Length");
        }
        if (digits == 0 || digits > MAX_CONTENT_LENGTH_DIGITS) {
            return fail(HttpStatus.BAD_REQUEST, "invalid Content-Length");
        }
        long value = 0;
        for (int i = valueStart; i < valueEnd; i++) {
            int d = l[i] - '0';
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

    /** The end of a line's content in the window: before CRLF, or before a bare LF (RFC 9112 section 2.2). */
    private int lineEnd(int start, int lf) {
        return lf > start && window[lf - 1] == CR ? lf - 1 : lf;
    }

    /**
     * The index of the first LF in the {@code maxLength + 1} bytes of input from {@code from}, or -1, searched in
     * the window. The window holds a copy of the input from the current line on, refilled when a line runs past
     * it: lines are searched and parsed there, as indexing an array costs a fraction of a call to
     * {@code ByteBuf.getByte} or {@code indexOf} (Netty's {@code HttpObjectDecoder} splits its header lines
     * from a scratch copy too). Requests stay views into the input; one refill usually covers many pipelined
     * requests.
     */
    private int lineFeed(int from, int maxLength) {
        int to = Math.min(buf.writerIndex(), from + maxLength + 1);
        for (;;) {
            if (from >= windowStart && from < windowEnd) {
                int lf = Ascii.indexOf(window, from - windowStart, Math.min(to, windowEnd) - windowStart, LF);
                if (lf >= 0) {
                    return windowStart + lf;
                }
                if (windowEnd >= to) {
                    return -1;
                }
                if (windowStart == from) {
                    window = new byte[window.length * 2]; // the line fills the window: it is long, not endless
                }
            }
            int length = Math.min(buf.writerIndex() - from, window.length);
            if (length == 0) {
                return -1;
            }
            buf.getBytes(from, window, 0, length);
            windowStart = from;
            windowEnd = from + length;
        }
    }

    /** {@code HTTP/DIGIT.DIGIT}: a well-formed version that is not ours earns 505 rather than 400. */
    private static boolean isHttpVersion(byte[] l, int i, long version) {
        return (version & HTTP_SLASH_MASK) == HTTP_SLASH
                && Ascii.isDigit(l[i + 5]) && l[i + 6] == '.' && Ascii.isDigit(l[i + 7]);
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
