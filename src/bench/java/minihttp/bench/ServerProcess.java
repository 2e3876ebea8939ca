package minihttp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A server under test, run as a child process from its "listening on" line until it is stopped. */
final class ServerProcess implements AutoCloseable {

    private static final String READY_MARKER = "listening on";
    private static final long READY_TIMEOUT_SECONDS = 30;
    private static final long STOP_TIMEOUT_SECONDS = 10;
    /** Output lines kept to explain a server that failed. */
    private static final int TAIL_LINES = 20;
    private static final long PORT_POLL_MILLIS = 100;
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    /** The server did not come up: it does not support what it was asked (e.g. an unknown flag) or is broken. */
    static final class StartFailure extends IOException {
        private final String firstLine;

        StartFailure(String message, String firstLine, Throwable cause) {
            super(message, cause);
            this.firstLine = firstLine;
        }

        /** The server's first line of output, which usually says why (e.g. "Unknown option: '--reuseport'"). */
        String firstLine() {
            return firstLine;
        }
    }

    private final String name;
    private final Process process;
    private final Deque<String> tail = new ArrayDeque<>();
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private ServerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts the command and waits until it is ready: its "listening on" line, or, for a server that prints
     * none, a connection accepted on {@code port}. The server is stopped again if neither comes.
     */
    static ServerProcess start(String name, List<String> command, boolean printsReadyLine, int port)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ServerProcess server = new ServerProcess(name, process);
        Thread reader = new Thread(server::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (printsReadyLine) {
                server.ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } else {
                server.awaitPort(port);
            }
            return server;
        } catch (ExecutionException | TimeoutException e) {
            server.close();
            String first;
            synchronized (server.tail) {
                first = server.tail.isEmpty() ? "no output" : server.tail.peekFirst();
            }
            throw new StartFailure(name + " was not ready within " + READY_TIMEOUT_SECONDS + "s ("
                    + server.exitDescription() + "); last output:\n" + server.tail(), first, e);
        }
    }

    private void awaitPort(int port) throws TimeoutException, ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ExecutionException(new IOException(name + " exited"));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
                return;
            } catch (IOException notYet) {
                Thread.sleep(PORT_POLL_MILLIS);
            }
        }
        throw new TimeoutException();
    }

    /** The server process itself, whose CPU time and memory the harness reads. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Keeps reading after the ready line too: a server blocked on a full pipe would skew the benchmark. */
    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                if (line.contains(READY_MARKER)) {
                    ready.complete(line);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IOException(name + " closed its output"));
    }

    /** Throws if the server died while it was under load, which would make the run meaningless. */
    void checkAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException(name + " died during the run (" + exitDescription() + "); last output:\n" + tail());
        }
    }

    private String exitDescription() {
        return process.isAlive() ? "still running" : "exit code " + process.exitValue();
    }

    private String tail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    /** SIGTERM first so the server shuts down as it would in production; SIGKILL only if it hangs. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("warning: " + name + " ignored SIGTERM for " + STOP_TIMEOUT_SECONDS + "s; killed");
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
