package minihttp.internal.codec;

import static minihttp.internal.codec.Ascii.CR;
import static minihttp.internal.codec.Ascii.LF;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * A decoder's view of the scratch copy that lines are searched and parsed in: the input bytes {@code [start, end)}
 * copied to {@link #bytes()} at window index 0. Indexing an array costs a fraction of a call to
 * {@code ByteBuf.getByte} or {@code indexOf} (Netty's {@code HttpObjectDecoder} splits its header lines from a scratch
 * copy too); requests stay views into the input, and one fill usually covers many pipelined requests.
 *
 * <p>Three index systems meet here, and are translated only here: input indices (of the read's buffer), window
 * indices ({@code input - start}) and request offsets (relative to the start of the request being decoded, see
 * {@link #toRequestOffset}).
 *
 * <p>The array is one per thread: a read only needs it until its end, and the connections of an event loop take
 * turns, so sharing it keeps it in cache where one per connection would be cold at every read. A window holds its
 * bytes only if it filled the array last (another decoder of the thread may have since) during this read.
 */
final class Window {

    /** Room for many pipelined request heads, so that one copy serves them all. */
    private static final int INITIAL_SIZE = 4096;

    /** The array of one thread, and the window that filled it last. */
    private static final class Scratch {
        byte[] bytes = new byte[INITIAL_SIZE];
        Window owner;
    }

    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    private Scratch scratch; // the thread's, taken at each read
    private ByteBuf input;
    /** The input indices held: {@code [start, end)}, at window indices {@code [0, end - start)}. */
    int start;
    int end;

    /** Starts a read of {@code in}: nothing of it is held yet. */
    void begin(ByteBuf in) {
        end = start;
        scratch = SCRATCH.get();
        input = in;
    }

    /** Ends the read: its bytes may be gone by the next. */
    void endRead() {
        end = start;
        input = null;
    }

    /** The array, holding input index {@code i} at window index {@code i - start} while {@link #holds} says so. */
    byte[] bytes() {
        return scratch.bytes;
    }

    /** Whether the window holds the input byte at {@code from}. */
    boolean holds(int from) {
        return from >= start && from < end && scratch.owner == this;
    }

    /** The window index of input index {@code inputIndex}. */
    int index(int inputIndex) {
        return inputIndex - start;
    }

    /** What a window index plus this is as an offset in the request whose first byte is at input index {@code base}. */
    int toRequestOffset(int base) {
        return start - base;
    }

    /**
     * The input index of the first LF in the {@code limit} bytes of input from {@code from}, or -1, searched in the
     * window, which is filled with the input from {@code from} on when the search runs past it (and grown when the
     * line fills it: long, not endless).
     */
    int lineFeed(int from, int limit) {
        int to = Math.min(input.writerIndex(), from + limit);
        for (;;) {
            if (holds(from)) {
                byte[] window = scratch.bytes;
                int lf = Ascii.indexOf(window, from - start, Math.min(to, end) - start, LF);
                if (lf >= 0) {
                    return start + lf;
                }
                if (end >= to) {
                    return -1;
                }
                if (start == from) {
                    scratch.bytes = new byte[window.length * 2];
                }
            }
            byte[] window = scratch.bytes;
            int length = Math.min(input.writerIndex() - from, window.length);
            if (length == 0) {
                return -1;
            }
            input.getBytes(from, window, 0, length);
            scratch.owner = this;
            start = from;
            end = from + length;
        }
    }

    /**
     * The window index where the content of the line from window index {@code from} to the LF at window index
     * {@code lf} ends: before a CRLF, or before a bare LF.
     */
    int contentEnd(int from, int lf) {
        return lf > from && scratch.bytes[lf - 1] == CR ? lf - 1 : lf;
    }

    /** Whether the line from window index {@code from} to the LF at window index {@code lf} ends in CRLF. */
    boolean endsInCrlf(int from, int lf) {
        return lf > from && scratch.bytes[lf - 1] == CR;
    }
}
