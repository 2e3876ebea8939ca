package minihttp.http;

/**
 * Ends a streamed request body that cannot be completed: its framing turned out malformed, or the connection
 * closed before its end. The server answers a service that fails with it with {@link #status()}.
 */
public final class BodyException extends RuntimeException {

    private final HttpStatus status;

    public BodyException(HttpStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
