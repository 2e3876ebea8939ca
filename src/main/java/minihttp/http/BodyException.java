package minihttp.http;

/**
 * Ends a streamed request body that cannot be completed: its framing turned out malformed, or the connection
 * closed before its end. The server answers a service that fails with it with {@link #status()}.
 */
public final class BodyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The status to answer the request with. */
    private final HttpStatus status;

    /**
     * A body that ended with {@code status}.
     *
     * @param status the status to answer the request with
     * @param message what went wrong, for the response body
     */
    public BodyException(HttpStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /**
     * The status the server answers the request with.
     *
     * @return the status
     */
    public HttpStatus status() {
        return status;
    }
}
