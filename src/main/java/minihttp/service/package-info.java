/**
 * What users write: a {@link minihttp.service.Service} turns a request into a {@code Mono} of a response, and a
 * {@link minihttp.service.Router} picks the service by method and path. Public API.
 */
package minihttp.service;
