package minihttp.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/** Plaintext on reactor-netty's own {@link HttpServer}: what a reactor-netty user writes without minihttp. */
@Command(name = "reactor-netty", mixinStandardHelpOptions = true, description = "reactor-netty HttpServer plaintext.")
public final class ReactorNettyServer implements Callable<Integer> {

    /** Read-only and unreleasable, so one buffer can be sent to every request. */
    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(Plaintext.BODY_BYTES).asReadOnly());

    @Mixin
    private PeerOptions options;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReactorNettyServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        // Colocated select and worker loops, as minihttp does, so --threads 1 is one thread.
        LoopResources loops = LoopResources.create("reactor-netty", options.threads, true);
        HttpServer http = HttpServer.create().host(options.host).port(options.port).runOn(loops);
        if (options.tls) {
            PeerTls tls = PeerTls.selfSigned();
            Http11SslContextSpec spec = Http11SslContextSpec.forServer(tls.key(), tls.certificate())
                    .configure(builder -> builder.sslProvider(SslProvider.JDK));
            http = http.secure(ssl -> ssl.sslContext(spec));
        }
        DisposableServer server = http
                .route(routes -> routes.get(Plaintext.PATH, (request, response) -> response
                        .header(HttpHeaderNames.SERVER, "reactor-netty")
                        .header(HttpHeaderNames.CONTENT_TYPE, Plaintext.CONTENT_TYPE)
                        .header(HttpHeaderNames.CONTENT_LENGTH, Plaintext.CONTENT_LENGTH)
                        .header(HttpHeaderNames.DATE, Plaintext.date())
                        .send(Mono.just(BODY.duplicate()))))
                .bindNow();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.disposeNow();
            loops.disposeLater().block();
            stopped.countDown();
        }));
        options.ready(server.port(), Epoll.isAvailable() ? "epoll" : "nio");
        stopped.await();
        return 0;
    }
}
