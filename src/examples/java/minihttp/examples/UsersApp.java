package minihttp.examples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import minihttp.http.HttpStatus;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.server.HttpServer;
import minihttp.server.RunningServer;
import minihttp.service.Filter;
import minihttp.service.Router;
import minihttp.service.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A small REST service: {@code GET /users/{id}} and {@code POST /users} (JSON in and out, the name taken from a
 * {@code {"name":"..."}} body), {@code GET /users/{id}/events} (a streamed response: server-sent events), a JSON 404,
 * and a filter that gives every response an {@code X-Request-Id}. Run: {@code UsersApp [port]}.
 */
public final class UsersApp {

    private final Map<Long, String> users = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    /** The app, its store empty. */
    public static Service service() {
        return new UsersApp().routes();
    }

    private Service routes() {
        Router router = Router.builder()
                .get("/users/{id}", Service.sync(this::find))
                .post("/users", Service.sync(this::create))
                .get("/users/{id}/events", this::events)
                .notFound(Service.sync(request -> json(HttpStatus.NOT_FOUND, "{\"error\":\"no such path\"}")))
                .build();
        Filter requestId = (request, next) -> next.call(request)
                .map(response -> response.withHeader("X-Request-Id", UUID.randomUUID().toString()));
        return requestId.around(router);
    }

    private Response find(Request request) {
        Long id = id(request);
        String name = id == null ? null : users.get(id);
        return name == null ? json(HttpStatus.NOT_FOUND, "{\"error\":\"no such user\"}")
                : Response.json("{\"id\":" + id + ",\"name\":\"" + name + "\"}");
    }

    private Response create(Request request) {
        String name = nameIn(request.bodyAsString(StandardCharsets.UTF_8));
        if (name == null) {
            return json(HttpStatus.BAD_REQUEST, "{\"error\":\"expected {\\\"name\\\":\\\"...\\\"}\"}");
        }
        long id = nextId.getAndIncrement();
        users.put(id, name);
        return Response.status(HttpStatus.CREATED).contentType("application/json")
                .header("Location", "/users/" + id).body("{\"id\":" + id + ",\"name\":\"" + name + "\"}");
    }

    /** Three events about the user, one every 100 ms, sent as they happen. */
    private Mono<Response> events(Request request) {
        Long id = id(request);
        if (id == null || !users.containsKey(id)) {
            return Mono.just(json(HttpStatus.NOT_FOUND, "{\"error\":\"no such user\"}"));
        }
        return Mono.just(Response.events(Flux.interval(Duration.ofMillis(100)).take(3)
                .map(i -> "{\"user\":" + id + ",\"seen\":" + i + "}")));
    }

    private static Long id(Request request) {
        try {
            return Long.parseLong(request.pathParam("id"));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The string value of {@code "name"} in a flat JSON object; a real service would use a JSON library. */
    static String nameIn(String json) {
        int key = json.indexOf("\"name\"");
        int open = key < 0 ? -1 : json.indexOf('"', json.indexOf(':', key) + 1);
        int close = open < 0 ? -1 : json.indexOf('"', open + 1);
        return close < 0 || close == open + 1 ? null : json.substring(open + 1, close);
    }

    private static Response json(HttpStatus status, String body) {
        return Response.status(status).contentType("application/json").body(body);
    }

    /** Serves the app on 127.0.0.1:{@code port} (0: a free port) until the returned server is closed. */
    public static RunningServer start(int port) {
        return HttpServer.create().port(port).handle(service()).bind();
    }

    /** Serves on the port given (default 8080) until the process is stopped; SIGTERM drains first. */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : PlaintextApp.DEFAULT_PORT;
        RunningServer server = start(port).drainOnShutdown();
        System.out.println(server.readyLine());
        server.awaitClose();
    }
}
