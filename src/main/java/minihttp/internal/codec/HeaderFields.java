package minihttp.internal.codec;

import java.util.Arrays;

/** A response's header fields as name, value pairs: checked once, set by name without duplicates. */
public final class HeaderFields {

    private HeaderFields() {}

    /**
     * Refuses a name that is no token, a value with a control character (CR and LF would split the response) or
     * a character ISO-8859-1 cannot encode, and what the encoder writes itself.
     */
    public static void check(CharSequence name, CharSequence value) {
        if (!Ascii.isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: \"" + name + "\"");
        }
        if (!Ascii.isFieldText(value)) {
            throw new IllegalArgumentException("header " + name + " has a control character, or one ISO-8859-1 cannot"
                    + " encode, in its value");
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
}
