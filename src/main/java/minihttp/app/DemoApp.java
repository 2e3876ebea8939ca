package minihttp.app;

import minihttp.codec.Response;
import minihttp.service.Router;
import minihttp.service.Service;

/** The demo application served by {@link Main}: the TechEmpower plaintext route, and room for more. */
public final class DemoApp {

    /** TechEmpower plaintext: built once, so answering it allocates nothing per request. */
    static final Response PLAINTEXT = Response.text("Hello, World!");

    private DemoApp() {}

    public static Service service() {
        return Router.builder()
                .get("/plaintext", Service.constant(PLAINTEXT))
                .get("/blocking", Service.blocking(BlockingSleep::answer))
                .build();
    }
}
