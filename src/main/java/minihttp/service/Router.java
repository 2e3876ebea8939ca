package minihttp.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.DecodedRequest;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * Routes by path, then method: exact paths first ({@code /plaintext}), compared in place against the request
 * bytes, then paths with parameters ({@code /users/{id}}, read with {@link Request#pathParam}) and trailing
 * wildcards ({@code /static/*}) in the order they were added; the first route whose path matches and that has the
 * request's method answers. An unknown path gets 404, a known path with another method 405 with {@code Allow}
 * naming the methods of every route matching it; both, and a failing service's answer, can be shaped on the
 * builder. HEAD is served by the GET route when there is no HEAD route of its own (the connection drops the body).
 */
public final class Router implements Service {

    private static final int GET = Method.GET.ordinal();

    private final PathRoutes[] exact;
    private final PatternRoutes[] patterns;
    private final Service notFound;
    /** The 405 answers for paths that several routes match, by the methods they allow together, made once each. */
    private final Map<Set<Method>, Mono<Response>> notAllowedTogether = new ConcurrentHashMap<>();
    private final Function<Set<Method>, Response> notAllowed;

    private Router(PathRoutes[] exact, PatternRoutes[] patterns, Service notFound,
                   Function<Set<Method>, Response> notAllowed) {
        this.exact = exact;
        this.patterns = patterns;
        this.notFound = notFound;
        this.notAllowed = notAllowed;
    }

    /**
     * Starts a router.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Answers with the service routed for the request's method and path, or with the not-found or 405 answer. */
    @Override
    public Mono<Response> call(Request request) {
        Service service = serviceOf(request);
        return service != null ? service.call(request) : notRouted(request);
    }

    /** Whether the service routed for the request takes its body as a stream. */
    @Override
    public boolean streamsBody(Request request) {
        Service service = serviceOf(request);
        return service != null && service.streamsBody(request);
    }

    /**
     * The service of the first route that matches the request's path and has its method, with the route and its
     * parameters set on the request, or {@code null}; for HEAD, when no route has a HEAD of its own, GET's.
     */
    private Service serviceOf(Request request) {
        Service service = serviceOf(request, request.method().ordinal());
        return service != null || request.method() != Method.HEAD ? service : serviceOf(request, GET);
    }

    private Service serviceOf(Request request, int method) {
        DecodedRequest decoded = request instanceof DecodedRequest d ? d : null;
        for (PathRoutes route : exact) {
            if (route.byMethod[method] != null && matches(route, request, decoded)) {
                if (decoded != null) {
                    decoded.route(route.name);
                }
                return route.byMethod[method];
            }
        }
        if (patterns.length == 0) {
            return null;
        }
        String path = request.path();
        for (PatternRoutes route : patterns) {
            String[] params = route.byMethod[method] == null ? null : route.pattern.match(path);
            if (params != null) {
                if (decoded != null) {
                    decoded.pathParams(params);
                    decoded.route(route.pattern.pattern());
                }
                return route.byMethod[method];
            }
        }
        return null;
    }

    /** 404 for a path no route matches, else 405 naming the methods of the routes that match it. */
    private Mono<Response> notRouted(Request request) {
        DecodedRequest decoded = request instanceof DecodedRequest d ? d : null;
        Routes first = null;
        Set<Method> allowed = null;
        for (PathRoutes route : exact) {
            if (matches(route, request, decoded)) {
                first = route;
                allowed = EnumSet.copyOf(route.allowed);
                if (decoded != null) {
                    decoded.route(route.name);
                }
            }
        }
        String path = patterns.length == 0 ? null : request.path();
        for (PatternRoutes route : patterns) {
            String[] params = route.pattern.match(path);
            if (params != null) {
                if (first == null) {
                    first = route;
                    allowed = EnumSet.copyOf(route.allowed);
                    if (decoded != null) {
                        decoded.pathParams(params);
                        decoded.route(route.pattern.pattern());
                    }
                } else {
                    allowed.addAll(route.allowed());
                }
            }
        }
        if (first == null) {
            return notFound.call(request);
        }
        return allowed.equals(first.allowed()) ? first.notAllowed()
                : notAllowedTogether.computeIfAbsent(allowed, methods -> Mono.just(notAllowed.apply(methods)));
    }

    /** Whether the request's path is the route's: the server's requests compare in place, others as a String. */
    private static boolean matches(PathRoutes route, Request request, DecodedRequest decoded) {
        return decoded != null ? decoded.pathEquals(route.path) : request.pathEquals(route.name);
    }

    /** The methods of one path, its services indexed by method ordinal, and its 405 answer naming the methods. */
    private interface Routes {
        Set<Method> allowed();

        Mono<Response> notAllowed();
    }

    /**
     * An exact path (as ASCII bytes) and its services (a plain array: EnumMap's lookup checks the key's class on
     * every request).
     */
    private record PathRoutes(String name, byte[] path, Service[] byMethod, Set<Method> allowed,
                              Mono<Response> notAllowed) implements Routes {}

    /** A path with parameters and its services. */
    private record PatternRoutes(PathPattern pattern, Service[] byMethod, Set<Method> allowed,
                                 Mono<Response> notAllowed) implements Routes {}

    /** Collects routes and the answers for what matches none; {@link #build()} freezes them into a {@link Router}. */
    public static final class Builder {
        private static final Response NOT_FOUND = Response.text(HttpStatus.NOT_FOUND, "Not Found\n");

        private final Map<String, EnumMap<Method, Service>> routes = new LinkedHashMap<>();
        private Service notFound = Service.constant(NOT_FOUND);
        private Function<Set<Method>, Response> methodNotAllowed = Builder::defaultNotAllowed;
        private BiFunction<Request, Throwable, Response> onError;

        private Builder() {}

        /**
         * Routes {@code method} and {@code path} to {@code service}.
         *
         * @param method the method
         * @param path the path, starting with {@code /}: exact, or with {@code {name}} segments, or ending in
         *     {@code /*}
         * @param service the service
         * @return this builder
         * @throws IllegalArgumentException for a malformed path (with a query or fragment, say), a method the server
         *     answers itself ({@link Method#CONNECT}, {@link Method#OTHER}), or a method and path routed already
         */
        public Builder route(Method method, String path, Service service) {
            Objects.requireNonNull(service, "service");
            if (!path.startsWith("/") || !path.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '?' && c != '#')) {
                throw new IllegalArgumentException("path must start with / and be visible ASCII without ? or #: "
                        + path);
            }
            if (method == Method.CONNECT || method == Method.OTHER) {
                throw new IllegalArgumentException("the server answers " + method + " itself (501): " + path);
            }
            if (PathPattern.isPattern(path)) {
                PathPattern.parse(path); // fails now on a malformed pattern
            }
            if (routes.computeIfAbsent(path, p -> new EnumMap<>(Method.class)).putIfAbsent(method, service) != null) {
                throw new IllegalArgumentException(method + " " + path + " is routed already");
            }
            return this;
        }

        /**
         * Routes GET (and HEAD) requests for {@code path} to {@code service}.
         *
         * @param path the path, as for {@link #route}
         * @param service the service
         * @return this builder
         */
        public Builder get(String path, Service service) {
            return route(Method.GET, path, service);
        }

        /**
         * Routes POST requests for {@code path} to {@code service}.
         *
         * @param path the path, as for {@link #route}
         * @param service the service
         * @return this builder
         */
        public Builder post(String path, Service service) {
            return route(Method.POST, path, service);
        }

        /**
         * Answers the requests whose path matches no route (404 {@code Not Found} by default).
         *
         * @param service the service that answers them
         * @return this builder
         */
        public Builder notFound(Service service) {
            this.notFound = Objects.requireNonNull(service);
            return this;
        }

        /**
         * Builds the answer for a path that has routes, but not for the request's method (405 with {@code Allow}
         * by default); called once per path when the router is built, and once for the methods that several routes
         * matching one path allow together, when first needed. The router sets {@code Allow} itself unless the
         * response has one.
         *
         * @param response the answer, from the methods the path allows
         * @return this builder
         */
        public Builder methodNotAllowed(Function<Set<Method>, Response> response) {
            this.methodNotAllowed = Objects.requireNonNull(response);
            return this;
        }

        /**
         * Answers for a routed service that fails or completes empty, instead of the server's 500.
         *
         * @param handler the answer, from the request and the error ({@code null} for an empty result)
         * @return this builder
         */
        public Builder onError(BiFunction<Request, Throwable, Response> handler) {
            this.onError = Objects.requireNonNull(handler);
            return this;
        }

        /**
         * Freezes the routes into a router.
         *
         * @return the router
         */
        public Router build() {
            List<PathRoutes> exact = new ArrayList<>();
            List<PatternRoutes> patterns = new ArrayList<>();
            Function<Set<Method>, Response> notAllowed = notAllowedAnswer(methodNotAllowed);
            routes.forEach((path, byMethod) -> {
                Service[] services = new Service[Method.values().length]; // HEAD falls back to GET at the call
                byMethod.forEach((method, service) -> services[method.ordinal()] = guarded(service));
                EnumSet<Method> methods = EnumSet.copyOf(byMethod.keySet());
                if (methods.contains(Method.GET)) {
                    methods.add(Method.HEAD);
                }
                Set<Method> allowed = Collections.unmodifiableSet(methods);
                Mono<Response> answer = Mono.just(notAllowed.apply(allowed));
                if (PathPattern.isPattern(path)) {
                    patterns.add(new PatternRoutes(PathPattern.parse(path), services, allowed, answer));
                } else {
                    exact.add(new PathRoutes(path, path.getBytes(StandardCharsets.US_ASCII), services, allowed,
                            answer));
                }
            });
            return new Router(exact.toArray(PathRoutes[]::new), patterns.toArray(PatternRoutes[]::new), notFound,
                    notAllowed);
        }

        /** The 405 answer for a set of methods: the builder's, with {@code Allow} naming them unless it has one. */
        private static Function<Set<Method>, Response> notAllowedAnswer(Function<Set<Method>, Response> answer) {
            return allowed -> {
                Set<Method> methods = Collections.unmodifiableSet(EnumSet.copyOf(allowed));
                Response response = answer.apply(methods);
                String allow = methods.stream().map(Enum::name).collect(Collectors.joining(", "));
                return response.header("Allow") != null ? response : response.withHeader("Allow", allow);
            };
        }

        /** {@code service} answering its failures with {@link #onError}'s handler, when one is set. */
        private Service guarded(Service service) {
            BiFunction<Request, Throwable, Response> handler = onError;
            if (handler == null) {
                return service; // nothing added per request
            }
            return new Service() {
                @Override
                public Mono<Response> call(Request request) {
                    Mono<Response> response;
                    try {
                        response = service.call(request);
                    } catch (Throwable e) { // as the server does with a service that throws
                        Exceptions.throwIfJvmFatal(e);
                        return Mono.fromSupplier(() -> handler.apply(request, e));
                    }
                    return (response == null ? Mono.<Response>empty() : response)
                            .onErrorResume(e -> Mono.fromSupplier(() -> handler.apply(request, e)))
                            .switchIfEmpty(Mono.fromSupplier(() -> handler.apply(request, null)));
                }

                @Override
                public boolean streamsBody(Request request) {
                    return service.streamsBody(request);
                }
            };
        }

        private static Response defaultNotAllowed(Set<Method> allowed) {
            return Response.status(HttpStatus.METHOD_NOT_ALLOWED).contentType("text/plain").body("Method Not Allowed\n");
        }
    }
}
