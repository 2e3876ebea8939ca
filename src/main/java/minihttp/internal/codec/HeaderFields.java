package minihttp.internal.codec;

import java.util.Arrays;

/** A response's header fields as name, value pairs: checked once, set by name without duplicates. */
public final class HeaderFields {

    private HeaderFields() {}

    /** Refuses what would split the response (CR, LF) and what the encoder writes itself. */
    public static void check(CharSequence name, CharSequence value) {
        checkNoLineBreak(name);
        checkNoLineBreak(value);
        if (name.length() == 0) {
            throw new IllegalArgumentException("empty header name");
        }
        String n = name.toString();
        // Connection too: the server decides whether the connection persists, and says so (a service's close would
        // be sent and not done, the requests pipelined behind it answered on a connection said to be closing).
        if (n.equalsIgnoreCase("Content-Length") || n.equalsIgnoreCase("Date")
                || n.equalsIgnoreCase("Transfer-Encoding") || n.equalsIgnoreCase("Connection")) {
            throw new IllegalArgumentException(name + " is set by the encoder");
        }
    }

    /** {@code fields} with {@code name} set to {@code value}: the first field of that name replaced, else added. */
    public static String[] set(String[] fields, String name, String value) {
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                String[] copy = fields.clone();
                copy[i + 1] = value;
                return copy;
            }
        }
        String[] copy = Arrays.copyOf(fields, fields.length + 2);
        copy[fields.length] = name;
        copy[fields.length + 1] = value;
        return copy;
    }

    private static void checkNoLineBreak(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new IllegalArgumentException("header contains CR or LF: " + s);
            }
        }
    }
}
