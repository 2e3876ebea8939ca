/**
 * Tests of services without sockets: {@link minihttp.testing.TestRequest} builds a request, which the server's own
 * decoder reads from its bytes; {@link minihttp.testing.ServiceTester} runs a service or router on it; and
 * {@link minihttp.testing.TestResponse} is the response as the server's encoder wrote it, parsed back the way a
 * client reads it. Public API.
 *
 * <pre>{@code
 * TestResponse response = ServiceTester.call(app, TestRequest.get("/users/1").header("Accept", "application/json"));
 * response.assertStatus(200).assertHeader("Content-Type", "application/json");
 * }</pre>
 */
package minihttp.testing;
