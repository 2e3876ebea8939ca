package minihttp.internal.codec;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * One object per thread, kept between uses: what a connection needs only while a read is in progress (its batch,
 * its parsers, its request object) is shared by the connections of an event loop, which take turns. An idle
 * connection then holds none of it, and at many connections the one in use stays in cache.
 *
 * @param <T> what is kept
 */
public final class ThreadSpare<T> {

    private final FastThreadLocal<Object[]> slot = new FastThreadLocal<>() {
        @Override
        protected Object[] initialValue() {
            return new Object[1];
        }
    };

    /** The thread's spare, taken: the slot is empty until {@link #giveBack}; null if it was. */
    @SuppressWarnings("unchecked")
    public T take() {
        Object[] spare = slot.get();
        T value = (T) spare[0];
        spare[0] = null;
        return value;
    }

    /** Keeps {@code value} as the thread's spare, in place of any other. */
    public void giveBack(T value) {
        slot.get()[0] = value;
    }
}
