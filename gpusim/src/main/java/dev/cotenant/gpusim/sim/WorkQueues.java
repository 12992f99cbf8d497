package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.kernel.Item;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hardware work queues between host and device ("connections", CUDA_DEVICE_MAX_CONNECTIONS):
 * each process (a stream's context) gets {@link Sharing#workQueues} of them, and its streams are
 * mapped to them round robin in the order they were created, so streams beyond that number share
 * a queue with earlier ones.
 *
 * <p>Why a shared queue slows streams down: the device takes work from the head of a queue in the
 * order the host enqueued it. A launch whose own stream is still running its previous kernel (or
 * waiting out the gap after it) cannot start, and every launch enqueued behind it on the same
 * queue waits too, though its stream has nothing to wait for: a false dependency (CUDA C
 * Programming Guide, "Implicit Synchronization" and the Hyper-Q notes; NVIDIA MPS documentation on
 * CUDA_DEVICE_MAX_CONNECTIONS, https://docs.nvidia.com/deploy/mps/).
 *
 * <p>One simplification keeps the model free of deadlock: a stream held by an event wait (or by a
 * host synchronisation) holds no queue, as if the driver kept its later work back until the wait is
 * resolved. Otherwise a launch stuck behind a wait could hold the very stream that records the
 * event. With no queue shared (at most {@code workQueues} streams in each process), nothing here
 * changes a simulation.
 */
final class WorkQueues {

    private final List<GpuStream> streams;
    /** For each stream, the other streams on its queue (empty when it has one to itself). */
    private final int[][] sharers;
    private final boolean active;
    private final boolean[] held;

    WorkQueues(List<GpuStream> streams, int perProcess) {
        this.streams = streams;
        int n = streams.size();
        Map<Integer, Integer> created = new LinkedHashMap<>();
        Map<Long, List<Integer>> queues = new LinkedHashMap<>();
        int[] queueKey = new int[n];
        for (int s = 0; s < n; s++) {
            int ctx = streams.get(s).context();
            int k = created.merge(ctx, 1, Integer::sum) - 1;
            long key = (long) ctx * perProcess + k % perProcess;
            queues.computeIfAbsent(key, x -> new ArrayList<>()).add(s);
            queueKey[s] = k % perProcess;
        }
        sharers = new int[n][];
        boolean any = false;
        for (int s = 0; s < n; s++) {
            List<Integer> q = queues.get((long) streams.get(s).context() * perProcess + queueKey[s]);
            int self = s;
            sharers[s] = q.stream().mapToInt(Integer::intValue).filter(x -> x != self).toArray();
            any |= sharers[s].length > 0;
        }
        active = any;
        held = new boolean[n];
    }

    /** Whether any queue is shared; if not, the simulator need not ask. */
    boolean active() {
        return active;
    }

    /**
     * Whether launch {@code i} of stream {@code s} must wait behind another stream's launch on its
     * queue: one enqueued before it (ties go to the lower stream) that has not started because its
     * own stream is still busy. Marks {@code s} held, to be woken by {@link #release}.
     */
    boolean holds(int s, int i, int[] nextItem, int[] begun, HostClock host) {
        if (sharers[s].length == 0) {
            return false;
        }
        double mine = host.enqueued(s, i);
        for (int a : sharers[s]) {
            int e = blocker(a, nextItem[a], begun[a]);
            if (e < 0) {
                continue;
            }
            double t = host.enqueued(a, e);
            if (t < mine || t == mine && a < s) {
                held[s] = true;
                return true;
            }
        }
        return false;
    }

    /**
     * The first launch of stream {@code a} still in its queue, at or after its current item
     * {@code j} ({@code begun}: the last item it started); -1 when it holds nothing (done, or held
     * by an event wait or a host synchronisation before any such launch).
     */
    private int blocker(int a, int j, int begun) {
        List<Item> items = streams.get(a).items();
        for (int k = j; k < items.size(); k++) {
            switch (items.get(k)) {
                case Item.Launch l -> {
                    if (begun < k) {
                        return k;
                    }
                }
                case Item.Record r -> { }
                case Item.Host h -> {
                    if (h.afterSync()) {
                        return -1;
                    }
                }
                case Item.Wait w -> {
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * Stream {@code a} changed (started an item, reached a wait, finished): the streams held on its
     * queue are returned to be tried again, and are no longer marked held.
     */
    int[] release(int a) {
        int[] out = new int[sharers[a].length];
        int m = 0;
        for (int b : sharers[a]) {
            if (held[b]) {
                held[b] = false;
                out[m++] = b;
            }
        }
        return m == out.length ? out : java.util.Arrays.copyOf(out, m);
    }
}
