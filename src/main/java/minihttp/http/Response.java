package minihttp.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import minihttp.internal.codec.EncodedResponse;
import minihttp.internal.codec.HeaderFields;

/**
 * An HTTP response: a status, header fields and a body of bytes, a String or a ByteBuf.
 *
 * <p>Immutable, so one instance can answer many requests. {@code Server} and {@code Content-Length} are always
 * set, and the server adds {@code Date}. A ByteBuf body is owned by the response and released when it is written
 * (such a response is sent once). Built with the factories here; not for implementing.
 */
public interface Response {

    /**
     * 200 with a {@code text/plain} body.
     *
     * @param body the text, sent as UTF-8
     * @return the response
     */
    static Response text(String body) {
        return text(HttpStatus.OK, body);
    }

    /**
     * A {@code text/plain} body with the given status.
     *
     * @param status the status
     * @param body the text, sent as UTF-8
     * @return the response
     */
    static Response text(HttpStatus status, String body) {
        return status(status).contentType("text/plain").body(body);
    }

    /**
     * 200 with an {@code application/json} body.
     *
     * @param body the JSON text, sent as UTF-8
     * @return the response
     */
    static Response json(String body) {
        return status(HttpStatus.OK).contentType("application/json").body(body);
    }

    /**
     * Starts a response with the given status.
     *
     * @param status the status
     * @return a builder for its headers and body
     */
    static Builder status(HttpStatus status) {
        return new Builder(status);
    }

    /** {@return the status} */
    HttpStatus status();

    /** {@return the body length in bytes, as sent in {@code Content-Length}} */
    int contentLength();

    /** Releases a ByteBuf body that will not be written after all. */
    void release();

    /**
     * This response as the answer to HEAD: the same status and headers, {@code Content-Length} included, and no
     * body (RFC 9110 section 9.3.2). A ByteBuf body is released.
     *
     * @return the same response without its body
     */
    Response withoutBody();

    /**
     * A header's value: the first field named {@code name}, in any case ({@code Content-Length} included).
     *
     * @param name the field name
     * @return its value, or {@code null}
     */
    String header(String name);

    /**
     * A copy of this response with a header set: the first field of that name replaced (as {@code Server}), else
     * one added. A ByteBuf body moves to the copy, which is the one to send.
     *
     * @param name the field name; not {@code Content-Length}, {@code Date} or {@code Transfer-Encoding}
     * @param value the field value
     * @return the copy
     */
    Response withHeader(String name, String value);

    /** Collects headers, then takes the body that completes a {@link Response}. */
    final class Builder {
        private final HttpStatus status;
        private String[] fields = {"Server", "minihttp"};

        private Builder(HttpStatus status) {
            this.status = status;
        }

        /**
         * Adds a header, or replaces {@code Server}; names and values with CR or LF are refused, as they would
         * split the response, and so are {@code Content-Length}, {@code Date} and {@code Transfer-Encoding}, which
         * the server writes.
         *
         * @param name the field name
         * @param value the field value
         * @return this builder
         */
        public Builder header(CharSequence name, CharSequence value) {
            HeaderFields.check(name, value);
            String n = name.toString();
            String v = value.toString();
            if (n.equalsIgnoreCase("Server")) {
                fields = HeaderFields.set(fields, "Server", v);
            } else {
                fields = Arrays.copyOf(fields, fields.length + 2);
                fields[fields.length - 2] = n;
                fields[fields.length - 1] = v;
            }
            return this;
        }

        /**
         * Sets {@code Content-Type}.
         *
         * @param contentType the media type, e.g. {@code text/html; charset=utf-8}
         * @return this builder
         */
        public Builder contentType(String contentType) {
            return header("Content-Type", contentType);
        }

        /**
         * Completes the response with a body of bytes.
         *
         * @param body the body, copied
         * @return the response
         */
        public Response body(byte[] body) {
            return new EncodedResponse(status, fields, body, null); // copied into the tail
        }

        /**
         * Completes the response with a text body.
         *
         * @param body the body, sent as UTF-8
         * @return the response
         */
        public Response body(String body) {
            return new EncodedResponse(status, fields, body.getBytes(StandardCharsets.UTF_8), null);
        }

        /**
         * Completes the response with a ByteBuf body, taking ownership of it: the response releases it once
         * written.
         *
         * @param body the body, released once written
         * @return the response
         */
        public Response body(ByteBuf body) {
            return new EncodedResponse(status, fields, null, body);
        }

        /**
         * Completes the response with no body ({@code Content-Length: 0}).
         *
         * @return the response
         */
        public Response empty() {
            return new EncodedResponse(status, fields, new byte[0], null);
        }
    }
}
