/**
 * Watching a server: {@link minihttp.observe.HttpListener} hears of connections, answered requests and decode
 * errors; {@link minihttp.observe.AccessLog} logs one line per request, and
 * {@link minihttp.observe.MicrometerListener} records Micrometer's HTTP server metrics. Public API.
 */
package minihttp.observe;
