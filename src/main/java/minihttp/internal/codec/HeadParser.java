package minihttp.internal.codec;

import static minihttp.internal.codec.Ascii.COLON;
import static minihttp.internal.codec.Ascii.CR;
import static minihttp.internal.codec.Ascii.LF;
import static minihttp.internal.codec.Ascii.SP;

import io.netty.buffer.ByteBuf;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.internal.codec.RequestDecoder.State;
import minihttp.server.Limits;

/**
 * The head grammar (RFC 9112 sections 3 and 5), written once: the request line, then the header fields up to the
 * empty line, parsed in the {@link Window} into a {@link DecodedRequest}, noting the fields that frame the message.
 * {@link #fieldLine} checks every field line that is not known clean, header or trailer.
 *
 * <p>Line endings: a head line ends in CRLF or in a bare LF, which RFC 9112 section 2.2 lets a recipient accept
 * and common clients send. The lines of chunked framing ({@link BodyFraming}) must end in CRLF: there a bare LF
 * is refused, as a body whose framing another parser could read differently must not pass.
 */
final class HeadParser {

    private static final long HTTP_1_1 = 0x485454502F312E31L; // "HTTP/1.1" read as one big-endian long
    private static final long HTTP_1_0 = 0x485454502F312E30L; // "HTTP/1.0"
    private static final long HTTP_SLASH = 0x485454502F000000L; // "HTTP/" in the high five bytes of a long
    private static final long HTTP_SLASH_MASK = 0xFFFFFFFFFF000000L;
    private static final int VERSION_LENGTH = 8;
    private static final int CRLF_LENGTH = 2;
    /**
     * Empty lines taken before a request line (RFC 9112 section 2.2 asks to ignore at least one, which some clients
     * send after a body); past this many the input is no request at all: 400.
     */
    private static final int MAX_LEADING_EMPTY_LINES = 4;
    private static final byte[] HTTP = Ascii.name("http");
    private static final byte[] HTTPS = Ascii.name("https");

    private RequestDecoder decoder; // rejects malformed input: the decoder these parsers serve now
    private Limits limits;
    private final Window window;

    private int leadingEmptyLines; // empty lines taken since the last request line
    private int scan;              // where the next unread head line starts, relative to the request's first byte
    private int headersStart;      // where the header fields start, likewise

    private final FramingFields framing;

    HeadParser(RequestDecoder decoder, Limits limits, Window window) {
        this.decoder = decoder;
        this.limits = limits;
        this.window = window;
        this.framing = new FramingFields(decoder);
    }

    /** Serves {@code decoder} from now on (see {@link Parsers}). */
    void bind(RequestDecoder decoder, Limits limits) {
        this.decoder = decoder;
        this.limits = limits;
        framing.bind(decoder);
    }

    /** Whether empty lines were taken since the last request line: they start no request, but they are input. */
    boolean skippedEmptyLines() {
        return leadingEmptyLines > 0;
    }

    /** Whether the head announced a chunked body (its Transfer-Encoding validated by {@link #headerFields}). */
    boolean chunked() {
        return framing.chunked();
    }

    /** The head's Content-Length, or -1. */
    long contentLength() {
        return framing.contentLength();
    }

