package minihttp.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import minihttp.internal.codec.EncodedResponse;

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

    /** Collects headers, then takes the body that completes a {@link Response}. */
    final class Builder {
        private final HttpStatus status;
        private final StringBuilder headers = new StringBuilder(64).append("Server: minihttp\r\n");

        private Builder(HttpStatus status) {
            this.status = status;
        }

        /**
         * Adds a header; names and values with CR or LF are refused, as they would split the response.
         *
         * @param name the field name
         * @param value the field value
         * @return this builder
         */
        public Builder header(CharSequence name, CharSequence value) {
            checkNoLineBreak(name);
            checkNoLineBreak(value);
            if (contentLengthOrDate(name)) {
                throw new IllegalArgumentException(name + " is set by the encoder");
            }
            headers.append(name).append(": ").append(value).append("\r\n");
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
            return new EncodedResponse(status, headers, body, null); // copied into the tail
        }

        /**
         * Completes the response with a text body.
         *
         * @param body the body, sent as UTF-8
         * @return the response
         */
        public Response body(String body) {
            return new EncodedResponse(status, headers, body.getBytes(StandardCharsets.UTF_8), null);
        }

        /**
         * Completes the response with a ByteBuf body, taking ownership of it: the response releases it once
         * written.
         *
         * @param body the body, released once written
         * @return the response
         */
        public Response body(ByteBuf body) {
            return new EncodedResponse(status, headers, null, body);
        }

        /**
         * Completes the response with no body ({@code Content-Length: 0}).
         *
         * @return the response
         */
        public Response empty() {
            return new EncodedResponse(status, headers, new byte[0], null);
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
