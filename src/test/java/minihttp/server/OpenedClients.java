package minihttp.server;

import java.util.ArrayList;
import java.util.List;

/** The clients a test opened, closed after it whatever state the server left them in. */
final class OpenedClients {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Remembers {@code client} for {@link #closeAll()}. */
    <T extends AutoCloseable> T add(T client) {
        opened.add(client);
        return client;
    }

    /** Closes every client, best effort: the server may have closed them already. */
    void closeAll() {
        for (AutoCloseable client : opened) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closed by the server already
            }
        }
        opened.clear();
    }
}
