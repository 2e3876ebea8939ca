package minihttp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP response: status, headers and a body of bytes, a String or a ByteBuf.
 *
 * <p>Immutable, so one instance can answer many requests; its status line and headers are encoded to bytes once,
 * when it is built, and only {@code Date} is added per write. {@code Server} and {@code Content-Length} are always
 * set. A ByteBuf body is owned by the response and released when it is written (such a response is sent once).
 */
public final class Response {

    private static final String SERVER = "minihttp";
    private static final String TEXT_PLAIN = "text/plain";
    private static final String APPLICATION_JSON = "application/json";

    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] END_OF_HEAD = ascii("\r\n\r\n");

    private final HttpStatus status;
    private final byte[] head;
    private final byte[] tail;
    private final ByteBuf bodyBuf;
    private final int contentLength;
    /** The Date value this response was last encoded with: a hint, so racy writes from many threads are harmless. */
    private byte[] lastDate;
    /** The whole encoding for one Date value, once this response was encoded twice in the same second. */
    private volatile Whole whole;

    /** Head, Date value and tail in one array, for the one Date value {@code date} (compared by identity). */
    private record Whole(byte[] date, byte[] bytes) {}

    private Response(HttpStatus status, StringBuilder headers, byte[] body, ByteBuf bodyBuf) {
        this.status = status;
        this.contentLength = body != null ? body.length : bodyBuf.readableBytes();
        headers.append("Content-Length: ").append(contentLength).append("\r\n");
        // Date goes last, so that the encoder writes head, date, tail: three copies per response.
        this.head = concat(status.statusLine(), ascii(headers.toString()), DATE);
        this.tail = body != null ? concat(END_OF_HEAD, body) : END_OF_HEAD;
        this.bodyBuf = bodyBuf;
    }

    private Response(HttpStatus status, byte[] head, int contentLength) {
        this.status = status;
        this.head = head;
        this.tail = END_OF_HEAD;
        this.bodyBuf = null;
        this.contentLength = contentLength;
    }

    /**
     * This response as the answer to HEAD: the same status and headers, {@code Content-Length} included, and no
     * body (RFC 9110 section 9.3.2). A ByteBuf body is released.
     */
    public Response withoutBody() {
        release();
        return new Response(status, head, contentLength);
    }

    /** 200 with a {@code text/plain} body. */
    public static Response text(String body) {
        return text(HttpStatus.OK, body);
    }

    /** A {@code text/plain} body with the given status. */
    public static Response text(HttpStatus status, String body) {
        return status(status).contentType(TEXT_PLAIN).body(body);
    }

    /** 200 with an {@code application/json} body. */
    public static Response json(String body) {
        return status(HttpStatus.OK).contentType(APPLICATION_JSON).body(body);
    }

    /** Starts a response with the given status. */
    public static Builder status(HttpStatus status) {
        return new Builder(status);
    }

    public HttpStatus status() {
        return status;
    }

    /** The body length in bytes, as sent in {@code Content-Length}. */
    public int contentLength() {
        return contentLength;
    }

    /** Releases a ByteBuf body that will not be written after all. */
    public void release() {
        ReferenceCountUtil.safeRelease(bodyBuf);
    }

    /**
     * The whole encoding of this response with {@code date}, from {@link DateCache#bytes()} (which hands out one
     * array per second), or {@code null} while it is not worth building: a response answered again and again,
     * as a constant one is, is then written with one copy instead of three, and a response answered once costs
     * one field write. Only for a body of bytes and no {@code Connection} header.
     */
    byte[] whole(byte[] date) {
        Whole w = whole;
        if (w != null && w.date == date) {
            return w.bytes;
        }
        if (lastDate != date || bodyBuf != null) {
            lastDate = date;
            return null;
        }
        byte[] bytes = concat(head, date, tail);
        whole = new Whole(date, bytes);
        return bytes;
    }

    /** Status line and headers, each line ending in CRLF, then {@code "Date: "} waiting for its value. */
    byte[] head() {
        return head;
    }

    /** The blank line that ends the head, then the body unless it is a ByteBuf. */
    byte[] tail() {
        return tail;
    }

    /** The body when it is a ByteBuf, else {@code null}. */
    ByteBuf bodyBuf() {
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

    /** Collects headers, then takes the body that completes a {@link Response}. */
    public static final class Builder {
        private final HttpStatus status;
        private final StringBuilder headers = new StringBuilder(64).append("Server: ").append(SERVER).append("\r\n");

        private Builder(HttpStatus status) {
            this.status = status;
        }

        /** Adds a header; names and values with CR or LF are refused, as they would split the response. */
        public Builder header(CharSequence name, CharSequence value) {
            checkNoLineBreak(name);
            checkNoLineBreak(value);
            if (contentLengthOrDate(name)) {
                throw new IllegalArgumentException(name + " is set by the encoder");
            }
            headers.append(name).append(": ").append(value).append("\r\n");
            return this;
        }

        public Builder contentType(String contentType) {
            return header("Content-Type", contentType);
        }

        public Response body(byte[] body) {
            return new Response(status, headers, body, null); // copied into the tail
        }

        public Response body(String body) {
            return new Response(status, headers, body.getBytes(StandardCharsets.UTF_8), null);
        }

        /** Takes ownership of {@code body}: the response releases it once written. */
        public Response body(ByteBuf body) {
            return new Response(status, headers, null, body);
        }

        public Response empty() {
            return new Response(status, headers, new byte[0], null);
        }

        private static void checkNoLineBreak(CharSequence s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\r' || c == '\n') {
                    throw new IllegalArgumentException("header contains CR or LF: " + s);
                }
            }
        }

        private static boolean contentLengthOrDate(CharSequence name) {
            String n = name.toString();
            return n.equalsIgnoreCase("Content-Length") || n.equalsIgnoreCase("Date");
        }
    }
}
