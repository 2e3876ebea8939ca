package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import minihttp.http.Method;
import minihttp.http.Request;
import reactor.core.publisher.Flux;

/**
 * The {@link Request} the decoder fills: a view of offsets into the received bytes, nothing copied. Strings are
 * made only when a caller asks for one; lookups such as {@link #header(CharSequence)} compare bytes in place.
 */
public final class DecodedRequest implements Request {

    /** Offsets of one header in {@link #headers}: name start, name end, value start, value end. */
    private static final int HEADER_SLOTS = 4;
    /**
     * The request object a thread's decoders share between requests: a decoder gives its own back when a read ends
     * between requests, and takes it (or makes one) when the next read starts one. An idle connection then holds no
     * request object (a third of a kilobyte with its header offsets), and at many connections the one being filled
     * stays in cache instead of each connection's being cold at its read.
     */
    private static final ThreadSpare<DecodedRequest> SPARE = new ThreadSpare<>();

    // All offsets are relative to `start`, the request's first byte in `buf`, because the decoder records
    // them before the request is complete, when its bytes may still move to another buffer.
    ByteBuf buf;
    int start;
    Method method;
    int methodEnd;
    int targetStart;
    int targetEnd;
    int pathStart;      // targetStart but in absolute-form, where the path follows the authority (and may be empty)
    int queryStart;
    int authorityStart; // the authority of an absolute-form target, or -1
    int authorityEnd;
    boolean http11;
    boolean keepAlive;
    boolean expectContinue;
    int[] headers = new int[HEADER_SLOTS * 8]; // grows for a request with more: a connection keeps it
    int headerCount;
    int bodyStart;
    int bodyLength;
    long contentLength;
    boolean chunked;
    BodyStream stream;
    /** Set by the router: the template of the route that matched, for logs and metrics. */
    private String route;
    /** Set by the router: the route's parameters, as name, value pairs. */
    private String[] pathParams;
    /** Name, value pairs; made on the first attribute set. */
    private Object[] attributes;

    /** Where the request came from: set by its decoder, which may hand the object to another of its thread's. */
    Peer peer;

    private DecodedRequest(Peer peer) {
        this.peer = peer;
    }

    /** The thread's spare request object, now from {@code peer}, or a new one (see {@link #SPARE}). */
    static DecodedRequest take(Peer peer) {
        DecodedRequest r = SPARE.take();
        if (r == null) {
            return new DecodedRequest(peer);
        }
        r.peer = peer;
        return r;
    }

    /** Gives this object to its thread's next decoder, reset: it holds no buffer nor service state while it waits. */
    void giveBack() {
        reset();
        SPARE.giveBack(this);
    }

    @Override
    public java.net.SocketAddress remoteAddress() {
        return peer.remote();
    }

    @Override
    public java.net.SocketAddress localAddress() {
        return peer.local();
    }

    @Override
    public String scheme() {
        return peer.scheme();
    }

    /** Forgets the previous request so that the decoder can fill this one again. */
    void reset() {
        buf = null;
        queryStart = -1;
        authorityStart = -1;
        headerCount = 0;
        bodyLength = 0;
        contentLength = -1;
        chunked = false;
        expectContinue = false;
        stream = null;
        pathParams = null;
        route = null;
        attributes = null;
    }

    void addHeader(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int i = headerCount * HEADER_SLOTS;
        if (i == headers.length) {
            headers = java.util.Arrays.copyOf(headers, headers.length * 2);
        }
        headers[i] = nameStart;
        headers[i + 1] = nameEnd;
        headers[i + 2] = valueStart;
        headers[i + 3] = valueEnd;
        headerCount++;
    }

    @Override
    public Method method() {
        return method;
    }

    @Override
    public String methodName() {
        return string(0, methodEnd);
    }

    @Override
    public boolean isHttp11() {
        return http11;
    }

    @Override
    public boolean expectsContinue() {
        return expectContinue;
    }

    @Override
    public boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public String uri() {
        return string(targetStart, targetEnd);
    }

