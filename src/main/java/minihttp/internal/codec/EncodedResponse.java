package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import org.reactivestreams.Publisher;

/**
 * The {@link Response} every factory builds: its status line and headers are encoded to bytes once, when it is
 * built, and only {@code Date} is added per write.
 *
 * <p>A streamed response (its body a {@code Publisher<ByteBuf>}) has two heads: one that frames its body, with
 * {@code Transfer-Encoding: chunked} or the {@code Content-Length} its service declared, and one without, for a
 * body the closing of the connection delimits. Its connection writes the body (see {@code StreamedBody}).
 */
public final class EncodedResponse implements Response {

    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] END_OF_HEAD = ascii("\r\n\r\n");

    private static final EncodedResponse NOT_BUILT_HERE = (EncodedResponse) Response.text(
            HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error: a Response not built by its factories\n");

    private final HttpStatus status;
    /** The header fields after the status line, as name, value pairs, Content-Length aside. */
    private final String[] fields;
    /** The body when it is bytes, else null. */
    private final byte[] body;
    private final byte[] head;
    private final byte[] tail;
    private final ByteBuf bodyBuf;
    private final int contentLength;
    /** The body when it is streamed, else null. */
    private final Publisher<ByteBuf> stream;
    /** The Content-Length a streamed body declared, else -1 (chunked or close-delimited). */
    private final long declaredLength;
    /** A streamed body's head without Content-Length or Transfer-Encoding, ending in "Date: ", else null. */
    private final byte[] closeDelimitedHead;
    /** The Date value this response was last encoded with: a hint, so racy writes from many threads are harmless. */
    private byte[] lastDate;
    /** The whole encoding for one Date value, once this response was encoded twice in the same second. */
    private volatile Whole whole;

    /** Head, Date value and tail in one array, for the one Date value {@code date} (compared by identity). */
    private record Whole(byte[] date, byte[] bytes) {}

    /**
     * {@code fields} are the header fields as name, value pairs, checked by the caller (no CR or LF, no
     * Content-Length or Date); the body is one of {@code body} and {@code bodyBuf}.
     */
    public EncodedResponse(HttpStatus status, String[] fields, byte[] body, ByteBuf bodyBuf) {
        this(finalStatus(status, bodyBuf), fields, body, bodyBuf, body != null ? body.length : bodyBuf.readableBytes(),
                true);
    }

    /**
     * A streamed response: {@code stream} is its body, sent as it comes; {@code declaredLength} its
     * {@code Content-Length}, or -1 to have it chunked (or delimited by the close).
     */
    public EncodedResponse(HttpStatus status, String[] fields, Publisher<ByteBuf> stream, long declaredLength) {
        this(finalStatus(status, null), fields, stream, declaredLength, framingField(declaredLength));
    }

    private EncodedResponse(HttpStatus status, String[] fields, Publisher<ByteBuf> stream, long declaredLength,
                            String framing) {
        boolean headOnly = endsAtItsHead(status); // the stream is never subscribed: nothing to release
        boolean empty = headOnly || isResetContent(status);
        this.status = status;
        this.fields = fields;
        this.body = null;
        this.bodyBuf = null;
        this.contentLength = empty ? 0 : declaredLength <= Integer.MAX_VALUE ? (int) declaredLength : -1;
        this.stream = empty ? null : stream;
        this.declaredLength = empty ? -1 : declaredLength;
        this.head = head(status, fields, headOnly ? null : empty ? "Content-Length: 0" : framing);
        this.closeDelimitedHead = this.stream != null && declaredLength < 0 ? head(status, fields, null) : null;
        this.tail = END_OF_HEAD;
    }

    private EncodedResponse(HttpStatus status, String[] fields, byte[] body, ByteBuf bodyBuf, int contentLength,
                            boolean withBody) {
        boolean headOnly = endsAtItsHead(status);
        boolean empty = headOnly || isResetContent(status);
        if (empty && bodyBuf != null) {
            bodyBuf.release();
        }
        this.status = status;
        this.fields = fields;
        this.body = empty ? null : body;
        this.bodyBuf = empty ? null : bodyBuf;
        this.contentLength = empty ? 0 : contentLength;
        this.stream = null;
        this.declaredLength = -1;
        this.closeDelimitedHead = null;
        this.head = head(status, fields, headOnly ? null : "Content-Length: " + this.contentLength);
        this.tail = withBody && this.body != null ? concat(END_OF_HEAD, this.body) : END_OF_HEAD;
    }

    /**
     * 204 and 304 responses end at their head (RFC 9112 section 6.3): one sent with a body or a framing field
     * would make a client read the body as the next response, so both are dropped, whatever the service gave.
     */
    private static boolean endsAtItsHead(HttpStatus status) {
        return status.code() == 204 || status.code() == 304;
    }

    /** A 205 has no content (RFC 9110 section 15.3.6), which it says with {@code Content-Length: 0}. */
    private static boolean isResetContent(HttpStatus status) {
        return status.code() == 205;
    }

    /**
     * {@code status}, which must be final: a 1xx would be read as an interim response, with the final one still
     * to come (the server sends {@code 100 Continue} itself). Releases {@code bodyBuf} when it refuses.
     */
    private static HttpStatus finalStatus(HttpStatus status, ByteBuf bodyBuf) {
        if (status.code() < 200) {
            ReferenceCountUtil.safeRelease(bodyBuf);
            throw new IllegalArgumentException("a response's status must be final (2xx to 5xx), not " + status.code());
        }
        return status;
    }

    /** The status line, the fields and the framing field (if any), each ending in CRLF, then "Date: ". */
    private static byte[] head(HttpStatus status, String[] fields, String framing) {
        StringBuilder head = new StringBuilder(64 + fields.length * 16)
                .append("HTTP/1.1 ").append(status.code()).append(' ').append(status.reason()).append("\r\n");
        for (int i = 0; i < fields.length; i += 2) {
            head.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
        }
        if (framing != null) {
            head.append(framing).append("\r\n");
        }
        // Date goes last, so that the encoder writes head, date, tail: three copies per response.
        return concat(ascii(head.toString()), DATE);
    }

    private static String framingField(long declaredLength) {
        return declaredLength >= 0 ? "Content-Length: " + declaredLength : "Transfer-Encoding: chunked";
    }

    /** {@code response} itself; a response not built by {@link Response}'s factories answers 500 instead. */
    public static EncodedResponse of(Response response) {
        if (response instanceof EncodedResponse encoded) {
            return encoded;
        }
        response.release();
        return NOT_BUILT_HERE;
    }

    /** This streamed response with {@code stream} as its body in place of its own (typically its own, observed). */
    public EncodedResponse withStream(Publisher<ByteBuf> stream) {
        return new EncodedResponse(status, fields, stream, declaredLength, framingField(declaredLength));
    }

    @Override
    public Response withoutBody() {
        if (stream != null) {
            // HEAD: the stream is never subscribed; a declared length stays, chunking has nothing to frame.
            return new EncodedResponse(status, fields, null, declaredLength,
                    declaredLength >= 0 ? framingField(declaredLength) : null);
        }
        release();
        return new EncodedResponse(status, fields, null, null, contentLength, false);
    }

    @Override
    public String header(String name) {
        if (name.equalsIgnoreCase("Content-Length")) {
            if (declaredLength >= 0) {
                return Long.toString(declaredLength);
            }
            return contentLength >= 0 ? Integer.toString(contentLength) : null;
        }
        if (name.equalsIgnoreCase("Transfer-Encoding")) {
            return stream != null && declaredLength < 0 ? "chunked" : null;
        }
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return fields[i + 1];
            }
        }
        return null;
    }

    @Override
    public Response withHeader(String name, String value) {
        HeaderFields.check(name, value);
        String[] copy = HeaderFields.set(fields, name, value);
        if (stream != null || declaredLength >= 0 || contentLength < 0) { // streamed, or its HEAD answer
            return new EncodedResponse(status, copy, stream, declaredLength,
                    stream != null || declaredLength >= 0 ? framingField(declaredLength) : null);
        }
        // The body is handed on: a ByteBuf body belongs to the copy now.
        return new EncodedResponse(status, copy, body, bodyBuf, contentLength, true);
    }

    @Override
    public HttpStatus status() {
        return status;
    }

    @Override
    public int contentLength() {
        return contentLength;
    }

    @Override
    public void release() {
        ReferenceCountUtil.safeRelease(bodyBuf);
    }

    /**
     * The whole encoding of this response with {@code date}, from {@link DateCache#bytes()} (which hands out one
     * array per second), or {@code null} while it is not worth building: a response answered again and again,
     * as a constant one is, is then written with one copy instead of three, and a response answered once costs
     * one field write. Only for a body of bytes and no {@code Connection} header.
     */
    public byte[] whole(byte[] date) {
        Whole w = whole;
        if (w != null && w.date == date) {
            return w.bytes;
        }
        if (lastDate != date || bodyBuf != null || stream != null) {
            lastDate = date;
            return null;
        }
        byte[] bytes = concat(head, date, tail);
        whole = new Whole(date, bytes);
        return bytes;
    }

    /** Status line and headers, each line ending in CRLF, then {@code "Date: "} waiting for its value. */
    public byte[] head() {
        return head;
    }

    /** The blank line that ends the head, then the body unless it is a ByteBuf. */
    public byte[] tail() {
        return tail;
    }

    /** The body when it is streamed, else {@code null}: its connection subscribes to it to send it. */
    public Publisher<ByteBuf> stream() {
        return stream;
    }

    /** Whether {@code response} has a streamed body, which its connection sends as it comes. */
    public static boolean isStreamed(Response response) {
        return response instanceof EncodedResponse encoded && encoded.stream != null;
    }

    /** The {@code Content-Length} a streamed body declared, which it is sent as is with; -1 if none. */
    public long declaredLength() {
        return declaredLength;
    }

    /** The head of a streamed body without a declared length, without a framing field: the close ends it. */
    public byte[] closeDelimitedHead() {
        return closeDelimitedHead;
    }

    /** The body when it is a ByteBuf, else {@code null}. */
    public ByteBuf bodyBuf() {
        return bodyBuf;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }
}
