package minihttp.peers;

import io.activej.bytebuf.ByteBuf;
import io.activej.bytebuf.ByteBufPool;
import io.activej.eventloop.Eventloop;
import io.activej.http.AsyncServlet;
import io.activej.http.HttpHeaders;
import io.activej.http.HttpResponse;
import io.activej.http.HttpServer;
import io.activej.net.AbstractReactiveServer;
import io.activej.net.PrimaryServer;
import io.activej.promise.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Plaintext on ActiveJ's HTTP server (its own NIO event loop, no Netty), a leading Java entry of TechEmpower's
 * plaintext test. One event loop serves everything with {@code --threads 1}; with more, a primary loop accepts and
 * hands each connection to one of the worker loops, as ActiveJ's multithreaded launcher does.
 */
@Command(name = "activej", mixinStandardHelpOptions = true, description = "ActiveJ HTTP server plaintext.")
public final class ActiveJServer implements Callable<Integer> {

    private static final byte[] SERVER = "activej".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT_PLAIN = Plaintext.CONTENT_TYPE.getBytes(StandardCharsets.US_ASCII);

    @Mixin
    private PeerOptions options;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ActiveJServer()).execute(args));
    }

    /** Answers /plaintext; the body goes into a pooled buffer because ActiveJ recycles the buffer it sends. */
    private static Promise<HttpResponse> serve(io.activej.http.HttpRequest request) {
        if (!Plaintext.PATH.equals(request.getPath())) {
            return HttpResponse.ofCode(404).toPromise();
        }
        return HttpResponse.ok200()
                .withHeader(HttpHeaders.SERVER, SERVER)
                .withHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN)
                .withHeader(HttpHeaders.DATE, Plaintext.date())
                .withBody(body())
                .toPromise();
    }

    private static ByteBuf body() {
        ByteBuf body = ByteBufPool.allocate(Plaintext.BODY_BYTES.length);
        body.put(Plaintext.BODY_BYTES);
        return body;
    }

    @Override
    public Integer call() throws Exception {
        AsyncServlet servlet = ActiveJServer::serve;
        InetSocketAddress address = new InetSocketAddress(options.host, options.port);
        // TLS handshakes run their delegated tasks on an executor, as ActiveJ requires; the loops do the rest.
        ExecutorService handshakes = options.tls ? Executors.newSingleThreadExecutor() : null;
        SSLContext ssl = options.tls ? PeerTls.selfSigned().sslContext() : null;
        Eventloop primary = Eventloop.builder().withThreadName("activej-primary").withCurrentThread().build();
        AbstractReactiveServer server;
        if (options.threads == 1) {
            server = listening(HttpServer.builder(primary, servlet), address, ssl, handshakes).build();
        } else {
            List<HttpServer> workers = new CopyOnWriteArrayList<>();
            for (int i = 0; i < options.threads; i++) {
                Eventloop loop = Eventloop.builder().withThreadName("activej-" + i).build();
                loop.keepAlive(true);
                new Thread(loop, "activej-" + i).start();
                // Built on its own loop's thread, where ActiveJ expects a reactive object to be made.
                loop.submit(() -> workers.add(HttpServer.builder(loop, servlet).build())).get();
            }
            server = listening(PrimaryServer.builder(primary, workers), address, ssl, handshakes).build();
        }
        server.listen();
        options.ready(address.getPort() != 0 ? address.getPort() : options.port, "nio (ActiveJ)");
        primary.run();
        return 0;
    }

    private static <B extends AbstractReactiveServer.Builder<B, ?>> B listening(B builder, InetSocketAddress address,
            SSLContext ssl, ExecutorService handshakes) {
        return ssl == null ? builder.withListenAddress(address) : builder.withSslListenAddress(ssl, handshakes, address);
    }
}
