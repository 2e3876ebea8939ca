/**
 * The HTTP messages a service works with: {@link minihttp.http.Request}, {@link minihttp.http.Response},
 * {@link minihttp.http.HttpStatus} and {@link minihttp.http.Method}. Public API.
 */
package minihttp.http;