    @Override
    public String path() {
        int end = pathEnd();
        return end == pathStart ? "/" : string(pathStart, end);
    }

    @Override
    public boolean pathEquals(CharSequence path) {
        int length = pathEnd() - pathStart;
        if (length != path.length()) {
            return length == 0 && path.length() == 1 && path.charAt(0) == '/';
        }
        return regionMatches(pathStart, path, false);
    }

    /**
     * Whether the path is exactly the ASCII bytes {@code path}, compared in place a word at a time: for routers,
     * which prepare their paths as bytes once.
     */
    public boolean pathEquals(byte[] path) {
        int length = pathEnd() - pathStart;
        if (length != path.length) {
            return length == 0 && path.length == 1 && path[0] == '/'; // an absolute-form target's empty path
        }
        int at = start + pathStart;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (buf.getLong(at + i) != Ascii.word(path, i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (buf.getByte(at + i) != path[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the target is {@code *} ({@code OPTIONS *}: a request about the server, not a resource). */
    public boolean isAsteriskForm() {
        return targetEnd - targetStart == 1 && buf.getByte(start + targetStart) == '*';
    }

    @Override
    public String host() {
        return authorityStart >= 0 ? string(authorityStart, authorityEnd) : header("Host");
    }

    @Override
    public String query() {
        return queryStart < 0 ? null : string(queryStart + 1, targetEnd);
    }

    @Override
    public String queryParam(String name) {
        if (queryStart < 0) {
            return null;
        }
        int i = queryStart + 1;
        while (i < targetEnd) {
            int end = indexOf(i, targetEnd, '&');
            int eq = indexOf(i, end, '=');
            if (eq - i == name.length() && regionMatches(i, name, false)) {
                return eq == end ? "" : formValue(eq + 1, end);
            }
            i = end + 1;
        }
        return null;
    }

    @Override
    public int headerCount() {
        return headerCount;
    }

    @Override
    public String headerName(int index) {
        int i = checkHeader(index);
        return string(headers[i], headers[i + 1]);
    }

    @Override
    public String headerValue(int index) {
        int i = checkHeader(index);
        return string(headers[i + 2], headers[i + 3]);
    }

    @Override
    public boolean hasHeader(CharSequence name) {
        return find(name) >= 0;
    }

    @Override
    public String header(CharSequence name) {
        int i = find(name);
        return i < 0 ? null : string(headers[i + 2], headers[i + 3]);
    }

    @Override
    public boolean headerEquals(CharSequence name, CharSequence value) {
        int i = find(name);
        return i >= 0 && headers[i + 3] - headers[i + 2] == value.length() && regionMatches(headers[i + 2], value, true);
    }

    /**
     * Keeps this request's bytes alive beyond the completion of its {@code Mono}, for work that cannot be cancelled
     * (a blocking call on another thread); each call must be paired with one {@link #releaseBytes()}.
     */
    public void retainBytes() {
        buf.retain();
    }

    /** Gives back what {@link #retainBytes()} took. */
    public void releaseBytes() {
        buf.release();
    }

    @Override
    public ByteBuf body() {
        checkAggregated();
        return buf.slice(start + bodyStart, bodyLength).asReadOnly();
    }

    @Override
    public String bodyAsString(Charset charset) {
        checkAggregated();
        return buf.toString(start + bodyStart, bodyLength, charset);
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    @Override
    public boolean isChunked() {
        return chunked;
    }

    @Override
    public boolean isBodyStreamed() {
        return stream != null;
    }

    @Override
    public Flux<ByteBuf> bodyStream() {
        if (stream != null) {
            return stream;
        }
        return bodyLength == 0 ? Flux.empty() : Flux.just(body());
    }

    /**
     * Whether the streamed body ended in an error (malformed framing, a deadline, the input ended): the connection
     * ends after the response, which must say so.
     */
    public boolean bodyFailed() {
        return stream != null && stream.failed();
    }

    /**
     * Drops a streamed body once its response is complete: pieces are released as they arrive, so that the next
     * request can be read, and a subscriber that has not finished hears that the request is over.
     */
    public void discardBody() {
        if (stream != null) {
            stream.discard();
        }
    }

    /** Records the template of the route that matched ({@code /users/{id}}); for the router. */
    public void route(String template) {
        route = template;
    }

    /** {@return the template of the route that matched, or null} */
    public String route() {
        return route;
    }

    /** Records the parameters of the route that matched, as name, value pairs; for the router. */
    public void pathParams(String[] namesAndValues) {
        pathParams = namesAndValues;
    }

    @Override
    public String pathParam(String name) {
        String[] p = pathParams;
        if (p != null) {
            for (int i = 0; i < p.length; i += 2) {
                if (p[i].equals(name)) {
                    return p[i + 1];
                }
            }
        }
        return null;
    }

    @Override
    public Object attribute(String name) {
        Object[] a = attributes;
        if (a != null) {
            for (int i = 0; i < a.length && a[i] != null; i += 2) {
                if (a[i].equals(name)) {
                    return a[i + 1];
                }
            }
        }
        return null;
    }

    @Override
    public void attribute(String name, Object value) {
        Object[] a = attributes;
        if (a == null) {
            a = attributes = new Object[8];
        }
        int i = 0;
        while (i < a.length && a[i] != null && !a[i].equals(name)) {
            i += 2;
        }
        if (i == a.length) {
            a = attributes = java.util.Arrays.copyOf(a, a.length * 2);
        }
        a[i] = name;
        a[i + 1] = value;
    }

    @Override
    public String toString() {
        return method + " " + uri() + (http11 ? " HTTP/1.1" : " HTTP/1.0");
    }

    private void checkAggregated() {
        if (stream != null) {
            throw new IllegalStateException("the body of " + this + " is streamed: read it from bodyStream()");
        }
    }

    private int pathEnd() {
        return queryStart < 0 ? targetEnd : queryStart;
    }

    private int find(CharSequence name) {
        int length = name.length();
        for (int i = 0, end = headerCount * HEADER_SLOTS; i < end; i += HEADER_SLOTS) {
            if (headers[i + 1] - headers[i] == length && regionMatches(headers[i], name, true)) {
                return i;
            }
        }
        return -1;
    }

    private int checkHeader(int index) {
        if (index < 0 || index >= headerCount) {
            throw new IndexOutOfBoundsException("header " + index + " of " + headerCount);
        }
        return index * HEADER_SLOTS;
    }

    private boolean regionMatches(int offset, CharSequence text, boolean ignoreCase) {
        return Ascii.regionMatches(buf, start + offset, text, ignoreCase);
    }

    private int indexOf(int from, int to, char c) {
        int i = buf.indexOf(start + from, start + to, (byte) c);
        return i < 0 ? to : i - start;
    }

    /**
     * The form-encoded value at {@code [from, to)}, decoded as the WHATWG URL standard's urlencoded parser does:
     * {@code +} is a space, {@code %XX} a byte, and a {@code %} without two hex digits after it stays as sent (a
     * malformed escape is the client's, and must not fail the service that reads it); then the bytes as UTF-8.
     */
    private String formValue(int from, int to) {
        byte[] decoded = new byte[to - from];
        int length = 0;
        for (int i = start + from, end = start + to; i < end; i++) {
            byte b = buf.getByte(i);
            int high;
            int low;
            if (b == '+') {
                b = ' ';
            } else if (b == '%' && i + 2 < end && (high = Ascii.hexValue(buf.getByte(i + 1))) >= 0
                    && (low = Ascii.hexValue(buf.getByte(i + 2))) >= 0) {
                b = (byte) (high << 4 | low);
                i += 2;
            }
            decoded[length++] = b;
        }
        return new String(decoded, 0, length, StandardCharsets.UTF_8);
    }

    private String string(int from, int to) {
        return buf.toString(start + from, to - from, StandardCharsets.ISO_8859_1);
    }
}
