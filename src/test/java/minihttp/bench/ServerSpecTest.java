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

    private static final Scenario PLAIN = new Scenario("plain", 1, 1, false);
    private static final Scenario TLS = new Scenario("tls", 1, 1, true);

    @TempDir
    Path dir;

    @Test
    void javaServerCommandCarriesPortArgsAndTls() throws IOException {
        Path jar = Files.createFile(dir.resolve("x.jar"));
        JavaServer server = new JavaServer("s", jar, "build it", "a.Main", List.of("--threads", "2", "--reuseport"));
        assertNull(server.unavailable());
        assertEquals(List.of("java", "-cp", jar.toString(), "a.Main", "--port", "9", "--threads", "2", "--reuseport"),
                server.command("java", 9, PLAIN, dir));
        assertEquals("--tls", server.command("java", 9, TLS, dir).get(9));
        assertTrue(server.shown().contains("--port <port> --threads 2"), server.shown());
    }

    @Test
    void workScenariosAskTheRouteOrTheOptionOrAreNotSupported() throws IOException {
        Path jar = Files.createFile(dir.resolve("w.jar"));
        Scenario work = new Scenario("work", 1, 1, false, 50, false);
        JavaServer plain = new JavaServer("peer", jar, "b", "a.Main", List.of("--threads", "1"));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> plain.command("java", 9, work, dir));
        assertEquals("no /work route", e.getMessage());
        assertEquals(plain.withWork(JavaServer.Work.ROUTE).command("java", 9, PLAIN, dir),
                plain.withWork(JavaServer.Work.ROUTE).command("java", 9, work, dir));
        List<String> spinning = plain.withWork(JavaServer.Work.OPTION).command("java", 9, work, dir);
        assertEquals(List.of("--work-us", "50"), spinning.subList(spinning.size() - 2, spinning.size()));
        assertFalse(plain.withWork(JavaServer.Work.OPTION).command("java", 9, PLAIN, dir).contains("--work-us"));
        assertTrue(plain.withWork(JavaServer.Work.OPTION).shown().endsWith("(work scenarios: --work-us N)"));
        assertThrows(UnsupportedOperationException.class,
                () -> new NginxServer("nginx", "/usr/sbin/nginx", 1).command("java", 1, work, dir));
    }

    @Test
    void aNoteSaysWhereAServerDepartsFromTheRules() {
        JavaServer server = new JavaServer("s", dir.resolve("x.jar"), "b", "a.Main", List.of());
        assertNull(server.note());
        assertEquals("no Date header", server.withNote("no Date header").note());
        assertEquals(JavaServer.Work.ROUTE, server.withWork(JavaServer.Work.ROUTE).withNote("n").work());
    }

    @Test
    void javaServerWithoutItsJarSaysHowToBuildIt() {
        JavaServer server = new JavaServer("s", dir.resolve("missing.jar"), "mvn -Pbench package", "a.Main", List.of());
        assertTrue(server.unavailable().contains("mvn -Pbench package"), server.unavailable());
    }

    @Test
    void nginxWritesAConfigWithOneWorkerPerLoopAndTheFixedResponse() throws IOException {
        NginxServer nginx = new NginxServer("nginx", "/usr/sbin/nginx", 2);
        List<String> command = nginx.command("java", 18080, PLAIN, dir);
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
                () -> new NginxServer("nginx", "/usr/sbin/nginx", 1).command("java", 1, TLS, dir));
    }
}
