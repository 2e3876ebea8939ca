package minihttp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** nginx answering {@code return 200 "Hello, World!"}, one worker process per event loop of the other servers. */
record NginxServer(String name, String binary, int workers) implements ServerSpec {

    private static final String CONFIG = "nginx.conf";
    /** Above the largest scenario's connection count; nginx needs one per connection per worker. */
    private static final int WORKER_CONNECTIONS = 65536;

    @Override
    public String unavailable() {
        return binary != null ? null : "nginx is not installed (apt-get install -y nginx)";
    }

    @Override
    public List<String> command(String java, int port, Scenario scenario, Path scratch) throws IOException {
        if (scenario.tls()) {
            throw new UnsupportedOperationException("the harness configures nginx for plain text only");
        }
        if (scenario.working()) {
            throw new UnsupportedOperationException("no /work route");
        }
        Files.writeString(scratch.resolve(CONFIG), config(port, workers, scratch));
        return List.of(binary, "-p", scratch + "/", "-c", scratch.resolve(CONFIG).toString(), "-e", "stderr");
    }

    /** The configuration: in the foreground, no logs, everything under {@code prefix}. */
    static String config(int port, int workers, Path prefix) {
        return String.format(Locale.ROOT, """
                daemon off;
                master_process on;
                worker_processes %d;
                worker_rlimit_nofile %d;
                pid %s/nginx.pid;
                error_log stderr warn;
                events {
                    worker_connections %d;
                    multi_accept on;
                }
                http {
                    access_log off;
                    keepalive_requests 100000000;
                    client_body_temp_path %s/client_body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    server {
                        listen 127.0.0.1:%d backlog=4096;
                        location = /plaintext {
                            default_type text/plain;
                            return 200 "Hello, World!";
                        }
                    }
                }
                """, workers, WORKER_CONNECTIONS, prefix, WORKER_CONNECTIONS, prefix, prefix, prefix, prefix, prefix,
                port);
    }

    @Override
    public String shown() {
        return binary + " -p <dir>/ -c <dir>/" + CONFIG + " -e stderr  (worker_processes " + workers
                + "; the configuration is written out below)";
    }

    @Override
    public boolean printsReadyLine() {
        return false;
    }
}
