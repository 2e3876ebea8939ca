package minihttp.server;

/** How a connection turns reads into responses: set with {@link HttpServer#pipeline}. */
public enum Pipeline {
    /**
     * The server's own: the responses of each read in one buffer and one write, services called concurrently,
     * with deadlines, an output budget, streamed bodies and graceful drain. The default.
     */
    BATCHED,
    /**
     * The obvious composition, for study and measurement: one request at a time through {@code concatMap}, a
     * write per response, no deadlines, output budget, streamed bodies or drain (see the engine's
     * {@code SimpleConnection}).
     */
    SIMPLE;

    /**
     * Parses a pipeline's name, as on the command line.
     *
     * @param name {@code batched} or {@code simple}, in any case
     * @return the pipeline
     */
    public static Pipeline parse(String name) {
        for (Pipeline p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pipeline: " + name + " (batched or simple)");
    }
}
