package minihttp.http;

import io.netty.buffer.ByteBuf;
import java.net.SocketAddress;
import java.nio.charset.Charset;
import minihttp.service.Service;
import reactor.core.publisher.Flux;

/**
 * An HTTP request as a service sees it: the request line, the header fields and the body.
 *
 * <p>The server's requests are views into the bytes it received, nothing copied: strings are made only when asked
 * for, and lookups such as {@link #header(CharSequence)} compare bytes in place. A request is valid until its
 * response is complete: the {@code Mono} its service returned has completed and, for a streamed response body, the
 * stream has ended. The server reuses the object afterwards, for another request whose values it then gives, so a
 * service must not keep it, or the {@link #body()} view, beyond that.
 */
public interface Request {

    /** {@return the method, {@link Method#OTHER} for one this server does not know} */
    Method method();

    /** {@return the method as sent, e.g. for {@link Method#OTHER}} */
    String methodName();

    /** {@return {@code true} for HTTP/1.1, {@code false} for HTTP/1.0} */
    boolean isHttp11();

    /** {@return whether the request asked for {@code 100 Continue} before sending its body (HTTP/1.1 only)} */
    boolean expectsContinue();

    /** {@return whether the connection stays open after this request (its version and {@code Connection} header)} */
    boolean keepAlive();

    /** {@return the request target as sent: path and query, or an absolute URI, or {@code *}} */
    String uri();

    /**
     * The path of the request target, without the query, not percent-decoded; that of an absolute-form target
     * ({@code http://host/path}) too, where an empty path is {@code /} (RFC 9110 section 4.2.3).
     *
     * @return the path
     */
    String path();

    /**
     * {@return whether the path is exactly {@code path}, compared in place (ASCII)}
     *
     * @param path the path to compare with
     */
    boolean pathEquals(CharSequence path);

    /**
     * The host and port the request is for: the authority of an absolute-form target, which overrides the
     * {@code Host} header (RFC 9112 section 3.2.2), else the {@code Host} header, or {@code null} without one.
     *
     * @return the host and optional port, or {@code null}
     */
    String host();

    /** {@return the raw query string after {@code ?}, or {@code null} when there is none} */
    String query();

    /**
     * {@return the first value of the query parameter {@code name}, decoded as a form value ({@code +} is a space,
     * {@code %XX} a byte of UTF-8, a {@code %} without two hex digits stays as sent), or {@code null}}
     *
     * @param name the parameter's name, as sent
     */
    String queryParam(String name);

    /** {@return the number of header fields, in the order received} */
    int headerCount();

    /**
     * {@return the name of header field {@code index}, as sent}
     *
     * @param index from 0 to {@link #headerCount()} - 1
     */
    String headerName(int index);

    /**
     * {@return the value of header field {@code index}, without surrounding whitespace}
     *
     * @param index from 0 to {@link #headerCount()} - 1
     */
    String headerValue(int index);

    /**
     * {@return whether a header named {@code name} (any case) is present; allocates nothing}
     *
     * @param name the field name, in any case
     */
    boolean hasHeader(CharSequence name);

    /**
     * {@return the value of the first header named {@code name} (any case), or {@code null}}
     *
     * @param name the field name, in any case
     */
    String header(CharSequence name);

    /**
     * {@return whether the first header named {@code name} has exactly the value {@code value}, ignoring case}
     *
     * @param name the field name, in any case
     * @param value the value to compare with, in any case
     */
    boolean headerEquals(CharSequence name, CharSequence value);

    /**
     * The aggregated body as a read-only view, valid as long as the request; empty when there is no body.
     * Fails for a streamed body: read that from {@link #bodyStream()}.
     *
     * @return a read-only view of the body
     */
    ByteBuf body();

    /**
     * {@return the aggregated body decoded with {@code charset}}
     *
     * @param charset the body's character set
     */
    String bodyAsString(Charset charset);

    /** {@return the declared {@code Content-Length}, or -1 when there is none (no body, or a chunked one)} */
    long contentLength();

    /** {@return whether the body is sent with the chunked transfer coding} */
    boolean isChunked();

    /**
     * Whether the body comes as a stream ({@link #bodyStream()}), because the service asked for it with
     * {@code Service#streamsBody}; if not, it is aggregated and {@link #body()} holds all of it.
     *
     * @return whether the body is streamed
     */
    boolean isBodyStreamed();

    /**
     * The body as a {@code Flux} of pieces, for one subscriber. A streamed body emits the pieces as they arrive,
     * with backpressure that pauses reading from the socket; an aggregated body is one piece (none when empty).
     *
     * <p>Ownership: each piece is lent for the duration of {@code onNext} and released by the server when it
     * returns; retain it to keep it longer (and release it then). Pieces never delivered are released by the
     * server. The stream fails with a {@link BodyException} when the body's framing turns out malformed or the
     * connection closes before its end.
     *
     * @return the body's pieces
     */
    Flux<ByteBuf> bodyStream();

    /**
     * A parameter of the route that matched: {@code id} of {@code /users/{id}}, or {@code *} for the rest of the
     * path under a {@code /static/*} route.
     *
     * @param name the parameter's name, as in the route
     * @return its value, as sent (not percent-decoded), or {@code null}
     */
    String pathParam(String name);

    /**
     * A value set on this request by a filter or service before, for those after it.
     *
     * @param name the attribute's name
     * @return its value, or {@code null}
     */
    Object attribute(String name);

    /**
     * Sets a value on this request for the filters and services after this one; it lives as long as the request.
     *
     * @param name the attribute's name
     * @param value its value; {@code null} clears it
     */
    void attribute(String name, Object value);

    /** {@return the client's address, or {@code null} for a request made away from a socket} */
    SocketAddress remoteAddress();

    /** {@return the server's address the client connected to, or {@code null} away from a socket} */
    SocketAddress localAddress();

    /** {@return {@code https} for a request that came over TLS, else {@code http}} */
    String scheme();
}