    /**
     * {@code method SP request-target SP HTTP-version CRLF} at the reader index of {@code buf}, into {@code r}:
     * {@link State#HEADERS} when parsed, {@link State#REQUEST_LINE} when an empty line before it was skipped, null
     * when more input is needed or the line was rejected. A line in the window is parsed as it is scanned, its end
     * found where the grammar puts it; only when that fails (the line is not all here, or it is malformed) is the
     * line feed searched for, to tell waiting from an error, and the line parsed again up to it to name the error.
     */
    State requestLine(ByteBuf buf, DecodedRequest r) {
        int from = buf.readerIndex();
        // Read once, here on the path every request takes: a call on the buffer in a branch rarely taken is
        // compiled for the buffer class seen there so far, and the leak detector's wrapper of a sampled buffer
        // reaching it later would send the whole decoder back to be compiled again.
        int inputEnd = buf.writerIndex();
        int lf = -1;
        if (window.holds(from)) {
            // Within maxRequestLine + 1 bytes, a line that parses is not too long, whichever its line ending.
            int to = window.index(Math.min(Math.min(inputEnd, from + limits.maxRequestLine() + 1), window.end));
            lf = parseRequestLine(r, window.index(from), to, false);
        }
        if (lf < 0) {
            int known = window.lineFeed(from, limits.maxRequestLine() + CRLF_LENGTH);
            if (known < 0) {
                // + 1: the CR of a line at the limit may already be here without its LF.
                if (inputEnd - from > limits.maxRequestLine() + 1) {
                    decoder.reject(HttpStatus.URI_TOO_LONG, "request line too long");
                }
                return null;
            }
            int start = window.index(from);
            int end = window.contentEnd(start, window.index(known));
            if (end == start) {
                // Empty lines before a request line are ignored (RFC 9112 section 2.2), a few of them.
                if (++leadingEmptyLines > MAX_LEADING_EMPTY_LINES) {
                    decoder.reject(HttpStatus.BAD_REQUEST, "too many empty lines before the request line");
                    return null;
                }
                buf.readerIndex(known + 1);
                return State.REQUEST_LINE;
            }
            if (end - start > limits.maxRequestLine()) {
                decoder.reject(HttpStatus.URI_TOO_LONG, "request line too long");
                return null;
            }
            lf = parseRequestLine(r, start, window.index(known) + 1, true);
            if (lf < 0) {
                return null;
            }
        }
        framing.reset();
        leadingEmptyLines = 0;
        scan = lf + 1 + window.toRequestOffset(from);
        headersStart = scan;
        return State.HEADERS;
    }

