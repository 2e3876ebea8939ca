package minihttp.internal.codec;

/**
 * How the backpressure of a streamed request body reaches the socket: reading pauses while the body's subscriber
 * lags behind, and resumes once it has caught up. Both may be called from any thread.
 */
public interface ReadControl {

    /** Never pauses: for decoders that aggregate every body, and for tests. */
    ReadControl NONE = new ReadControl() {
        @Override
        public void pauseReads() { }

        @Override
        public void resumeReads() { }
    };

    void pauseReads();

    void resumeReads();
}
