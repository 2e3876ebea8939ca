package minihttp.http;

import java.util.Objects;
import minihttp.service.Service;

/** An HTTP status: a code and its reason phrase; the common ones are constants. */
public final class HttpStatus {

    /** 100: the client may send the request body. */
    public static final HttpStatus CONTINUE = new HttpStatus(100, "Continue");
    /** 200: success. */
    public static final HttpStatus OK = new HttpStatus(200, "OK");
    /** 201: a resource was created. */
    public static final HttpStatus CREATED = new HttpStatus(201, "Created");
    /** 204: success, no body. */
    public static final HttpStatus NO_CONTENT = new HttpStatus(204, "No Content");
    /** 400: malformed request. */
    public static final HttpStatus BAD_REQUEST = new HttpStatus(400, "Bad Request");
    /** 404: no such resource. */
    public static final HttpStatus NOT_FOUND = new HttpStatus(404, "Not Found");
    /** 405: the resource does not support the method. */
    public static final HttpStatus METHOD_NOT_ALLOWED = new HttpStatus(405, "Method Not Allowed");
    /** 408: the request did not arrive in time. */
    public static final HttpStatus REQUEST_TIMEOUT = new HttpStatus(408, "Request Timeout");
    /** 413: the request body is too large. */
    public static final HttpStatus CONTENT_TOO_LARGE = new HttpStatus(413, "Content Too Large");
    /** 414: the request target is too long. */
    public static final HttpStatus URI_TOO_LONG = new HttpStatus(414, "URI Too Long");
    /** 417: an {@code Expect} the server cannot meet. */
    public static final HttpStatus EXPECTATION_FAILED = new HttpStatus(417, "Expectation Failed");
    /** 431: the header fields are too large. */
    public static final HttpStatus HEADERS_TOO_LARGE = new HttpStatus(431, "Request Header Fields Too Large");
    /** 500: the service failed. */
    public static final HttpStatus INTERNAL_SERVER_ERROR = new HttpStatus(500, "Internal Server Error");
    /** 501: the method is not supported. */
    public static final HttpStatus NOT_IMPLEMENTED = new HttpStatus(501, "Not Implemented");
    /** 503: the service cannot answer now. */
    public static final HttpStatus SERVICE_UNAVAILABLE = new HttpStatus(503, "Service Unavailable");
    /** 505: the HTTP version is not supported. */
    public static final HttpStatus VERSION_NOT_SUPPORTED = new HttpStatus(505, "HTTP Version Not Supported");

    private static final HttpStatus[] KNOWN = {
        CONTINUE, OK, CREATED, NO_CONTENT, BAD_REQUEST, NOT_FOUND, METHOD_NOT_ALLOWED, REQUEST_TIMEOUT,
        CONTENT_TOO_LARGE, URI_TOO_LONG, EXPECTATION_FAILED, HEADERS_TOO_LARGE, INTERNAL_SERVER_ERROR, NOT_IMPLEMENTED,
        SERVICE_UNAVAILABLE, VERSION_NOT_SUPPORTED,
    };

    private final int code;
    private final String reason;

    private HttpStatus(int code, String reason) {
        if (code < 100 || code > 599) { // RFC 9110 section 15: three digits, the first from 1 to 5
            throw new IllegalArgumentException("status code out of range: " + code);
        }
        this.code = code;
        this.reason = reason;
    }

    /**
     * The constant for a known code, or a new status with the given reason phrase.
     *
     * @param code the three-digit code, 100 to 599
     * @param reason the reason phrase, used when the code is not a known one: visible characters, spaces and tabs,
     *     in ISO-8859-1
     * @return the status
     * @throws IllegalArgumentException for a code out of range or a reason phrase with other characters
     */
    public static HttpStatus of(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        for (HttpStatus known : KNOWN) {
            if (known.code == code) {
                return known;
            }
        }
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("reason phrase with a control character, or one ISO-8859-1 cannot"
                        + " encode: " + reason.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        return new HttpStatus(code, reason);
    }

    /**
     * The code.
     *
     * @return the three-digit code
     */
    public int code() {
        return code;
    }

    /**
     * The reason phrase.
     *
     * @return the reason phrase
     */
    public String reason() {
        return reason;
    }

    /** Equal to another status with the same code and reason phrase. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HttpStatus status && status.code == code && status.reason.equals(reason);
    }

    @Override
    public int hashCode() {
        return 31 * code + reason.hashCode();
    }

    /** {@code code reason}, e.g. {@code 404 Not Found}. */
    @Override
    public String toString() {
        return code + " " + reason;
    }
}
