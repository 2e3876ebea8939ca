package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The bytes of a request that a read left incomplete, which the next read is appended to. A read that leaves
 * nothing incomplete keeps nothing, and what is kept grows with what arrives, never with what a head declares.
 */
final class Cumulation {

    private static final int MIN_CAPACITY = 256;

    private final ByteBufAllocator alloc;
    private ByteBuf kept; // owned, or null

    Cumulation(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * The bytes to decode for a read of {@code in}: {@code in} itself when nothing is kept, else what is kept with
     * {@code in} appended. {@code awaited} is the length of the Content-Length request being awaited, from its
     * first byte, or 0: the buffer grows by doubling but no further than it, so that a body at the limit is
     * gathered in a buffer of its size, not twice it. What is kept is this object's alone when a read comes (see
     * {@link #keep}), so it may move.
     */
    ByteBuf append(ByteBuf in, int awaited) {
        if (kept == null) {
            return in;
        }
        long needed = (long) kept.writerIndex() + in.readableBytes();
        if (needed > kept.capacity()) {
            long cap = awaited > 0 ? (long) kept.readerIndex() + awaited : Integer.MAX_VALUE;
            kept.capacity((int) Math.max(needed, Math.min(2L * kept.capacity(), cap)));
        }
        kept.writeBytes(in);
        return kept;
    }

    /**
     * Ends a read of {@code decoded} (what {@link #append} returned): keeps what is left of it unread. A request
     * detached from the decoder may still read those bytes on another thread, so then they are copied rather
     * than moved.
     */
    void keep(ByteBuf decoded) {
        if (decoded != kept) {
            if (decoded.isReadable()) {
                kept = copyOf(decoded);
            }
        } else if (!decoded.isReadable()) {
            kept = null;
            decoded.release();
        } else if (decoded.refCnt() > 1) {
            kept = copyOf(decoded);
            decoded.release();
        } else {
            decoded.discardSomeReadBytes();
        }
    }

    /** Whether bytes of an incomplete request are kept. */
    boolean isReadable() {
        return kept != null && kept.isReadable();
    }

    /** Lets go of what is kept. */
    void release() {
        if (kept != null) {
            kept.release();
            kept = null;
        }
    }

    /** For tests: the capacity of what is kept, or 0. */
    int capacity() {
        return kept == null ? 0 : kept.capacity();
    }

    private ByteBuf copyOf(ByteBuf b) {
        int length = b.readableBytes();
        ByteBuf copy = alloc.buffer(Math.max(length, MIN_CAPACITY));
        copy.writeBytes(b, b.readerIndex(), length);
        return copy;
    }
}
