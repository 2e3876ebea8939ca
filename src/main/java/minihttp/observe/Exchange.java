package minihttp.observe;

import java.net.SocketAddress;

/**
 * One request and the response it got, as a listener hears of it once the response is encoded.
 *
 * @param remote the client's address
 * @param method the method, as sent
 * @param target the request target, as sent
 * @param route the route template that matched ({@code /users/{id}}), or {@code null} when no route did
 * @param status the response's status code
 * @param bytes the length in bytes of the response body sent: 0 for HEAD, -1 for a stream of undeclared length
 * @param durationNanos from the read that completed the request to the response being encoded
 */
public record Exchange(SocketAddress remote, String method, String target, String route, int status, long bytes,
                       long durationNanos) {}
