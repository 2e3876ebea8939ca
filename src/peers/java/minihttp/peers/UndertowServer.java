package minihttp.peers;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Plaintext on Undertow's core handler API, answering on the IO threads as Undertow's TechEmpower entry does. */
@Command(name = "undertow", mixinStandardHelpOptions = true, description = "Undertow plaintext.")
public final class UndertowServer implements Callable<Integer> {

    /** Undertow's own worker pool is unused (nothing is dispatched), so keep it minimal. */
    private static final int WORKER_THREADS = 1;

    @Mixin
    private PeerOptions options;

    public static void main(String[] args) {
        System.exit(new CommandLine(new UndertowServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ByteBuffer body = ByteBuffer.allocateDirect(Plaintext.BODY_BYTES.length).put(Plaintext.BODY_BYTES).flip();
        Undertow.Builder builder = Undertow.builder();
        if (options.tls) {
            builder.addHttpsListener(options.port, options.host, PeerTls.selfSigned().sslContext());
        } else {
            builder.addHttpListener(options.port, options.host);
        }
        Undertow server = builder
                .setIoThreads(options.threads)
                .setWorkerThreads(WORKER_THREADS)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
                .setServerOption(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .setHandler(exchange -> {
                    if (!Plaintext.PATH.equals(exchange.getRequestPath())) {
                        exchange.setStatusCode(StatusCodes.NOT_FOUND).endExchange();
                        return;
                    }
                    exchange.getResponseHeaders()
                            .put(Headers.SERVER, "undertow")
                            .put(Headers.CONTENT_TYPE, Plaintext.CONTENT_TYPE)
                            .put(Headers.CONTENT_LENGTH, Plaintext.CONTENT_LENGTH);
                    exchange.getResponseSender().send(body.duplicate());
                })
                .build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        options.ready(port, "nio (XNIO)");
        Thread.currentThread().join();
        return 0;
    }
}
