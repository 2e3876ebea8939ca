package minihttp.codec;

/** The request methods of RFC 9110 and PATCH; anything else decodes as {@link #OTHER}. */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private static final Method[] VALUES = values();
    /** Recognises a method from the first {@code length} bytes of {@code line} without allocating. */
    static Method of(byte[] line, int length) {
        for (int i = 0; i < VALUES.length - 1; i++) {
            Method m = VALUES[i];
            if (matches(line, length, m.name())) {
                return m;
            }
        }
        return OTHER;
    }

    private static boolean matches(byte[] line, int length, String name) {
        if (name.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (line[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
