package minihttp.app;

import minihttp.http.HttpStatus;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.service.Service;

/** {@code GET /blocking?ms=N}: plain blocking Java (a sleep) served through {@code Service.blocking}. */
final class BlockingSleep {

    /** The longest sleep one request may ask for, so that a client cannot hold a thread for long. */
    static final long MAX_MILLIS = 60_000;

    private BlockingSleep() {}

    /** Sleeps N ms ({@code ms} query parameter, default 0), then answers; 400 for a bad N. */
    static Response answer(Request request) {
        long ms;
        try {
            String param = request.queryParam("ms");
            ms = param == null ? 0 : Long.parseLong(param);
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0 || ms > MAX_MILLIS) {
            return Response.text(HttpStatus.BAD_REQUEST, "ms must be a number from 0 to " + MAX_MILLIS + "\n");
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.text(HttpStatus.SERVICE_UNAVAILABLE, "interrupted\n");
        }
        return Response.text("slept " + ms + " ms\n");
    }
}
