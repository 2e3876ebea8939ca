package minihttp.internal.codec;

import static minihttp.internal.codec.Ascii.COLON;
import static minihttp.internal.codec.Ascii.CR;
import static minihttp.internal.codec.Ascii.LF;
import static minihttp.internal.codec.Ascii.SP;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Predicate;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.BodyException;
import minihttp.http.Request;
import minihttp.server.Limits;

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

    private enum State { REQUEST_LINE, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, ENDED, FAILED }

    private static final long HTTP_1_1 = 0x485454502F312E31L; // "HTTP/1.1" read as one big-endian long
    private static final long HTTP_1_0 = 0x485454502F312E30L; // "HTTP/1.0"
    private static final long HTTP_SLASH = 0x485454502F000000L; // "HTTP/" in the high five bytes of a long
    private static final long HTTP_SLASH_MASK = 0xFFFFFFFFFF000000L;
    private static final int VERSION_LENGTH = 8;
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18; // below Long.MAX_VALUE, so parsing cannot overflow
    private static final int MIN_CUMULATION = 256;
    /** A chunk-size line, extensions included: generous, but bounded so that a client cannot make us buffer. */
    private static final int MAX_CHUNK_LINE = 4096;
    /** 15 hex digits stay below Long.MAX_VALUE, so a chunk size cannot overflow; more is refused. */
    private static final int MAX_CHUNK_SIZE_DIGITS = 15;
    private static final int CRLF_LENGTH = 2;
    /**
     * Empty lines taken before a request line (RFC 9112 section 2.2 asks to ignore at least one, which some clients
     * send after a body); past this many the input is no request at all: 400.
     */
    private static final int MAX_LEADING_EMPTY_LINES = 4;
    private static final int MIN_AGGREGATE = 1024;
    // The names and values the decoder looks for, as bytes (see Ascii#name).
    private static final byte[] HOST = Ascii.name("host");
    private static final byte[] CONNECTION = Ascii.name("connection");
    private static final byte[] CONTENT_LENGTH = Ascii.name("content-length");
    private static final byte[] TRANSFER_ENCODING = Ascii.name("transfer-encoding");
    private static final byte[] CLOSE = Ascii.name("close");
    private static final byte[] KEEP_ALIVE = Ascii.name("keep-alive");
    private static final byte[] EXPECT = Ascii.name("expect");
    private static final byte[] CONTINUE = Ascii.name("100-continue");
    private static final byte[] CHUNKED = Ascii.name("chunked");
    private static final byte[] HTTP = Ascii.name("http");
    private static final byte[] HTTPS = Ascii.name("https");

    private final ByteBufAllocator alloc;
    private final Limits limits;
    private final Predicate<Request> streamsBody;
    private final ReadControl readControl;

    private ByteBuf cumulation; // owned: the start of a request that an earlier read left incomplete
    private ByteBuf buf;        // the bytes of this read: the read's own buffer, or the cumulation
    private State state = State.REQUEST_LINE;
    private int leadingEmptyLines; // empty lines taken since the last request line
    private int scan;           // where the next unread line starts, relative to buf.readerIndex()
    private int headersStart;   // where the header block starts, relative to buf.readerIndex()
    private DecodedRequest request = new DecodedRequest();
    private final Window window = new Window();

    // Framing facts gathered from the headers of the request being decoded.
    private long contentLength;
    private boolean transferEncoding;
    private int chunkedCount;       // how many times the Transfer-Encoding list names chunked
    private boolean chunkedLast;    // whether chunked is its last coding
    private boolean unknownCoding;  // whether it names a coding other than chunked
    private int hostCount;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean expectContinue;
    private boolean unmetExpectation; // Expect names something other than 100-continue

    // The body being decoded: how much of it is left, and where it goes.
    private long remaining;          // bytes left of a Content-Length body or of the current chunk
    private int trailerBytes;
    private ByteBuf aggregate;       // owned: head and de-chunked body of a chunked request, while it is decoded
    private ByteBuf returnedBody;    // owned: the aggregate of the request last returned, released on the next call
    private BodyStream stream;       // the streamed body being decoded, or null
    private boolean continueNeeded;  // a 100 Continue is due for the request whose body is awaited
    private boolean closeAfterBody;  // the streamed request ends the connection: decode nothing after its body

    private HttpStatus errorStatus;
    private String errorMessage;

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
        this.alloc = alloc;
        this.limits = limits;
        this.streamsBody = streamsBody;
        this.readControl = readControl;
    }

    /** Starts decoding the bytes of a read; {@code in} stays owned by the caller and must live until {@link #endRead}. */
    public void feed(ByteBuf in) {
        if (cumulation == null) {
            buf = in;
        } else {
            cumulation.writeBytes(in);
            buf = cumulation;
        }
        window.begin(buf);
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
        for (;;) {
            switch (state) {
                case REQUEST_LINE -> {
                    if (!requestLine()) {
                        return null;
                    }
                }
                case HEADERS -> {
                    if (!headerLines()) {
                        return null;
                    }
                    if (stream != null && state != State.HEADERS) {
                        return request; // the head of a request whose body is streamed after it
                    }
                }
                case BODY -> {
                    if (stream == null) {
                        return fixedBody();
                    }
                    if (!streamFixedBody()) {
                        return null;
                    }
                }
                case CHUNK_SIZE -> {
                    if (!chunkSize()) {
                        return null;
                    }
                }
                case CHUNK_DATA -> {
                    if (!chunkData()) {
                        return null;
                    }
                }
                case CHUNK_END -> {
                    if (!chunkEnd()) {
                        return null;
                    }
                }
                case TRAILERS -> {
                    if (!trailerLine()) {
                        return null;
                    }
                    if (state == State.REQUEST_LINE && returnedBody != null) {
                        return request; // the aggregated chunked request is complete
                    }
                }
                case ENDED, FAILED -> {
                    return null;
                }
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
        request = new DecodedRequest();
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
        window.endRead();
        if (returnedBody != null) {
            releaseReturnedBody();
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
     * Whether bytes of an unfinished request are waiting for more input. Empty lines before a request line count:
     * they start no request, but a client that sends only them must be held to the head deadline, not left idle.
     */
    public boolean hasPartialRequest() {
        return state != State.REQUEST_LINE && state != State.FAILED && state != State.ENDED
                || state == State.REQUEST_LINE && leadingEmptyLines > 0
                || cumulation != null && cumulation.isReadable();
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
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (aggregate != null) {
            aggregate.release();
            aggregate = null;
        }
        if (returnedBody != null) {
            releaseReturnedBody();
        }
        if (stream != null) {
            BodyStream s = stream;
            endStream(new BodyException(status, message));
            s.discard();
        }
    }

    /** Whether the body being read is streamed to a service: its request is in the service's hands already. */
    public boolean streamingBody() {
        return stream != null;
    }

    /**
     * {@code method SP request-target SP HTTP-version CRLF}. A line in the window is parsed as it is scanned, its end
     * found where the grammar puts it; only when that fails (the line is not all here, or it is malformed) is the
     * line feed searched for, to tell waiting from an error, and the line parsed again up to it to name the error.
     */
    private boolean requestLine() {
        int from = buf.readerIndex();
        int limit = limits.maxRequestLine() + CRLF_LENGTH;
        int lf = -1;
        if (window.holds(from)) {
            // Within maxRequestLine + 1 bytes, a line that parses is not too long, whichever its line ending.
            int to = Math.min(Math.min(buf.writerIndex(), from + limits.maxRequestLine() + 1), window.end) - window.start;
            lf = parseRequestLine(from - window.start, to, false);
        }
        if (lf < 0) {
            int known = window.lineFeed(from, limit);
            if (known < 0) {
                // + 1: the CR of a line at the limit may already be here without its LF.
                if (buf.readableBytes() > limits.maxRequestLine() + 1) {
                    fail(HttpStatus.URI_TOO_LONG, "request line too long");
                }
                return false;
            }
            int start = from - window.start;
            int end = window.contentEnd(start, known - window.start);
            if (end == start) {
                // Empty lines before a request line are ignored (RFC 9112 section 2.2), a few of them.
                if (++leadingEmptyLines > MAX_LEADING_EMPTY_LINES) {
                    return fail(HttpStatus.BAD_REQUEST, "too many empty lines before the request line");
                }
                buf.readerIndex(known + 1);
                return true;
            }
            if (end - start > limits.maxRequestLine()) {
                return fail(HttpStatus.URI_TOO_LONG, "request line too long");
            }
            lf = parseRequestLine(start, known + 1 - window.start, true);
            if (lf < 0) {
                return false;
            }
        }
        contentLength = -1;
        transferEncoding = false;
        chunkedCount = 0;
        chunkedLast = false;
        unknownCoding = false;
        hostCount = 0;
        connectionClose = false;
        connectionKeepAlive = false;
        expectContinue = false;
        unmetExpectation = false;
        leadingEmptyLines = 0;
        scan = lf + window.start + 1 - from;
        headersStart = scan;
        state = State.HEADERS;
        return true;
    }

    /**
     * Parses the request line at window index {@code start}, which ends within {@code [start, to)}, into the
     * request, and returns the window index of its LF; or returns -1, having failed with the status it earns when
     * {@code report} is set (then {@code to} is just past the line's first LF).
     */
    private int parseRequestLine(int start, int to, boolean report) {
        byte[] w = window.bytes();
        int methodEnd = Ascii.tokenEnd(w, start, to);
        if (methodEnd == start || methodEnd == to || w[methodEnd] != SP) {
            return report ? failed(HttpStatus.BAD_REQUEST, "malformed request line") : -1;
        }
        // The target ends at the first byte that cannot be in it, which must be the SP before the version.
        int targetStart = methodEnd + 1;
        int targetEnd = Ascii.invalidTarget(w, targetStart, to);
        if (targetEnd <= targetStart || w[targetEnd] != SP || targetEnd + 1 + VERSION_LENGTH + 1 > to) {
            if (!report) {
                return -1;
            }
            return failed(HttpStatus.BAD_REQUEST, targetEnd > targetStart && w[targetEnd] == '#'
                    ? "fragment in the request target" : "malformed request target");
        }
        int versionStart = targetEnd + 1;
        long version = Ascii.word(w, versionStart);
        if (version != HTTP_1_1 && version != HTTP_1_0) {
            if (!report) {
                return -1;
            }
            return isHttpVersion(w, versionStart, version)
                    ? failed(HttpStatus.VERSION_NOT_SUPPORTED, "only HTTP/1.1 and HTTP/1.0 are supported")
                    : failed(HttpStatus.BAD_REQUEST, "malformed HTTP version");
        }
        int lf = versionStart + VERSION_LENGTH; // a bare LF, or the CR of a CRLF (RFC 9112 section 2.2)
        if (w[lf] == CR && lf + 1 < to) {
            lf++;
        }
        if (w[lf] != LF) {
            return report ? failed(HttpStatus.BAD_REQUEST, "malformed request line") : -1;
        }

        DecodedRequest r = request;
        r.reset();
        Method method = MethodNames.of(w, start, methodEnd);
        int pathStart = w[targetStart] == '/' ? targetStart // origin-form, the usual
                : otherFormPath(method, w, start, targetStart, targetEnd, report);
        if (pathStart < 0) {
            return -1;
        }
        r.method = method;
        r.methodEnd = methodEnd - start;
        r.targetStart = targetStart - start;
        r.targetEnd = targetEnd - start;
        r.pathStart = pathStart - start;
        int query = Ascii.indexOf(w, pathStart, targetEnd, (byte) '?');
        r.queryStart = query < 0 ? -1 : query - start;
        r.http11 = version == HTTP_1_1;
        return lf;
    }

    /**
     * Where the path starts in a target that is not in origin-form (RFC 9112 section 3.2): after the authority of
     * the absolute-form {@code http://host/path}, which a server must accept and whose authority is noted (it
     * overrides Host); at the target of {@code OPTIONS *}; at any target of CONNECT, whose authority-form is answered
     * 501 like the method. Anything else is -1, failed with 400 when {@code report}.
     */
    private int otherFormPath(Method method, byte[] w, int start, int targetStart, int targetEnd, boolean report) {
        if (method == Method.CONNECT) {
            return targetStart;
        }
        if (targetEnd - targetStart == 1 && w[targetStart] == '*') {
            return method == Method.OPTIONS ? targetStart
                    : report ? failed(HttpStatus.BAD_REQUEST, "the asterisk-form target is for OPTIONS only") : -1;
        }
        int colon = Ascii.indexOf(w, targetStart, targetEnd, COLON);
        int authority = colon + "://".length();
        if (colon <= targetStart || authority > targetEnd || w[colon + 1] != '/' || w[colon + 2] != '/'
                || !Ascii.equalsIgnoreCase(w, targetStart, colon, HTTP)
                        && !Ascii.equalsIgnoreCase(w, targetStart, colon, HTTPS)) {
            return report ? failed(HttpStatus.BAD_REQUEST, "malformed request target") : -1;
        }
        int authorityEnd = authority;
        while (authorityEnd < targetEnd && w[authorityEnd] != '/' && w[authorityEnd] != '?') {
            authorityEnd++;
        }
        if (!Ascii.isHostAndPort(w, authority, authorityEnd)) {
            return report ? failed(HttpStatus.BAD_REQUEST, "invalid authority in the request target") : -1;
        }
        request.authorityStart = authority - start;
        request.authorityEnd = authorityEnd - start;
        return authorityEnd;
    }

    /**
     * The header lines of this read, up to the empty line that ends the block: one call parses them all, as long as
     * they are here. Lines in the window that are clean (a token, a colon and a value without control bytes, HTAB
     * aside) are delimited and validated in one pass each, with the window's bounds read once; any other line
     * (across reads, past the limit, or with a byte that is an error) is taken by {@link #lineFeed} and checked in
     * full.
     */
    private boolean headerLines() {
        int base = buf.readerIndex();
        int blockEnd = base + headersStart + limits.maxHeaderBytes(); // the block may not reach past this input index
        for (;;) {
            if (window.holds(base + scan)) {
                byte[] w = window.bytes();
                int offset = window.start - base; // from window indices to request offsets
                int to = Math.min(Math.min(buf.writerIndex(), blockEnd), window.end) - window.start;
                int start = scan - offset;
                for (;;) {
                    int colon = Ascii.tokenEnd(w, start, to);
                    int lf = colon > start && colon < to && w[colon] == COLON ? cleanValueLineFeed(w, colon + 1, to) : -1;
                    if (lf < 0) {
                        break;
                    }
                    if (!field(w, start, colon, window.contentEnd(start, lf), offset, true)) {
                        return false;
                    }
                    start = lf + 1;
                }
                scan = start + offset;
                if (start + 1 < to && w[start] == CR && w[start + 1] == LF) {
                    scan += CRLF_LENGTH;
                    return endOfHeaders();
                }
            }
            int from = base + scan;
            int lf = window.lineFeed(from, blockEnd - from);
            if (lf < 0) {
                return buf.writerIndex() > blockEnd && fail(HttpStatus.HEADERS_TOO_LARGE, "header block too large");
            }
            scan = lf + 1 - base;
            byte[] w = window.bytes();
            int start = from - window.start;
            int end = window.contentEnd(start, lf - window.start);
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
            if (!field(w, start, colon, end, window.start - base, false)) {
                return false;
            }
        }
    }

    /**
     * Records the field line {@code w[start, end)} whose name ends at {@code colon}, and notes it if it frames the
     * message; {@code offset} turns window indices into request offsets. A value not known to be {@code clean} is
     * checked for bytes that cannot be in one.
     */
    private boolean field(byte[] w, int start, int colon, int end, int offset, boolean clean) {
        int valueStart = colon + 1;
        int valueEnd = end;
        while (valueStart < valueEnd && Ascii.isWhitespace(w[valueStart])) {
            valueStart++;
        }
        while (valueEnd > valueStart && Ascii.isWhitespace(w[valueEnd - 1])) {
            valueEnd--;
        }
        if (!clean && Ascii.invalidFieldValue(w, valueStart, valueEnd) >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "invalid character in header value");
        }
        if (request.headerCount == limits.maxHeaders()) {
            return fail(HttpStatus.HEADERS_TOO_LARGE, "too many headers");
        }
        request.addHeader(start + offset, colon + offset, valueStart + offset, valueEnd + offset);
        return framingHeader(w, start, colon, valueStart, valueEnd);
    }

    /** Notes the headers that decide framing and connection reuse; others pass through untouched. */
    private boolean framingHeader(byte[] w, int name, int nameEnd, int valueStart, int valueEnd) {
        switch (nameEnd - name) {
            case 4 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, HOST)) {
                    hostCount++;
                    if (!Ascii.isHostAndPort(w, valueStart, valueEnd)) {
                        return fail(HttpStatus.BAD_REQUEST, "invalid Host header");
                    }
                }
            }
            case 10 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, CONNECTION)) {
                    connection(w, valueStart, valueEnd);
                }
            }
            case 6 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, EXPECT)) {
                    // 100-continue is the only expectation there is (RFC 9110 section 10.1.1): any other is unmet.
                    int members = Ascii.listMembers(w, valueStart, valueEnd, CONTINUE);
                    expectContinue |= (members & Ascii.LIST_HAS_NAME) != 0;
                    unmetExpectation |= (members & Ascii.LIST_HAS_OTHER) != 0;
                }
            }
            case 14 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, CONTENT_LENGTH)) {
                    return contentLength(w, valueStart, valueEnd);
                }
            }
            case 17 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, TRANSFER_ENCODING)) {
                    transferCodings(w, valueStart, valueEnd);
                }
            }
            default -> { }
        }
        return true;
    }

    /** Notes the {@code close} and {@code keep-alive} options; a value that is just one of them is read at once. */
    private void connection(byte[] w, int valueStart, int valueEnd) {
        if (Ascii.equalsIgnoreCase(w, valueStart, valueEnd, KEEP_ALIVE)) {
            connectionKeepAlive = true;
        } else if (Ascii.equalsIgnoreCase(w, valueStart, valueEnd, CLOSE)) {
            connectionClose = true;
        } else {
            connectionClose |= Ascii.listContains(w, valueStart, valueEnd, CLOSE);
            connectionKeepAlive |= Ascii.listContains(w, valueStart, valueEnd, KEEP_ALIVE);
        }
    }

    /** Content-Length is 1*DIGIT, once; anything else could be read two ways, so it is refused (RFC 9112 6.3). */
    private boolean contentLength(byte[] w, int valueStart, int valueEnd) {
        int digits = valueEnd - valueStart;
        if (contentLength >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "duplicate Content-Length");
        }
        if (digits == 0 || digits > MAX_CONTENT_LENGTH_DIGITS) {
            return fail(HttpStatus.BAD_REQUEST, "invalid Content-Length");
        }
        long value = 0;
        for (int i = valueStart; i < valueEnd; i++) {
            int d = w[i] - '0';
            if (d < 0 || d > 9) {
                return fail(HttpStatus.BAD_REQUEST, "invalid Content-Length");
            }
            value = value * 10 + d;
        }
        contentLength = value;
        return true;
    }

    /**
     * Notes the codings of one Transfer-Encoding field (there may be several, read as one list). Only chunked is
     * implemented, and it must come last, once (RFC 9112 sections 6.1 and 7); which of those failed decides the
     * status at the end of the head.
     */
    private void transferCodings(byte[] w, int from, int to) {
        transferEncoding = true;
        int i = from;
        while (i <= to) {
            int end = Ascii.indexOf(w, i, to, (byte) ',');
            if (end < 0) {
                end = to;
            }
            int s = i;
            int e = end;
            while (s < e && Ascii.isWhitespace(w[s])) {
                s++;
            }
            while (e > s && Ascii.isWhitespace(w[e - 1])) {
                e--;
            }
            if (e > s) { // empty list elements are allowed and mean nothing (RFC 9110 section 5.6.1)
                chunkedLast = Ascii.equalsIgnoreCase(w, s, e, CHUNKED);
                if (chunkedLast) {
                    chunkedCount++;
                } else {
                    unknownCoding = true;
                }
            }
            i = end + 1;
        }
    }

    private boolean endOfHeaders() {
        DecodedRequest r = request;
        if (r.http11 && hostCount != 1) {
            return fail(HttpStatus.BAD_REQUEST, hostCount == 0 ? "missing Host header" : "duplicate Host header");
        }
        if (unmetExpectation) {
            // Closes: the body the client may be sending is not read, and must not be taken for a request.
            return fail(HttpStatus.EXPECTATION_FAILED, "only the 100-continue expectation is supported");
        }
        r.keepAlive = !connectionClose && (r.http11 || connectionKeepAlive);
        r.expectContinue = expectContinue && r.http11; // HTTP/1.0 clients never wait for it (RFC 9110 10.1.1)
        r.bodyStart = scan;
        if (transferEncoding) {
            return chunkedHead();
        }
        if (contentLength <= 0) {
            r.bodyLength = 0;
            state = State.BODY;
            return true;
        }
        r.contentLength = contentLength;
        if (streams()) {
            remaining = contentLength;
            buf.readerIndex(buf.readerIndex() + scan);
            state = State.BODY;
            return true;
        }
        if (contentLength > limits.maxBody()) {
            return fail(HttpStatus.CONTENT_TOO_LARGE, "request body too large");
        }
        r.bodyLength = (int) contentLength;
        continueNeeded = r.expectContinue && buf.readableBytes() == scan;
        state = State.BODY;
        return true;
    }

    /** Validates a Transfer-Encoding (RFC 9112 section 6), then sets up the chunked body it announces. */
    private boolean chunkedHead() {
        DecodedRequest r = request;
        if (contentLength >= 0) {
            return fail(HttpStatus.BAD_REQUEST, "both Transfer-Encoding and Content-Length");
        }
        if (!r.http11) {
            return fail(HttpStatus.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
        }
        if (!chunkedLast || chunkedCount != 1) {
            return fail(HttpStatus.BAD_REQUEST, "Transfer-Encoding must end in chunked, once");
        }
        if (unknownCoding) {
            return fail(HttpStatus.NOT_IMPLEMENTED, "only the chunked transfer coding is supported");
        }
        r.chunked = true;
        r.contentLength = -1;
        trailerBytes = 0;
        if (!streams()) {
            // The body will not be contiguous in the input: copy the head, then each chunk's data, into one buffer.
            aggregate = alloc.buffer(Math.max(scan * 2, MIN_AGGREGATE));
            aggregate.writeBytes(buf, buf.readerIndex(), scan);
        }
        buf.readerIndex(buf.readerIndex() + scan);
        continueNeeded = r.expectContinue && !buf.isReadable();
        state = State.CHUNK_SIZE;
        return true;
    }

    /** Asks the service whether it takes this request's body as a stream; if so, opens the stream. */
    private boolean streams() {
        DecodedRequest r = request;
        r.buf = buf;
        r.start = buf.readerIndex();
        if (!streamsBody.test(r)) {
            return false;
        }
        stream = new BodyStream(readControl);
        r.stream = stream;
        closeAfterBody = !r.keepAlive;
        continueNeeded = r.expectContinue && buf.readableBytes() == scan;
        return true;
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
        scan = 0;
        continueNeeded = false;
        state = State.REQUEST_LINE;
        return r;
    }

    /**
     * The window index of the LF that ends a clean field value starting at {@code i}: one with no control byte but
     * HTAB before its CRLF (or bare LF), found before {@code to}; else -1.
     */
    private static int cleanValueLineFeed(byte[] w, int i, int to) {
        for (;;) {
            i = Ascii.firstControl(w, i, to);
            if (i < 0) {
                return -1;
            }
            byte b = w[i];
            if (b == LF) {
                return i;
            }
            if (b == CR) {
                return i + 1 < to && w[i + 1] == LF ? i + 1 : -1;
            }
            if (b != Ascii.HTAB) {
                return -1;
            }
            i++;
        }
    }

    /** A streamed Content-Length body: pushes whatever of it this read holds. */
    private boolean streamFixedBody() {
        int n = (int) Math.min(remaining, buf.readableBytes());
        if (n > 0) {
            continueNeeded = false;
            stream.next(buf.readRetainedSlice(n));
            remaining -= n;
        }
        if (remaining > 0) {
            return false;
        }
        endStream(null);
        scan = 0;
        state = closeAfterBody ? State.ENDED : State.REQUEST_LINE;
        return true;
    }

    /** {@code chunk-size [chunk-ext] CRLF}: hex digits, then extensions, which are checked and ignored. */
    private boolean chunkSize() {
        int from = buf.readerIndex();
        int lf = window.lineFeed(from, MAX_CHUNK_LINE + 1);
        if (lf < 0) {
            return buf.readableBytes() > MAX_CHUNK_LINE ? bodyFail(HttpStatus.BAD_REQUEST, "chunk size line too long")
                    : false;
        }
        continueNeeded = false;
        byte[] w = window.bytes();
        int start = from - window.start;
        int end = lf - window.start - 1;
        if (end < start || w[end] != CR) {
            return bodyFail(HttpStatus.BAD_REQUEST, "chunk size line not ended by CRLF");
        }
        long size = 0;
        int i = start;
        for (int digit; i < end && (digit = Ascii.hexValue(w[i])) >= 0; i++) {
            if (i - start == MAX_CHUNK_SIZE_DIGITS) {
                return bodyFail(HttpStatus.BAD_REQUEST, "chunk size too large");
            }
            size = size << 4 | digit;
        }
        if (i == start) {
            return bodyFail(HttpStatus.BAD_REQUEST, "malformed chunk size");
        }
        if (i < end && !validChunkExtensions(w, i, end)) {
            return bodyFail(HttpStatus.BAD_REQUEST, "malformed chunk extension");
        }
        buf.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
            return true;
        }
        if (aggregate != null && aggregate.writerIndex() - request.bodyStart + size > limits.maxBody()) {
            return bodyFail(HttpStatus.CONTENT_TOO_LARGE, "request body too large");
        }
        remaining = size;
        state = State.CHUNK_DATA;
        return true;
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

    /** Chunk data: appended to the aggregate, or pushed to the stream, as far as this read goes. */
    private boolean chunkData() {
        int n = (int) Math.min(remaining, buf.readableBytes());
        if (n == 0) {
            return false;
        }
        if (stream != null) {
            stream.next(buf.readRetainedSlice(n));
        } else {
            aggregate.writeBytes(buf, n);
        }
        remaining -= n;
        if (remaining > 0) {
            return false;
        }
        state = State.CHUNK_END;
        return true;
    }

    /** The CRLF that must follow chunk data. */
    private boolean chunkEnd() {
        if (buf.readableBytes() < CRLF_LENGTH) {
            return false;
        }
        int i = buf.readerIndex();
        if (buf.getByte(i) != CR || buf.getByte(i + 1) != LF) {
            return bodyFail(HttpStatus.BAD_REQUEST, "chunk data not followed by CRLF");
        }
        buf.readerIndex(i + CRLF_LENGTH);
        state = State.CHUNK_SIZE;
        return true;
    }

    /** One trailer field, checked like a header and dropped, or the empty line that ends the body. */
    private boolean trailerLine() {
        int from = buf.readerIndex();
        int room = limits.maxHeaderBytes() - trailerBytes;
        int lf = window.lineFeed(from, room);
        if (lf < 0) {
            return buf.writerIndex() - from > room && bodyFail(HttpStatus.HEADERS_TOO_LARGE, "trailer section too large");
        }
        byte[] w = window.bytes();
        int start = from - window.start;
        int end = lf - window.start - 1;
        if (end < start || w[end] != CR) {
            return bodyFail(HttpStatus.BAD_REQUEST, "trailer line not ended by CRLF");
        }
        trailerBytes += lf + 1 - from;
        buf.readerIndex(lf + 1);
        if (end > start) {
            int colon = Ascii.tokenEnd(w, start, end);
            if (colon == start || colon == end || w[colon] != COLON || Ascii.invalidFieldValue(w, colon + 1, end) >= 0) {
                return bodyFail(HttpStatus.BAD_REQUEST, "malformed trailer field");
            }
            return true;
        }
        scan = 0;
        state = State.REQUEST_LINE;
        if (stream != null) {
            endStream(null);
            state = closeAfterBody ? State.ENDED : State.REQUEST_LINE;
            return true;
        }
        DecodedRequest r = request;
        r.buf = aggregate;
        r.start = 0;
        r.bodyLength = aggregate.writerIndex() - r.bodyStart;
        returnedBody = aggregate;
        aggregate = null;
        return true;
    }

    /**
     * Fails on malformed body framing. A streamed body's request was handed out already: its stream fails with the
     * status, its service answers, and the decoder leaves {@link #errorStatus()} null so it is not answered twice.
     */
    private boolean bodyFail(HttpStatus status, String message) {
        fail(status, message);
        if (stream != null) {
            endStream(new BodyException(status, message));
            errorStatus = null;
        }
        if (aggregate != null) {
            aggregate.release();
            aggregate = null;
        }
        return false;
    }

    /** Completes the streamed body, or fails it with {@code error}. */
    private void endStream(BodyException error) {
        BodyStream s = stream;
        stream = null;
        if (error == null) {
            s.complete();
        } else {
            s.fail(error);
        }
    }

    private void releaseReturnedBody() {
        returnedBody.release();
        returnedBody = null;
    }

    /** {@code HTTP/DIGIT.DIGIT}: a well-formed version that is not ours earns 505 rather than 400. */
    private static boolean isHttpVersion(byte[] w, int i, long version) {
        return (version & HTTP_SLASH_MASK) == HTTP_SLASH
                && Ascii.isDigit(w[i + 5]) && w[i + 6] == '.' && Ascii.isDigit(w[i + 7]);
    }

    /** {@link #fail}, for parsers that return an index: -1. */
    private int failed(HttpStatus status, String message) {
        fail(status, message);
        return -1;
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