    /**
     * Parses the request line at window index {@code start}, which ends within {@code [start, to)}, into {@code r},
     * and returns the window index of its LF; or returns -1, having rejected it with the status it earns when
     * {@code report} is set (then {@code to} is just past the line's first LF).
     */
    private int parseRequestLine(DecodedRequest r, int start, int to, boolean report) {
        byte[] w = window.bytes();
        int methodEnd = Ascii.tokenEnd(w, start, to);
        if (methodEnd == start || methodEnd == to || w[methodEnd] != SP) {
            return report ? rejectLine(HttpStatus.BAD_REQUEST, "malformed request line") : -1;
        }
        // The target ends at the first byte that cannot be in it, which must be the SP before the version.
        int targetStart = methodEnd + 1;
        int targetEnd = Ascii.invalidTarget(w, targetStart, to);
        if (targetEnd <= targetStart || w[targetEnd] != SP || targetEnd + 1 + VERSION_LENGTH + 1 > to) {
            if (!report) {
                return -1;
            }
            return rejectLine(HttpStatus.BAD_REQUEST, targetEnd > targetStart && w[targetEnd] == '#'
                    ? "fragment in the request target" : "malformed request target", w, start, methodEnd);
        }
        int versionStart = targetEnd + 1;
        long version = Ascii.word(w, versionStart);
        if (version != HTTP_1_1 && version != HTTP_1_0 && isLaterHttp1(w, versionStart, version)) {
            version = HTTP_1_1; // a later HTTP/1.x is answered as the latest this server knows (RFC 9110 section 2.5)
        }
        if (version != HTTP_1_1 && version != HTTP_1_0) {
            if (!report) {
                return -1;
            }
            return isHttpVersion(w, versionStart, version)
                    ? rejectLine(HttpStatus.VERSION_NOT_SUPPORTED, "only HTTP/1.1 and HTTP/1.0 are supported", w,
                            start, methodEnd)
                    : rejectLine(HttpStatus.BAD_REQUEST, "malformed HTTP version", w, start, methodEnd);
        }
        int lf = versionStart + VERSION_LENGTH; // a bare LF, or the CR of a CRLF (RFC 9112 section 2.2)
        if (w[lf] == CR && lf + 1 < to) {
            lf++;
        }
        if (w[lf] != LF) {
            return report ? rejectLine(HttpStatus.BAD_REQUEST, "malformed request line") : -1;
        }

        r.reset();
        Method method = MethodNames.of(w, start, methodEnd);
        if (method == Method.CONNECT) {
            // No proxy here, and what follows a CONNECT is a tunnel's bytes (RFC 9110 section 9.3.6), not requests.
            return report ? rejectLine(HttpStatus.NOT_IMPLEMENTED, "Not Implemented: CONNECT") : -1;
        }
        int pathStart = w[targetStart] == '/' ? targetStart // origin-form, the usual
                : otherFormPath(r, method, w, start, targetStart, targetEnd, report);
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
     * overrides Host); at the target of {@code OPTIONS *}. Anything else is -1, rejected with 400 when
     * {@code report}.
     */
    private int otherFormPath(DecodedRequest r, Method method, byte[] w, int start, int targetStart, int targetEnd,
            boolean report) {
        if (targetEnd - targetStart == 1 && w[targetStart] == '*') {
            return method == Method.OPTIONS ? targetStart
                    : report ? rejectLine(HttpStatus.BAD_REQUEST, "the asterisk-form target is for OPTIONS only") : -1;
        }
        int colon = Ascii.indexOf(w, targetStart, targetEnd, COLON);
        int authority = colon + "://".length();
        if (colon <= targetStart || authority > targetEnd || w[colon + 1] != '/' || w[colon + 2] != '/'
                || !Ascii.equalsIgnoreCase(w, targetStart, colon, HTTP)
                        && !Ascii.equalsIgnoreCase(w, targetStart, colon, HTTPS)) {
            return report ? rejectLine(HttpStatus.BAD_REQUEST, "malformed request target") : -1;
        }
        int authorityEnd = authority;
        while (authorityEnd < targetEnd && w[authorityEnd] != '/' && w[authorityEnd] != '?') {
            authorityEnd++;
        }
        if (!Ascii.isHostAndPort(w, authority, authorityEnd)) {
            return report ? rejectLine(HttpStatus.BAD_REQUEST, "invalid authority in the request target") : -1;
        }
        r.authorityStart = authority - start;
        r.authorityEnd = authorityEnd - start;
        return authorityEnd;
    }

    /**
     * The header fields of this read into {@code r}, up to the empty line that ends the head: true when the head is
     * complete and valid ({@code r.bodyStart} is its length), false when more input is needed or it was rejected.
     * One call parses all the lines that are here. Lines in the window that are clean (a token, a colon and a value
     * without control bytes, HTAB aside) are delimited and validated in one pass each, with the window's bounds
     * read once; any other line (across reads, past the limit, or with a byte that is an error) is taken by
     * {@link Window#lineFeed} and checked in full by {@link #fieldLine}.
     */
    boolean headerFields(ByteBuf buf, DecodedRequest r) {
        int base = buf.readerIndex();
        int inputEnd = buf.writerIndex(); // read once, as in requestLine
        int blockEnd = base + headersStart + limits.maxHeaderBytes(); // the block may not reach past this input index
        for (;;) {
            if (window.holds(base + scan)) {
                byte[] w = window.bytes();
                int offset = window.toRequestOffset(base);
                int to = window.index(Math.min(Math.min(inputEnd, blockEnd), window.end));
                int start = scan - offset;
                for (;;) {
                    int colon = Ascii.tokenEnd(w, start, to);
                    int lf = colon > start && colon < to && w[colon] == COLON ? cleanValueLineFeed(w, colon + 1, to) : -1;
                    if (lf < 0) {
                        break;
                    }
                    if (!field(r, w, start, colon, window.contentEnd(start, lf), offset)) {
                        return false;
                    }
                    start = lf + 1;
                }
                scan = start + offset;
                if (start + 1 < to && w[start] == CR && w[start + 1] == LF) {
                    scan += CRLF_LENGTH;
                    return framing.endOfHead(r, scan);
                }
            }
            int from = base + scan;
            int lf = window.lineFeed(from, blockEnd - from);
            if (lf < 0) {
                return inputEnd > blockEnd
                        && decoder.reject(HttpStatus.HEADERS_TOO_LARGE, "header block too large");
            }
            scan = lf + 1 - base;
            int start = window.index(from);
            int end = window.contentEnd(start, window.index(lf));
            if (end == start) {
                return framing.endOfHead(r, scan);
            }
            byte[] w = window.bytes();
            int colon = fieldLine(w, start, end);
            if (colon < 0 || !field(r, w, start, colon, end, window.toRequestOffset(base))) {
                return false;
            }
        }
    }

