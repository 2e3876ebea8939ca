package minihttp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSpecTest {

    @TempDir
    Path dir;

    @Test
    void javaServerCommandCarriesPortArgsAndTls() throws IOException {
        Path jar = Files.createFile(dir.resolve("x.jar"));
        JavaServer server = new JavaServer("s", jar, "build it", "a.Main", List.of("--threads", "2", "--reuseport"));
        assertNull(server.unavailable());
        assertEquals(List.of("java", "-cp", jar.toString(), "a.Main", "--port", "9", "--threads", "2", "--reuseport"),
                server.command("java", 9, false, dir));
        assertEquals("--tls", server.command("java", 9, true, dir).get(9));
        assertTrue(server.shown().contains("--port <port> --threads 2"), server.shown());
    }

    @Test
    void javaServerWithoutItsJarSaysHowToBuildIt() {
        JavaServer server = new JavaServer("s", dir.resolve("missing.jar"), "mvn -Pbench package", "a.Main", List.of());
        assertTrue(server.unavailable().contains("mvn -Pbench package"), server.unavailable());
    }

    @Test
    void nginxWritesAConfigWithOneWorkerPerLoopAndTheFixedResponse() throws IOException {
        NginxServer nginx = new NginxServer("nginx", "/usr/sbin/nginx", 2);
        List<String> command = nginx.command("java", 18080, false, dir);
        assertEquals("/usr/sbin/nginx", command.get(0));
        assertFalse(nginx.printsReadyLine());
        String config = Files.readString(dir.resolve("nginx.conf"));
        assertTrue(config.contains("daemon off;"), config);
        assertTrue(config.contains("worker_processes 2;"), config);
        assertTrue(config.contains("listen 127.0.0.1:18080 "), config);
        assertTrue(config.contains("return 200 \"Hello, World!\";"), config);
        assertTrue(config.contains("default_type text/plain;"), config);
        assertTrue(config.contains("pid " + dir + "/nginx.pid;"), config);
    }

    @Test
    void nginxIsUnavailableWithoutTheBinaryAndHasNoTls() {
        assertTrue(new NginxServer("nginx", null, 1).unavailable().contains("apt-get install -y nginx"));
        assertThrows(UnsupportedOperationException.class,
                () -> new NginxServer("nginx", "/usr/sbin/nginx", 1).command("java", 1, true, dir));
    }
}
