package minihttp.server;

/**
 * What a client may send before the server answers with an error status instead. {@code maxBody} bounds aggregated
 * bodies only; a streamed body is never held whole, so its size is the service's business.
 *
 * @param maxRequestLine the longest request line, in bytes (414 beyond)
 * @param maxHeaderBytes the largest header section, and trailer section, in bytes (431 beyond)
 * @param maxHeaders the most header fields (431 beyond)
 * @param maxBody the largest aggregated body, in bytes (413 beyond)
 */
public record Limits(int maxRequestLine, int maxHeaderBytes, int maxHeaders, int maxBody) {

    /** 8 KiB request line (414), 16 KiB of headers (and of trailers) or 100 of them (431), 1 MiB of body (413). */
    public static final Limits DEFAULT = new Limits(8 * 1024, 16 * 1024, 100, 1024 * 1024);

    /**
     * Checks that each limit leaves room for a minimal request.
     *
     * @param maxRequestLine the longest request line, in bytes (414 beyond)
     * @param maxHeaderBytes the largest header section, and trailer section, in bytes (431 beyond)
     * @param maxHeaders the most header fields (431 beyond)
     * @param maxBody the largest aggregated body, in bytes (413 beyond)
     */
    public Limits {
        if (maxRequestLine < 16 || maxHeaderBytes < 16 || maxHeaders < 1 || maxBody < 0) {
            throw new IllegalArgumentException("limits out of range: " + maxRequestLine + ", " + maxHeaderBytes
                    + ", " + maxHeaders + ", " + maxBody);
        }
    }

    /**
     * Changes the bound on aggregated bodies.
     *
     * @param maxBody the largest aggregated body, in bytes
     * @return these limits with another bound on aggregated bodies
     */
    public Limits withMaxBody(int maxBody) {
        return new Limits(maxRequestLine, maxHeaderBytes, maxHeaders, maxBody);
    }
}
