package minihttp.internal.codec;

import minihttp.http.HttpStatus;

/**
 * The header fields that frame a request and decide the connection's reuse (Host, Connection, Expect,
 * Content-Length, Transfer-Encoding), noted as the {@link HeadParser} records them, and checked together at the end
 * of the head (RFC 9112 sections 6 and 9, RFC 9110 section 10.1.1).
 */
final class FramingFields {

    /** Digits of a Content-Length after its leading zeros: 18 stay below Long.MAX_VALUE, so it cannot overflow. */
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;
    // The names and values looked for, as bytes (see Ascii#name).
    private static final byte[] HOST = Ascii.name("host");
    private static final byte[] CONNECTION = Ascii.name("connection");
    private static final byte[] CONTENT_LENGTH = Ascii.name("content-length");
    private static final byte[] TRANSFER_ENCODING = Ascii.name("transfer-encoding");
    private static final byte[] CLOSE = Ascii.name("close");
    private static final byte[] KEEP_ALIVE = Ascii.name("keep-alive");
    private static final byte[] EXPECT = Ascii.name("expect");
    private static final byte[] CONTINUE = Ascii.name("100-continue");
    private static final byte[] CHUNKED = Ascii.name("chunked");

    private RequestDecoder decoder; // rejects malformed input: the decoder these parsers serve now

    private long contentLength;
    private boolean transferEncoding;
    private boolean chunkedOnce;    // the Transfer-Encoding list names chunked ...
    private boolean chunkedTwice;   // ... more than once
    private boolean chunkedLast;    // chunked is its last coding
    private boolean unknownCoding;  // it names a coding other than chunked
    private int hostCount;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean expectContinue;
    private boolean unmetExpectation; // Expect names something other than 100-continue

    FramingFields(RequestDecoder decoder) {
        this.decoder = decoder;
    }

    /** Serves {@code decoder} from now on (see {@link Parsers}). */
    void bind(RequestDecoder decoder) {
        this.decoder = decoder;
    }

    /** Forgets the previous request's fields. */
    void reset() {
        contentLength = -1;
        transferEncoding = false;
        chunkedOnce = false;
        chunkedLast = false;
        chunkedTwice = false;
        unknownCoding = false;
        hostCount = 0;
        connectionClose = false;
        connectionKeepAlive = false;
        expectContinue = false;
        unmetExpectation = false;
    }

    /** Whether the head announced a chunked body (validated by {@link #endOfHead}). */
    boolean chunked() {
        return transferEncoding;
    }

    /** The head's Content-Length, or -1. */
    long contentLength() {
        return contentLength;
    }

    /** Notes the field {@code w[name, nameEnd)} if it frames the message (others pass through untouched); false if rejected. */
    boolean note(byte[] w, int name, int nameEnd, int valueStart, int valueEnd) {
        switch (nameEnd - name) {
            case 4 -> {
                if (Ascii.equalsIgnoreCase(w, name, nameEnd, HOST)) {
                    hostCount++;
                    if (!Ascii.isHostAndPort(w, valueStart, valueEnd)) {
                        return decoder.reject(HttpStatus.BAD_REQUEST, "invalid Host header");
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
        if (contentLength >= 0) {
            return decoder.reject(HttpStatus.BAD_REQUEST, "duplicate Content-Length");
        }
        int significant = valueStart; // 1*DIGIT: leading zeros are allowed, and only the value is bounded
        while (significant < valueEnd - 1 && w[significant] == '0') {
            significant++;
        }
        if (valueEnd == valueStart || valueEnd - significant > MAX_CONTENT_LENGTH_DIGITS) {
            return decoder.reject(HttpStatus.BAD_REQUEST, "invalid Content-Length");
        }
        long value = 0;
        for (int i = valueStart; i < valueEnd; i++) {
            int d = w[i] - '0';
            if (d < 0 || d > 9) {
                return decoder.reject(HttpStatus.BAD_REQUEST, "invalid Content-Length");
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
        int members = Ascii.listMembers(w, from, to, CHUNKED);
        if (members != 0) { // a field of empty members only changes nothing (RFC 9110 section 5.6.1)
            chunkedLast = (members & Ascii.LIST_ENDS_WITH_NAME) != 0;
        }
        if ((members & Ascii.LIST_HAS_NAME) != 0) {
            chunkedTwice |= chunkedOnce || (members & Ascii.LIST_HAS_NAME_TWICE) != 0;
            chunkedOnce = true;
        }
        unknownCoding |= (members & Ascii.LIST_HAS_OTHER) != 0;
    }

    /** Checks the complete head, {@code headLength} bytes, and fills in what it says of the connection and the body. */
    boolean endOfHead(DecodedRequest r, int headLength) {
        // One Host whatever the version, and one required in HTTP/1.1 (RFC 9112 section 3.2).
        if (hostCount > 1 || r.http11 && hostCount == 0) {
            return decoder.reject(HttpStatus.BAD_REQUEST, hostCount == 0 ? "missing Host header" : "duplicate Host header");
        }
        if (unmetExpectation) {
            // Closes: the body the client may be sending is not read, and must not be taken for a request.
            return decoder.reject(HttpStatus.EXPECTATION_FAILED, "only the 100-continue expectation is supported");
        }
        r.keepAlive = !connectionClose && (r.http11 || connectionKeepAlive);
        r.expectContinue = expectContinue && r.http11; // HTTP/1.0 clients never wait for it (RFC 9110 10.1.1)
        r.bodyStart = headLength;
        return !transferEncoding || validTransferEncoding(r);
    }

    /** A Transfer-Encoding frames the body only as exactly one chunked, last, in HTTP/1.1 (RFC 9112 section 6). */
    private boolean validTransferEncoding(DecodedRequest r) {
        if (contentLength >= 0) {
            return decoder.reject(HttpStatus.BAD_REQUEST, "both Transfer-Encoding and Content-Length");
        }
        if (!r.http11) {
            return decoder.reject(HttpStatus.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
        }
        if (!chunkedLast || !chunkedOnce || chunkedTwice) {
            return decoder.reject(HttpStatus.BAD_REQUEST, "Transfer-Encoding must end in chunked, once");
        }
        if (unknownCoding) {
            return decoder.reject(HttpStatus.NOT_IMPLEMENTED, "only the chunked transfer coding is supported");
        }
        return true;
    }
}
