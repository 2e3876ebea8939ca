package minihttp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.internal.codec.DecodedRequest;
import minihttp.internal.codec.ReadControl;
import minihttp.internal.codec.RequestDecoder;
import minihttp.server.Limits;
import minihttp.service.Service;

/**
 * A request for a test, decoded from its bytes by the server's own decoder, so that a service sees the very
 * {@link Request} the server would give it; close it (try-with-resources) once the service's {@code Mono} has
 * completed, which releases its bytes.
 *
 * <pre>{@code
 * try (TestRequest request = TestRequest.post("/up").chunks("a", "b").streamedBody().build()) {
 *     StepVerifier.create(request.request().bodyStream().map(piece -> piece.toString(UTF_8)))
 *             .expectNext("a", "b").verifyComplete();
 * }
 * }</pre>
 *
 * <p>The bytes live in pooled buffers, as a read's do, so a service that keeps the request after its response
 * completed fails in a test, where the server would give it another request's values.
 */
public final class TestRequest implements AutoCloseable {

    /** The {@code Host} sent when a test names none: HTTP/1.1 requires one (RFC 9112 section 3.2). */
    public static final String DEFAULT_HOST = "localhost";

    private final DecodedRequest request;
    private final ByteBuf bytes; // owned: the buffer the request reads
    private boolean closed;

    private TestRequest(DecodedRequest request, ByteBuf bytes) {
        this.request = request;
        this.bytes = bytes;
    }

    /**
     * Starts a GET of {@code target} (path and query, e.g. {@code /users/1?full=true}).
     *
     * @param target the request target, as sent in the request line
     * @return a builder for the rest of the request
     */
    public static Builder get(String target) {
        return request(Method.GET.name(), target);
    }

    /**
     * Starts a HEAD of {@code target}.
     *
     * @param target the request target, as sent in the request line
     * @return a builder for the rest of the request
     */
    public static Builder head(String target) {
        return request(Method.HEAD.name(), target);
    }

    /**
     * Starts a POST to {@code target}; give it a body with {@link Builder#body(String)}.
     *
     * @param target the request target, as sent in the request line
     * @return a builder for the rest of the request
     */
    public static Builder post(String target) {
        return request(Method.POST.name(), target);
    }

    /**
     * Starts a PUT to {@code target}.
     *
     * @param target the request target, as sent in the request line
     * @return a builder for the rest of the request
     */
    public static Builder put(String target) {
        return request(Method.PUT.name(), target);
    }

    /**
     * Starts a DELETE of {@code target}.
     *
     * @param target the request target, as sent in the request line
     * @return a builder for the rest of the request
     */
    public static Builder delete(String target) {
        return request(Method.DELETE.name(), target);
    }

    /**
     * Starts a request with {@code method} to {@code target}.
     *
     * @param method the request method
     * @param target the request target, as sent in the request line
     * @return a builder for the rest of the request
     */
    public static Builder request(Method method, String target) {
        return request(method.name(), target);
    }

    /**
     * Starts a request with the method as sent, any token (an unknown one decodes as {@link Method#OTHER}).
     *
     * @param method the method token, sent as given
     * @param target the request target, as sent in the request line
     * @return a builder for the rest of the request
     */
    public static Builder request(String method, String target) {
        return new Builder(method, target);
    }

    /** {@return the request as the server decoded it; valid until {@link #close()}} */
    public Request request() {
        if (closed) {
            throw new IllegalStateException("the test request is closed");
        }
        return request;
    }

    /** Releases the request's bytes, and a streamed body that nobody subscribed to; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            request.discardBody();
            bytes.release();
        }
    }

    @Override
    public String toString() {
        return closed ? "closed test request" : request.toString();
    }

    /** Collects the parts of a request; {@link #build()} encodes and decodes it. */
    public static final class Builder {
        private static final byte[] CRLF = {'\r', '\n'};
        private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        private final String method;
        private final String target;
        private final List<String[]> headers = new ArrayList<>();
        private byte[] body;
        private List<byte[]> chunks;
        private boolean http10;
        private boolean streamedBody;
        private Limits limits = Limits.DEFAULT;

        private Builder(String method, String target) {
            if (hasLineBreak(method + target)) { // it would make more lines of one: the decoder would not know
                throw new IllegalArgumentException("CR or LF in the request line: " + method + " " + target);
            }
            this.method = method;
            this.target = target;
        }

        private static boolean hasLineBreak(String s) {
            return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
        }