    /**
     * Checks the field line {@code w[start, end)} (its line ending taken off), a header or a trailer: a token, a
     * colon, and a value of field-value bytes around optional whitespace (RFC 9112 section 5). Returns the index of
     * the colon, or -1 having rejected the line with 400.
     */
    int fieldLine(byte[] w, int start, int end) {
        if (Ascii.isWhitespace(w[start])) {
            return rejectLine(HttpStatus.BAD_REQUEST, "obsolete line folding or whitespace before a field name");
        }
        int colon = Ascii.tokenEnd(w, start, end);
        if (colon == start || colon == end || w[colon] != COLON) {
            return rejectLine(HttpStatus.BAD_REQUEST, "malformed field name");
        }
        if (Ascii.invalidFieldValue(w, colon + 1, end) >= 0) {
            return rejectLine(HttpStatus.BAD_REQUEST, "invalid character in a field value");
        }
        return colon;
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

    /**
     * Records the checked header field {@code w[start, end)} whose name ends at {@code colon} in {@code r}, and notes
     * it if it frames the message; {@code offset} turns window indices into request offsets.
     */
    private boolean field(DecodedRequest r, byte[] w, int start, int colon, int end, int offset) {
        int valueStart = Ascii.skipWhitespace(w, colon + 1, end);
        int valueEnd = end;
        while (valueEnd > valueStart && Ascii.isWhitespace(w[valueEnd - 1])) {
            valueEnd--;
        }
        if (r.headerCount == limits.maxHeaders()) {
            return decoder.reject(HttpStatus.HEADERS_TOO_LARGE, "too many headers");
        }
        r.addHeader(start + offset, colon + offset, valueStart + offset, valueEnd + offset);
        return framing.note(w, start, colon, valueStart, valueEnd);
    }

    /** {@code HTTP/DIGIT.DIGIT}: a well-formed version that is not ours earns 505 rather than 400. */
    /** Whether {@code version}, at {@code w[i]}, is HTTP/1.2 to HTTP/1.9: a minor version this server does not know. */
    private static boolean isLaterHttp1(byte[] w, int i, long version) {
        return isHttpVersion(w, i, version) && w[i + 5] == '1' && w[i + 7] > '1';
    }

    private static boolean isHttpVersion(byte[] w, int i, long version) {
        return (version & HTTP_SLASH_MASK) == HTTP_SLASH
                && Ascii.isDigit(w[i + 5]) && w[i + 6] == '.' && Ascii.isDigit(w[i + 7]);
    }

    /** {@link RequestDecoder#reject}, for parsers that return the index of a line's LF or colon: -1. */
    private int rejectLine(HttpStatus status, String message) {
        decoder.reject(status, message);
        return -1;
    }

    /** Rejects a request line whose method, in {@code [start, methodEnd)}, was read: a HEAD's answer has no content. */
    private int rejectLine(HttpStatus status, String message, byte[] w, int start, int methodEnd) {
        decoder.reject(status, message, MethodNames.of(w, start, methodEnd) == Method.HEAD);
        return -1;
    }
}
