package minihttp.peers;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.rapidoid.buffer.Buf;
import org.rapidoid.http.AbstractHttpServer;
import org.rapidoid.http.HttpStatus;
import org.rapidoid.http.MediaType;
import org.rapidoid.net.Server;
import org.rapidoid.net.ServerBuilder;
import org.rapidoid.net.TCP;
import org.rapidoid.net.abstracts.Channel;
import org.rapidoid.net.impl.RapidoidHelper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Plaintext on Rapidoid's low-level HTTP server (its own NIO loops, no Netty), written as Rapidoid's TechEmpower
 * entry is, the Java row of futures-minihttp's table. Rapidoid writes the Server and Date headers itself.
 * {@code --threads} sets its I/O workers; an acceptor thread of its own hands them the connections.
 */
@Command(name = "rapidoid", mixinStandardHelpOptions = true, description = "Rapidoid HTTP server plaintext.")
public final class RapidoidServer implements Callable<Integer> {

    /**
     * Rapidoid's own buffer size for this entry: TechEmpower's {@code config.yml} sets {@code net.bufSizeKB: 16}; the
     * built-in {@code net} section would give 256 KB a buffer.
     */
    private static final int BUF_SIZE_KB = 16;

    @Mixin
    private PeerOptions options;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RapidoidServer()).execute(args));
    }

    /** The protocol handler: one {@code handle} per parsed request, on the worker loop that read it. */
    private static final class Handler extends AbstractHttpServer {

        private static final byte[] PATH = Plaintext.PATH.getBytes(StandardCharsets.US_ASCII);
        /** Rapidoid copies responses into its own output buffer, so one body array serves every request. */
        private static final boolean SYNC_BUFFERS = false;

        Handler() {
            super("rapidoid", "Not Found", "Internal Server Error", SYNC_BUFFERS);
        }

        @Override
        protected HttpStatus handle(Channel channel, Buf buf, RapidoidHelper request) {
            if (request.isGet.value && matches(buf, request.path, PATH)) {
                return ok(channel, request.isKeepAlive.value, Plaintext.BODY_BYTES, MediaType.TEXT_PLAIN);
            }
            return HttpStatus.NOT_FOUND;
        }
    }

    @Override
    public Integer call() throws Exception {
        // The "net" section (TCP.server(), as TechEmpower's lowlevel.Main), not Conf.HTTP: the built-in "http"
        // section has maxPipeline: 10, and RapidoidWorker.processMsgs then handles at most 10 requests a read and
        // leaves the rest in the input buffer until the client sends more bytes, which a pipelining client waiting
        // for all its answers never does (depth 11 and up stall for good). "net" has maxPipeline: 0, no limit.
        ServerBuilder builder = TCP.server().protocol(new Handler()).address(options.host).port(options.port)
                .workers(options.threads).bufSizeKB(BUF_SIZE_KB).syncBufs(Handler.SYNC_BUFFERS);
        if (options.tls) {
            builder.tls(true).tlsContext(PeerTls.selfSigned().sslContext());
        }
        Server server = builder.build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        options.ready(options.port, "nio (Rapidoid)");
        Thread.currentThread().join();
        return 0;
    }
}
