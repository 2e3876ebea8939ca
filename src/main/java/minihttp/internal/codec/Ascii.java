package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import minihttp.http.Request;

/** Byte classes of the HTTP grammar (RFC 9110 section 5.6) and in-place ASCII comparisons. */
final class Ascii {

    static final byte SP = ' ';
    static final byte HTAB = '\t';
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte COLON = ':';

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] TARGET_CHAR = new boolean[256];
    private static final boolean[] FIELD_VALUE_CHAR = new boolean[256];
    private static final boolean[] REG_NAME_CHAR = new boolean[256];
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        // Request targets are visible ASCII only (RFC 9112 section 3.2); spaces and CTLs end or break them, and so
        // does '#': no form of request-target has a fragment.
        for (int c = 0x21; c < 0x7f; c++) {
            TARGET_CHAR[c] = c != '#';
        }
        // reg-name (RFC 3986 section 3.2.2): unreserved and sub-delims, pct-encoded aside. Not ',' though: a Host
        // "a,b" reads as two Host fields folded into one list, so it is refused rather than guessed at.
        for (int c = 0; c < 128; c++) {
            REG_NAME_CHAR[c] = TCHAR[c] && c != '#' && c != '%' && c != '^' && c != '`' && c != '|';
        }
        for (char c : "()*;=".toCharArray()) {
            REG_NAME_CHAR[c] = true;
        }
        // field-value: VCHAR, obs-text, SP and HTAB; every other CTL (NUL, bare CR, ...) is an error.
        for (int c = 0x20; c < 256; c++) {
            FIELD_VALUE_CHAR[c] = c != 0x7f;
        }
        FIELD_VALUE_CHAR[HTAB] = true;
        java.util.Arrays.fill(HEX_VALUE, (byte) -1);
        for (int c = 0; c < 10; c++) {
            HEX_VALUE['0' + c] = (byte) c;
        }
        for (int c = 0; c < 6; c++) {
            HEX_VALUE['a' + c] = (byte) (10 + c);
            HEX_VALUE['A' + c] = (byte) (10 + c);
        }
    }

    // Eight bytes at a time ("SWAR"): long runs such as targets and field values are checked one word at a time,
    // and only a word that may hold a bad byte is looked at byte by byte.
    private static final VarHandle WORD_AT = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle WORD_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int WORD = Long.BYTES;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** The bit that tells lower from upper case in ASCII letters, in every byte. */
    private static final long CASE_BITS = 0x2020202020202020L;

    private Ascii() {}

    /** The eight bytes at {@code i} as one big-endian long, the order of {@link ByteBuf#getLong}. */
    static long word(byte[] bytes, int i) {
        return (long) WORD_AT.get(bytes, i);
    }

    /** The end of the token (method, field name) starting at {@code from}: the first other byte, or {@code to}. */
    static int tokenEnd(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && TCHAR[bytes[i] & 0xff]) {
            i++;
        }
        return i;
    }

    /** Whether {@code s} is a token (RFC 9110 section 5.6.2): one or more tchar, as a field name must be. */
    static boolean isToken(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff || !TCHAR[c]) {
                return false;
            }
        }
        return s.length() > 0;
    }

    /**
     * Whether {@code s} may be sent as a field value or reason phrase (RFC 9110 section 5.5): visible characters,
     * obs-text, spaces and tabs; no other control, nor what ISO-8859-1 cannot encode.
     */
    static boolean isFieldText(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    /** The value of a hex digit, or -1 for any other byte. */
    static int hexValue(byte b) {
        return HEX_VALUE[b & 0xff];
    }

    /** The first byte in {@code [from, to)} that cannot be in a request target, or -1. */
    static int invalidTarget(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + WORD <= to; i += WORD) {
            long word = word(bytes, i);
            if ((word & HIGH_BITS) != 0 || anyBelow(word, 0x21) || anyEqual(word, 0x7f)
                    || anyEqual(word, '#')) {
                return firstNotIn(bytes, i, i + WORD, TARGET_CHAR);
            }
        }
        return firstNotIn(bytes, i, to, TARGET_CHAR);
    }

    /** The first byte in {@code [from, to)} that cannot be in a field value, or -1. */
    static int invalidFieldValue(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + WORD <= to; i += WORD) {
            long word = word(bytes, i);
            // HTAB is below 0x20 but allowed, so a flagged word may still be valid.
            if (anyBelow(word, 0x20) || anyEqual(word, 0x7f)) {
                int bad = firstNotIn(bytes, i, i + WORD, FIELD_VALUE_CHAR);
                if (bad >= 0) {
                    return bad;
                }
            }
        }
        return firstNotIn(bytes, i, to, FIELD_VALUE_CHAR);
    }

    /**
     * Whether {@code [from, to)} is exactly {@code uri-host [ ":" port ]} (RFC 9110 sections 4.2.1 and 7.2): a
     * non-empty reg-name or IPv4 address (pct-encoding allowed), or an IP literal in brackets (its inside checked
     * for the bytes it may hold, not parsed as an address), then an optional port of digits. No userinfo, path,
     * list or whitespace: one scan of a short value.
     */
    static boolean isHostAndPort(byte[] bytes, int from, int to) {
        int i = from;
        if (i < to && bytes[i] == '[') {
            int close = indexOf(bytes, i + 1, to, (byte) ']');
            if (close <= i + 1) {
                return false;
            }
            for (int j = i + 1; j < close; j++) {
                if (!REG_NAME_CHAR[bytes[j] & 0xff] && bytes[j] != COLON) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (;;) {
                while (i < to && REG_NAME_CHAR[bytes[i] & 0xff]) {
                    i++;
                }
                if (i + 2 < to && bytes[i] == '%' && hexValue(bytes[i + 1]) >= 0 && hexValue(bytes[i + 2]) >= 0) {
                    i += 3;
                } else {
                    break;
                }
            }
            if (i == from) {
                return false; // an empty host is invalid for http and https (RFC 9110 section 4.2.1)
            }
        }
        if (i < to && bytes[i] == COLON) {
            i++;
            while (i < to && isDigit(bytes[i])) {
                i++;
            }
        }
        return i == to;
    }

    /**
     * The index past the quoted-string whose DQUOTE is at {@code from} (RFC 9110 section 5.6.4), or -1 when it is
     * malformed or not closed before {@code to}.
     */
    static int quotedStringEnd(byte[] bytes, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            byte b = bytes[i];
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\' && ++i == to || !FIELD_VALUE_CHAR[bytes[i] & 0xff]) {
                return -1; // a quoted-pair cut short, or a CTL: qdtext and quoted-pair are field-value bytes
            }
        }
        return -1;
    }

    /** The first index at or after {@code from} that is not SP or HTAB, or {@code to}. */
    static int skipWhitespace(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && isWhitespace(bytes[i])) {
            i++;
        }
        return i;
    }

    /** The first {@code b} in {@code [from, to)}, or -1: a word at a time, as Netty's {@code ByteBuf.indexOf}. */
    static int indexOf(byte[] bytes, int from, int to, byte b) {
        long pattern = ONES * (b & 0xff);
        int i = from;
        for (; i + WORD <= to; i += WORD) {
            long x = (long) WORD_LE.get(bytes, i) ^ pattern;
            long zeros = (x - ONES) & ~x & HIGH_BITS;
            if (zeros != 0) {
                return i + firstFlagged(zeros);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first control byte (below 0x20, or DEL) in {@code [from, to)}, or -1: in a field line that is where the
     * line ends (CR or LF), or a byte that cannot be there, or an HTAB (allowed in values, so callers step over
     * it). One pass a word at a time, so that a header line is both delimited and checked with one scan.
     */
    static int firstControl(byte[] bytes, int from, int to) {
        int i = from;
        // Two words per step: header values are long enough that halving the branches pays.
        for (; i + 2 * WORD <= to; i += 2 * WORD) {
            long low = controls((long) WORD_LE.get(bytes, i));
            long high = controls((long) WORD_LE.get(bytes, i + WORD));
            if ((low | high) != 0) {
                return low != 0 ? i + firstFlagged(low) : i + WORD + firstFlagged(high);
            }
        }
        for (; i + WORD <= to; i += WORD) {
            long flags = controls((long) WORD_LE.get(bytes, i));
            if (flags != 0) {
                return i + firstFlagged(flags);
            }
        }
        for (; i < to; i++) {
            byte b = bytes[i];
            if (b >= 0 && b < 0x20 || b == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    /** The high bit of each control byte of a little-endian {@code word}; the lowest one set is a true match. */
    private static long controls(long word) {
        long del = word ^ (ONES * 0x7f);
        return ((word - ONES * 0x20) & ~word | (del - ONES) & ~del) & HIGH_BITS;
    }

    /** The index in its word of the lowest flagged byte (little-endian: borrows only carry upwards). */
    private static int firstFlagged(long flags) {
        return Long.numberOfTrailingZeros(flags) >>> 3;
    }

    /** Whether a byte of {@code word} is below {@code n} (at most 0x80); exact, as in "Bit Twiddling Hacks". */
    private static boolean anyBelow(long word, int n) {
        return ((word - ONES * n) & ~word & HIGH_BITS) != 0;
    }

    /** Whether a byte of {@code word} equals {@code b}. */
    private static boolean anyEqual(long word, int b) {
        long x = word ^ (ONES * b);
        return ((x - ONES) & ~x & HIGH_BITS) != 0;
    }

    private static int firstNotIn(byte[] bytes, int from, int to, boolean[] byteClass) {
        for (int i = from; i < to; i++) {
            if (!byteClass[bytes[i] & 0xff]) {
                return i;
            }
        }
        return -1;
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean isWhitespace(byte b) {
        return b == SP || b == HTAB;
    }

    /** Whether the bytes at {@code index} spell {@code text}, ASCII case folded when {@code ignoreCase}. */
    static boolean regionMatches(ByteBuf buf, int index, CharSequence text, boolean ignoreCase) {
        for (int i = 0, n = text.length(); i < n; i++) {
            int a = buf.getByte(index + i);
            int b = text.charAt(i);
            if (a != b && (!ignoreCase || toLower(a) != toLower(b))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A name to compare with {@link #equalsIgnoreCase}: lower-case letters, digits and '-' only, as bytes. For such
     * a name, OR-ing 0x20 into a byte folds its case exactly, as long as the byte was validated as a token or a
     * field value: the only other bytes that fold onto those characters are CTLs (CR onto '-', 0x10-0x19 onto
     * the digits), which never get that far.
     */
    static byte[] name(String lowerCase) {
        if (!lowerCase.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
            throw new IllegalArgumentException("not a lower-case name: " + lowerCase);
        }
        return lowerCase.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Whether the validated bytes {@code bytes[from, to)} spell {@code name} (from {@link #name}), in any case. */
    static boolean equalsIgnoreCase(byte[] bytes, int from, int to, byte[] name) {
        int n = name.length;
        if (to - from != n) {
            return false;
        }
        int i = 0;
        for (; i + WORD <= n; i += WORD) {
            if ((word(bytes, from + i) | CASE_BITS) != word(name, i)) {
                return false;
            }
        }
        for (; i < n; i++) {
            if ((bytes[from + i] | 0x20) != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@link #listMembers}: the list holds {@code name}. */
    static final int LIST_HAS_NAME = 1;
    /** {@link #listMembers}: the list holds a member other than {@code name}. */
    static final int LIST_HAS_OTHER = 2;
    /** {@link #listMembers}: the list holds {@code name} more than once. */
    static final int LIST_HAS_NAME_TWICE = 4;
    /** {@link #listMembers}: the last member of the list is {@code name}. */
    static final int LIST_ENDS_WITH_NAME = 8;

    /** Whether the comma-separated list at {@code [from, to)} holds {@code name}, in any case (RFC 9110 5.6.1). */
    static boolean listContains(byte[] bytes, int from, int to, byte[] name) {
        return (listMembers(bytes, from, to, name) & LIST_HAS_NAME) != 0;
    }

    /**
     * What the comma-separated list at {@code [from, to)} holds (RFC 9110 section 5.6.1): {@link #LIST_HAS_NAME} if
     * {@code name} (in any case), {@link #LIST_HAS_OTHER} if any other member, {@link #LIST_HAS_NAME_TWICE} and
     * {@link #LIST_ENDS_WITH_NAME} as they say; empty members count for nothing. The one place lists are split.
     */
    static int listMembers(byte[] bytes, int from, int to, byte[] name) {
        int members = 0;
        int i = from;
        while (i < to) {
            int end = indexOf(bytes, i, to, (byte) ',');
            if (end < 0) {
                end = to;
            }
            int s = i;
            int e = end;
            while (s < e && isWhitespace(bytes[s])) {
                s++;
            }
            while (e > s && isWhitespace(bytes[e - 1])) {
                e--;
            }
            if (e > s) {
                if (equalsIgnoreCase(bytes, s, e, name)) {
                    members |= (members & LIST_HAS_NAME) != 0 ? LIST_HAS_NAME_TWICE | LIST_ENDS_WITH_NAME
                            : LIST_HAS_NAME | LIST_ENDS_WITH_NAME;
                } else {
                    members = members & ~LIST_ENDS_WITH_NAME | LIST_HAS_OTHER;
                }
            }
            i = end + 1;
        }
        return members;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
