package minihttp.codec;

/** The request methods of RFC 9110 and PATCH; anything else decodes as {@link #OTHER}. */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private static final Method[] VALUES = values();
    /** Recognises a method from {@code bytes[from, to)} without allocating. */
    static Method of(byte[] bytes, int from, int to) {
        for (int i = 0; i < VALUES.length - 1; i++) {
            Method m = VALUES[i];
            if (matches(bytes, from, to, m.name())) {
                return m;
            }
        }
        return OTHER;
    }

    private static boolean matches(byte[] bytes, int from, int to, String name) {
        if (name.length() != to - from) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (bytes[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
