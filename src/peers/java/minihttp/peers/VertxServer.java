package minihttp.peers;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.KeyStoreOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Plaintext on Vert.x core's HTTP server, set up as in Vert.x's TechEmpower entry (one server per loop). */
@Command(name = "vertx", mixinStandardHelpOptions = true, description = "Vert.x core HTTP server plaintext.")
public final class VertxServer implements Callable<Integer> {

    private static final CharSequence SERVER = HttpHeaders.createOptimized("vert.x");
    private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized(Plaintext.CONTENT_TYPE);
    private static final CharSequence LENGTH = HttpHeaders.createOptimized(Plaintext.CONTENT_LENGTH);
    private static final Buffer BODY = Buffer.buffer(Plaintext.BODY_BYTES);

    @Mixin
    private PeerOptions options;

    public static void main(String[] args) {
        System.exit(new CommandLine(new VertxServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(options.threads)
                .setPreferNativeTransport(true));
        HttpServerOptions serverOptions = new HttpServerOptions()
                .setHost(options.host).setPort(options.port)
                .setCompressionSupported(false)
                .setHandle100ContinueAutomatically(false);
        if (options.tls) {
            PeerTls tls = PeerTls.selfSigned();
            serverOptions.setSsl(true).setKeyCertOptions(new KeyStoreOptions().setType("PKCS12")
                    .setPath(tls.file.toString()).setPassword(tls.password()));
        }
        // Servers created on the same port share it: Vert.x spreads the connections over their event loops.
        int port = 0;
        for (int i = 0; i < options.threads; i++) {
            HttpServer server = vertx.createHttpServer(serverOptions).requestHandler(request -> {
                HttpServerResponse response = request.response();
                if (!Plaintext.PATH.equals(request.path())) {
                    response.setStatusCode(404).end();
                    return;
                }
                MultiMap headers = response.headers();
                headers.add(HttpHeaders.SERVER, SERVER)
                        .add(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN)
                        .add(HttpHeaders.CONTENT_LENGTH, LENGTH)
                        .add(HttpHeaders.DATE, Plaintext.date());
                response.end(BODY);
            });
            port = server.listen().await().actualPort();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
        options.ready(port, vertx.isNativeTransportEnabled() ? "epoll" : "nio");
        Thread.currentThread().join();
        return 0;
    }
}
