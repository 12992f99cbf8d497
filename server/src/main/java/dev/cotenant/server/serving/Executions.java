package dev.cotenant.server.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * The last executions, for the dashboard's picture of what ran beside what: each batch with its
 * tenant, size, thread count, the lane (executor) it ran on and when.
 */
public final class Executions {

    /** One batch run. Times are {@link System#nanoTime()} values. */
    public record Execution(String model, String version, int batch, int threads, int lane, long startNanos, long endNanos) {}

    private final Execution[] ring;
    private int next;
    private long count;

    public Executions(int capacity) {
        ring = new Execution[capacity];
    }

    public synchronized void add(Execution e) {
        ring[next] = e;
        next = (next + 1) % ring.length;
        count++;
    }

    /** Executions that ended after {@code sinceNanos}, oldest first. */
    public synchronized List<Execution> since(long sinceNanos) {
        List<Execution> out = new ArrayList<>();
        int n = (int) Math.min(count, ring.length);
        for (int i = 0; i < n; i++) {
            Execution e = ring[(next - n + i + ring.length) % ring.length];
            if (e.endNanos() >= sinceNanos) {
                out.add(e);
            }
        }
        return out;
    }
}
