package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import minihttp.http.BodyException;

/**
 * Where {@link BodyFraming} puts the bytes of a body it frames: an {@link Aggregate} that copies a chunked body
 * behind its head into one buffer, or a {@link Stream} that hands each piece to the service. (A Content-Length body
 * that is not streamed needs neither: its request is a view of the input.)
 */
abstract sealed class BodySink {

    /** Whether {@code more} bytes still fit the body's limit. */
    abstract boolean fits(long more);

    /** Takes the {@code n} bytes at the reader index of {@code in}, and moves it past them. */
    abstract void write(ByteBuf in, int n);

    /** Ends the body on an error: an aggregate is released, a stream fails with {@code error}. */
    abstract void fail(BodyException error);

    /** Ends the body on an error when the connection goes: {@link #fail}, then nobody reads what was buffered. */
    void abandon(BodyException error) {
        fail(error);
    }

    /** The head and de-chunked body of a request, copied into one buffer of the decoder's own. */
    static final class Aggregate extends BodySink {
        final ByteBuf bytes; // owned until the request is returned
        private final int headLength;
        private final long maxBody;

        Aggregate(ByteBuf bytes, int headLength, long maxBody) {
            this.bytes = bytes;
            this.headLength = headLength;
            this.maxBody = maxBody;
        }

        @Override
        boolean fits(long more) {
            return bytes.writerIndex() - headLength + more <= maxBody;
        }

        @Override
        void write(ByteBuf in, int n) {
            bytes.writeBytes(in, n);
        }

        @Override
        void fail(BodyException error) {
            bytes.release();
        }
    }

    /** A body streamed to the service whose request was handed out with its head. */
    static final class Stream extends BodySink {
        final BodyStream stream;

        Stream(BodyStream stream) {
            this.stream = stream;
        }

        @Override
        boolean fits(long more) {
            return true; // the service reads as it goes, and limits what it keeps
        }

        @Override
        void write(ByteBuf in, int n) {
            stream.next(in.readRetainedSlice(n));
        }

        @Override
        void fail(BodyException error) {
            stream.fail(error);
        }

        @Override
        void abandon(BodyException error) {
            stream.abandon(error);
        }
    }
}
