package minihttp.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Response;
import minihttp.http.Request;
import minihttp.internal.codec.DecodedRequest;

/**
 * Routes by exact path, then method: 404 for an unknown path, 405 with {@code Allow} for a known path and
 * another method. HEAD is served by the GET route when there is no HEAD route of its own (the connection drops
 * the body). Paths are compared in place against the request bytes; the error responses are built once.
 */
public final class Router implements Service {

    private static final Mono<Response> NOT_FOUND = Mono.just(Response.text(HttpStatus.NOT_FOUND, "Not Found\n"));

    private final PathRoutes[] routes;

    private Router(PathRoutes[] routes) {
        this.routes = routes;
    }

    /**
     * Starts a router.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Answers with the service routed for the request's method and path, 404 or 405 with {@code Allow}. */
    @Override
    public Mono<Response> call(Request request) {
        PathRoutes route = routeOf(request);
        if (route == null) {
            return NOT_FOUND;
        }
        Service service = route.byMethod[request.method().ordinal()];
        return service != null ? service.call(request) : route.notAllowed;
    }

    @Override
    public boolean streamsBody(Request request) {
        PathRoutes route = routeOf(request);
        Service service = route == null ? null : route.byMethod[request.method().ordinal()];
        return service != null && service.streamsBody(request);
    }

    /** The routes of the request's path, or {@code null}. */
    private PathRoutes routeOf(Request request) {
        for (PathRoutes route : routes) {
            // The server's requests compare a word at a time, in place; any other request compares as a String.
            if (request instanceof DecodedRequest decoded ? decoded.pathEquals(route.path) : request.pathEquals(route.name)) {
                return route;
            }
        }
        return null;
    }

    /**
     * The services of one path (as ASCII bytes), indexed by method ordinal (a plain array: EnumMap's lookup checks
     * the key's class on every request), and its 405 response naming the methods it allows.
     */
    private record PathRoutes(String name, byte[] path, Service[] byMethod, Mono<Response> notAllowed) {}

    /** Collects routes; {@link #build()} freezes them into a {@link Router}. */
    public static final class Builder {
        private final Map<String, EnumMap<Method, Service>> routes = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Routes {@code method} and {@code path} to {@code service}.
         *
         * @param method the method
         * @param path the exact path, starting with {@code /}
         * @param service the service
         * @return this builder
         */
        public Builder route(Method method, String path, Service service) {
            if (!path.startsWith("/") || !path.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                throw new IllegalArgumentException("path must start with / and be visible ASCII: " + path);
            }
            routes.computeIfAbsent(path, p -> new EnumMap<>(Method.class)).put(method, service);
            return this;
        }

        /**
         * Routes GET (and HEAD) requests for {@code path} to {@code service}.
         *
         * @param path the exact path, starting with {@code /}
         * @param service the service
         * @return this builder
         */
        public Builder get(String path, Service service) {
            return route(Method.GET, path, service);
        }

        /**
         * Routes POST requests for {@code path} to {@code service}.
         *
         * @param path the exact path, starting with {@code /}
         * @param service the service
         * @return this builder
         */
        public Builder post(String path, Service service) {
            return route(Method.POST, path, service);
        }

        /**
         * Freezes the routes into a router.
         *
         * @return the router
         */
        public Router build() {
            List<PathRoutes> built = new ArrayList<>();
            routes.forEach((path, byMethod) -> {
                if (byMethod.containsKey(Method.GET)) {
                    byMethod.putIfAbsent(Method.HEAD, byMethod.get(Method.GET));
                }
                String allow = byMethod.keySet().stream().map(Enum::name).collect(Collectors.joining(", "));
                Response notAllowed = Response.status(HttpStatus.METHOD_NOT_ALLOWED)
                        .header("Allow", allow)
                        .contentType("text/plain")
                        .body("Method Not Allowed\n");
                byte[] pathBytes = path.getBytes(StandardCharsets.US_ASCII);
                Service[] services = new Service[Method.values().length];
                byMethod.forEach((method, service) -> services[method.ordinal()] = service);
                built.add(new PathRoutes(path, pathBytes, services, Mono.just(notAllowed)));
            });
            return new Router(built.toArray(PathRoutes[]::new));
        }
    }
}
