package minihttp.service;

import java.util.ArrayList;
import java.util.List;

/**
 * A route path with parameters: {@code /users/{id}} matches one non-empty segment as {@code id}, and a trailing
 * {@code /*} matches the rest of the path, possibly empty, as {@code *}. Segments are compared as sent (not
 * percent-decoded), as the router compares exact paths.
 */
final class PathPattern {

    /** The parameter name of a trailing wildcard. */
    static final String REST = "*";

    private final String pattern;
    /** A literal segment, or null where {@link #names} has the parameter's name. */
    private final String[] literals;
    private final String[] names;
    private final boolean rest;

    private PathPattern(String pattern, String[] literals, String[] names, boolean rest) {
        this.pattern = pattern;
        this.literals = literals;
        this.names = names;
        this.rest = rest;
    }

    /**
     * Whether {@code path} has parameters or a wildcard, and so needs a pattern rather than an exact match; braces
     * and {@code *} are read as pattern syntax wherever they are, so that a misplaced one is refused.
     */
    static boolean isPattern(String path) {
        return path.indexOf('{') >= 0 || path.indexOf('}') >= 0 || path.indexOf('*') >= 0;
    }

    /**
     * Parses a route path; a malformed one (an unclosed brace, a wildcard not at the end, a parameter name other
     * than letters, digits, {@code _} and {@code -}) is refused.
     */
    static PathPattern parse(String path) {
        boolean rest = path.endsWith("/*");
        String body = rest ? path.substring(0, path.length() - 2) : path;
        String[] segments = body.isEmpty() ? new String[0] : body.substring(1).split("/", -1);
        String[] literals = new String[segments.length];
        String[] names = new String[segments.length];
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.startsWith("{") && segment.endsWith("}") && segment.length() > 2) {
                String name = segment.substring(1, segment.length() - 1);
                if (!name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')
                        || seen.contains(name)) {
                    throw new IllegalArgumentException("bad parameter " + segment + " in route " + path);
                }
                seen.add(name);
                names[i] = name;
            } else if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0 || segment.indexOf('*') >= 0) {
                throw new IllegalArgumentException("a parameter is a whole segment {name}, and * only ends a route: "
                        + path);
            } else {
                literals[i] = segment;
            }
        }
        return new PathPattern(path, literals, names, rest);
    }

    /** The route path as registered. */
    String pattern() {
        return pattern;
    }

    /**
     * The parameters of {@code path} as name, value pairs, or {@code null} when it does not match. The path is
     * the request's, without its query.
     */
    String[] match(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return null;
        }
        int params = rest ? 1 : 0;
        for (String name : names) {
            if (name != null) {
                params++;
            }
        }
        String[] values = new String[params * 2];
        int at = 0;
        int start = 1; // after the slash before the current segment
        for (int i = 0; i < literals.length; i++) {
            if (start > path.length()) {
                return null;
            }
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (names[i] != null) {
                if (end == start) {
                    return null; // a parameter matches a non-empty segment
                }
                values[at++] = names[i];
                values[at++] = path.substring(start, end);
            } else if (end - start != literals[i].length() || !path.startsWith(literals[i], start)) {
                return null;
            }
            start = end + 1;
        }
        if (rest) {
            values[at++] = REST;
            values[at] = start > path.length() ? "" : path.substring(start);
            // "/static/*" matches "/static" and "/static/", and everything below them
            return start <= path.length() + 1 ? values : null;
        }
        return start == path.length() + 1 ? values : null;
    }
}
