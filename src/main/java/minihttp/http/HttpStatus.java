package minihttp.http;

import minihttp.service.Service;

/** An HTTP status with its status line precomputed as bytes; the common ones are constants. */
public final class HttpStatus {

    public static final HttpStatus CONTINUE = new HttpStatus(100, "Continue");
    public static final HttpStatus OK = new HttpStatus(200, "OK");
    public static final HttpStatus CREATED = new HttpStatus(201, "Created");
    public static final HttpStatus NO_CONTENT = new HttpStatus(204, "No Content");
    public static final HttpStatus BAD_REQUEST = new HttpStatus(400, "Bad Request");
    public static final HttpStatus NOT_FOUND = new HttpStatus(404, "Not Found");
    public static final HttpStatus METHOD_NOT_ALLOWED = new HttpStatus(405, "Method Not Allowed");
    public static final HttpStatus REQUEST_TIMEOUT = new HttpStatus(408, "Request Timeout");
    public static final HttpStatus CONTENT_TOO_LARGE = new HttpStatus(413, "Content Too Large");
    public static final HttpStatus URI_TOO_LONG = new HttpStatus(414, "URI Too Long");
    public static final HttpStatus EXPECTATION_FAILED = new HttpStatus(417, "Expectation Failed");
    public static final HttpStatus HEADERS_TOO_LARGE = new HttpStatus(431, "Request Header Fields Too Large");
    public static final HttpStatus INTERNAL_SERVER_ERROR = new HttpStatus(500, "Internal Server Error");
    public static final HttpStatus NOT_IMPLEMENTED = new HttpStatus(501, "Not Implemented");
    public static final HttpStatus SERVICE_UNAVAILABLE = new HttpStatus(503, "Service Unavailable");
    public static final HttpStatus VERSION_NOT_SUPPORTED = new HttpStatus(505, "HTTP Version Not Supported");

    private static final HttpStatus[] KNOWN = {
        CONTINUE, OK, CREATED, NO_CONTENT, BAD_REQUEST, NOT_FOUND, METHOD_NOT_ALLOWED, REQUEST_TIMEOUT,
        CONTENT_TOO_LARGE, URI_TOO_LONG, EXPECTATION_FAILED, HEADERS_TOO_LARGE, INTERNAL_SERVER_ERROR, NOT_IMPLEMENTED,
        SERVICE_UNAVAILABLE, VERSION_NOT_SUPPORTED,
    };

    private final int code;
    private final String reason;

    private HttpStatus(int code, String reason) {
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status code out of range: " + code);
        }
        this.code = code;
        this.reason = reason;
    }

    /** The constant for a known code, or a new status with the given reason phrase. */
    public static HttpStatus of(int code, String reason) {
        for (HttpStatus known : KNOWN) {
            if (known.code == code) {
                return known;
            }
        }
        if (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("reason phrase must not contain CR or LF");
        }
        return new HttpStatus(code, reason);
    }

    /** The three-digit code. */
    public int code() {
        return code;
    }

    /** The reason phrase. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return code + " " + reason;
    }
}
