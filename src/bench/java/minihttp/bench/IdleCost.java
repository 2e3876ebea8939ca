package minihttp.bench;

/**
 * What {@code connections} idle keep-alive connections cost a server in one measurement: its resident set in KiB
 * (the process and its children) and, for a JVM, its live heap in bytes (after a full GC), before and after they
 * were opened; the heap figures are {@link #NOT_A_JVM} for a server that has no Java heap (nginx).
 */
record IdleCost(int connections, long rssKbBefore, long rssKbAfter, long liveHeapBefore, long liveHeapAfter) {

    static final long NOT_A_JVM = -1;
    private static final double BYTES_PER_KIB = 1024;

    /** Growth of the resident set per connection, in bytes. */
    double rssBytesPerConnection() {
        return (rssKbAfter - rssKbBefore) * BYTES_PER_KIB / connections;
    }

    boolean hasLiveHeap() {
        return liveHeapBefore != NOT_A_JVM && liveHeapAfter != NOT_A_JVM;
    }

    /** Growth of the live heap per connection, in bytes; NaN for a server that is not a JVM. */
    double liveHeapBytesPerConnection() {
        return hasLiveHeap() ? (double) (liveHeapAfter - liveHeapBefore) / connections : Double.NaN;
    }
}
