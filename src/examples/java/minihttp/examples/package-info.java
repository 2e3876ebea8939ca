/**
 * Small services written against the public API only ({@code minihttp.http}, {@code minihttp.service},
 * {@code minihttp.server}, {@code minihttp.testing}), each with a {@code main} that serves it; their tests are in
 * {@code src/test/java/minihttp/examples}.
 */
package minihttp.examples;