        /**
         * Adds a header field, sent as given (the decoder refuses what the server would).
         *
         * @param name the field name
         * @param value the field value
         * @return this builder
         * @throws IllegalArgumentException for a CR or LF, which would make more fields of one
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(value, "value");
            if (hasLineBreak(name + value)) {
                throw new IllegalArgumentException("CR or LF in header " + name + ": one field per call");
            }
            headers.add(new String[] {name, value});
            return this;
        }

        /**
         * The body, UTF-8, sent with {@code Content-Length}.
         *
         * @param body the text of the body
         * @return this builder
         */
        public Builder body(String body) {
            return body(body.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * The body, sent with {@code Content-Length}.
         *
         * @param body the bytes of the body, copied
         * @return this builder
         */
        public Builder body(byte[] body) {
            this.body = body.clone();
            this.chunks = null;
            return this;
        }

        /**
         * The body in chunks, UTF-8, sent with {@code Transfer-Encoding: chunked}: a streamed body gets one piece
         * each.
         *
         * @param chunks the text of each chunk
         * @return this builder
         */
        public Builder chunks(String... chunks) {
            List<byte[]> bytes = new ArrayList<>(chunks.length);
            for (String chunk : chunks) {
                bytes.add(chunk.getBytes(StandardCharsets.UTF_8));
            }
            return chunks(bytes);
        }

        /**
         * The body in chunks, sent with {@code Transfer-Encoding: chunked}; empty chunks are left out (one ends the
         * body).
         *
         * @param chunks the bytes of each chunk, copied
         * @return this builder
         */
        public Builder chunks(List<byte[]> chunks) {
            this.chunks = new ArrayList<>(chunks.size());
            for (byte[] chunk : chunks) {
                if (chunk.length > 0) {
                    this.chunks.add(chunk.clone());
                }
            }
            this.body = null;
            return this;
        }

        /**
         * Sends the request as HTTP/1.0 instead of HTTP/1.1.
         *
         * @return this builder
         */
        public Builder http10() {
            this.http10 = true;
            return this;
        }

        /**
         * Streams the body ({@link Request#bodyStream()}) whatever the service says, as a streaming service gets
         * it.
         *
         * @return this builder
         */
        public Builder streamedBody() {
            this.streamedBody = true;
            return this;
        }

        /**
         * The limits the decoder enforces, {@link Limits#DEFAULT} unless set.
         *
         * @param limits the limits for the decoder
         * @return this builder
         */
        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        /** {@return the request's bytes, as a client sends them: for a test that also writes it to a socket} */
        public byte[] toBytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(ascii(method + " " + target + (http10 ? " HTTP/1.0" : " HTTP/1.1")));
            out.writeBytes(CRLF);
            if (!named("Host")) {
                headerLine(out, "Host", DEFAULT_HOST);
            }
            for (String[] header : headers) {
                headerLine(out, header[0], header[1]);
            }
            boolean framed = named("Content-Length") || named("Transfer-Encoding");
            if (chunks != null && !framed) {
                headerLine(out, "Transfer-Encoding", "chunked");
            } else if (body != null && !framed) {
                headerLine(out, "Content-Length", Integer.toString(body.length));
            }
            out.writeBytes(CRLF);
            if (chunks != null) {
                for (byte[] chunk : chunks) {
                    out.writeBytes(ascii(Integer.toHexString(chunk.length)));
                    out.writeBytes(CRLF);
                    out.writeBytes(chunk);
                    out.writeBytes(CRLF);
                }
                out.writeBytes(LAST_CHUNK);
            } else if (body != null) {
                out.writeBytes(body);
            }
            return out.toByteArray();
        }

        /** {@return the request, its body aggregated unless {@link #streamedBody()} was asked for} */
        public TestRequest build() {
            return decode(request -> streamedBody);
        }

        /**
         * The request as the server decodes it for {@code service}: its body streamed if the service streams it.
         *
         * @param service the service that will get the request
         * @return the request, to close once the service's {@code Mono} has completed
         */
        public TestRequest buildFor(Service service) {
            return decode(request -> streamedBody || service.streamsBody(request));
        }

        /**
         * Feeds the bytes to a decoder as one read and keeps the request it returns: the request, and a streamed
         * body's pieces, read that buffer (or, for an aggregated chunked body, the decoder's), so the test request
         * takes a reference of its own to it and the read's is released.
         */
        private TestRequest decode(Predicate<Request> streams) {
            byte[] encoded = toBytes();
            RequestDecoder decoder = new RequestDecoder(PooledByteBufAllocator.DEFAULT, limits, streams, ReadControl.NONE);
            ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(encoded.length).writeBytes(encoded);
            try {
                decoder.feed(read);
                DecodedRequest request = decoder.poll();
                if (request == null) {
                    throw refused(decoder);
                }
                ByteBuf bytes = decoder.detach().retain();
                // A streamed body follows its head: decoding it queues its pieces in the request's stream.
                if (decoder.poll() != null || decoder.failed() && decoder.errorStatus() != null) {
                    bytes.release();
                    throw refused(decoder);
                }
                decoder.endRead();
                return new TestRequest(request, bytes);
            } finally {
                read.release();
                decoder.release();
            }
        }

        private IllegalArgumentException refused(RequestDecoder decoder) {
            String request = new String(toBytes(), StandardCharsets.ISO_8859_1);
            if (decoder.failed() && decoder.errorStatus() != null) {
                return new IllegalArgumentException("the server answers " + decoder.errorStatus().code() + " ("
                        + decoder.errorMessage() + ") to:\n" + request);
            }
            return new IllegalArgumentException("not one complete request:\n" + request);
        }

        private boolean named(String name) {
            return headers.stream().anyMatch(header -> header[0].equalsIgnoreCase(name));
        }

        private static void headerLine(ByteArrayOutputStream out, String name, String value) {
            out.writeBytes(ascii(name + ": " + value));
            out.writeBytes(CRLF);
        }

        /** {@code s} as the bytes a client sends; a character ISO-8859-1 cannot encode is refused, not replaced. */
        private static byte[] ascii(String s) {
            if (!StandardCharsets.ISO_8859_1.newEncoder().canEncode(s)) {
                throw new IllegalArgumentException("not ISO-8859-1, which a request line and fields are sent in"
                        + " (percent-encode a target's UTF-8): " + s);
            }
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
