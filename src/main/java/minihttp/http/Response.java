package minihttp.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import minihttp.internal.codec.EncodedResponse;
import minihttp.internal.codec.HeaderFields;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * An HTTP response: a status, header fields and a body of bytes, a String, a ByteBuf, or a stream of them.
 *
 * <p>Immutable, so one instance can answer many requests. {@code Server} and {@code Content-Length} are always
 * set, and the server adds {@code Date}. A ByteBuf body is owned by the response and released when it is written
 * (such a response is sent once). Built with the factories here; not for implementing.
 *
 * <p>A streamed body ({@link Builder#body(Publisher)}, {@link Builder#bodyText(Flux)}, {@link #events(Flux)}) is
 * sent as it comes, each element written and flushed, with {@code Transfer-Encoding: chunked}, or as is when the
 * service declared its {@code Content-Length}. The connection subscribes to it once the responses before it have
 * gone out, asks for more only while the client takes what was sent, and cancels it when the client goes away.
 * It closes the connection after the body when the request ends it anyway (HTTP/1.0, {@code Connection: close}:
 * the body is then delimited by the close, not chunked), when the stream fails (the status is sent already), and
 * when it sends more or fewer bytes than it declared. HEAD gets the head only; the stream is not subscribed.
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
     * Server-sent events: 200, {@code text/event-stream}, each element one event ({@code data: ...} and a blank
     * line; an element of several lines is an event of several {@code data} lines).
     *
     * @param events the events' data, sent as UTF-8 as each comes
     * @return the streamed response
     */
    static Response events(Flux<String> events) {
        return status(HttpStatus.OK).contentType("text/event-stream").header("Cache-Control", "no-cache")
                .bodyText(events.map(Response::event));
    }

    /** One server-sent event carrying {@code data}: a {@code data} line per line, then a blank line. */
    private static String event(String data) {
        StringBuilder event = new StringBuilder(data.length() + 8);
        for (String line : data.split("\r\n|\r|\n", -1)) {
            event.append("data: ").append(line).append('\n');
        }
        return event.append('\n').toString();
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

    /** {@return the body length in bytes, as sent in {@code Content-Length}; -1 for a stream that did not declare it} */
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
     * @param name the field name, a token; not {@code Content-Length}, {@code Date}, {@code Transfer-Encoding} or
     *     {@code Connection}
     * @param value the field value, without control characters, in ISO-8859-1
     * @return the copy
     */
    Response withHeader(String name, String value);

    /** Collects headers, then takes the body that completes a {@link Response}. */
    final class Builder {
        private final HttpStatus status;
        private String[] fields = {"Server", "minihttp"};
        /** The length set with {@link #contentLength(long)}, else -1. */
        private long declaredLength = -1;

        private Builder(HttpStatus status) {
            this.status = status;
        }

        /**
         * Adds a header, or replaces {@code Server}. A name must be a token, and a value field text in ISO-8859-1
         * (RFC 9110 section 5): no control characters, as CR and LF would split the response. {@code Content-Length},
         * {@code Date}, {@code Transfer-Encoding} and {@code Connection} are refused too, as the server writes them
         * (a streamed body declares its length with {@link #contentLength(long)}).
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
         * Declares the body's length, sent as {@code Content-Length}: a streamed body is then sent as is, not
         * chunked, and a stream that sends more or fewer bytes closes the connection. A body of bytes must match.
         *
         * @param length the body's length in bytes
         * @return this builder
         */
        public Builder contentLength(long length) {
            if (length < 0) {
                throw new IllegalArgumentException("negative Content-Length: " + length);
            }
            declaredLength = length;
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
            checkDeclared(body.length);
            return new EncodedResponse(status, fields, body, null); // copied into the tail
        }

        /**
         * Completes the response with a text body.
         *
         * @param body the body, sent as UTF-8
         * @return the response
         */
        public Response body(String body) {
            return body(body.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Completes the response with a ByteBuf body, taking ownership of it: the response releases it once
         * written.
         *
         * @param body the body, released once written
         * @return the response
         */
        public Response body(ByteBuf body) {
            if (declaredLength >= 0 && declaredLength != body.readableBytes()) {
                body.release();
                checkDeclared(body.readableBytes());
            }
            return new EncodedResponse(status, fields, null, body);
        }

        /**
         * Completes the response with a streamed body: each buffer is written and flushed as it comes (and released
         * once written), chunked unless a {@code Content-Length} was set. The connection subscribes to it once,
         * when the response goes out; it is never subscribed for HEAD.
         *
         * @param body the body's buffers, each owned by the response once emitted
         * @return the response
         */
        public Response body(Publisher<ByteBuf> body) {
            return new EncodedResponse(status, fields, body, declaredLength);
        }

        /**
         * Completes the response with a streamed text body: each string is written as UTF-8 as it comes.
         *
         * @param body the body's pieces
         * @return the response
         * @see #body(Publisher)
         */
        public Response bodyText(Flux<String> body) {
            return body(body.map(text -> Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))));
        }

        /**
         * Completes the response with no body ({@code Content-Length: 0}).
         *
         * @return the response
         */
        public Response empty() {
            return body(new byte[0]);
        }

        private void checkDeclared(int length) {
            if (declaredLength >= 0 && declaredLength != length) {
                throw new IllegalArgumentException("Content-Length " + declaredLength + " set, body of " + length);
            }
        }
    }
}
