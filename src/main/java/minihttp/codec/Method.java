package minihttp.codec;

/** The request methods of RFC 9110 and PATCH; anything else decodes as {@link #OTHER}. */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private static final Method[] VALUES = values();
    /** "GET" read as one big-endian medium: the method of nearly every request, recognised in one read. */
    private static final int GET_BYTES = 'G' << 16 | 'E' << 8 | 'T';

    /** Recognises a method from its bytes in {@code buf} without allocating. */
    static Method of(io.netty.buffer.ByteBuf buf, int start, int length) {
        if (length == 3 && buf.getMedium(start) == GET_BYTES) {
            return GET;
        }
        for (int i = 0; i < VALUES.length - 1; i++) {
            Method m = VALUES[i];
            String name = m.name();
            if (name.length() == length && matches(buf, start, name)) {
                return m;
            }
        }
        return OTHER;
    }

    private static boolean matches(io.netty.buffer.ByteBuf buf, int start, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (buf.getByte(start + i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
