package minihttp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's ephemeral port range, which bounds how many connections wrk can open to one server: Linux gives
 * connect() about half of {@code net.ipv4.ip_local_port_range} (the other half is kept for bind()), so the default
 * 32768-60999 allows some 14,000, fewer than the 16,384-connection scenario needs. wrk then stalls: 0 requests.
 */
final class PortRange {

    private static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** A range that leaves room for 16,384 connections and more, as TechEmpower's hosts use. */
    static final String WIDE = "1024 65535";

    private PortRange() {}

    /** How many connections to one destination the range allows: half its ports. */
    static int connectable(String range) {
        String[] bounds = range.trim().split("\\s+");
        return (Integer.parseInt(bounds[1]) - Integer.parseInt(bounds[0]) + 1) / 2;
    }

    /** A warning when the range is too narrow for {@code connections}, or null when it is wide enough or unknown. */
    static String check(int connections) {
        try {
            String range = Files.readString(SYSCTL).trim();
            if (connectable(range) >= connections) {
                return null;
            }
            return "the ephemeral port range (" + range.replaceAll("\\s+", "-") + ") allows about "
                    + connectable(range) + " connections to one server, fewer than " + connections
                    + ": wrk will stall. Widen it first: sudo sysctl -w net.ipv4.ip_local_port_range=\"" + WIDE + "\"";
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
