package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.ir.ModelException;
import java.util.List;

/**
 * When the host has enqueued each item: the host side of the simulation. Every item costs its
 * host thread time (a launch the runtime's enqueue, a record or wait the sheet's event costs, a
 * host item its own time); a thread never waits for the device, except at a synchronising host
 * item, where it first waits for its stream to drain. Either every stream has its own thread, or
 * one thread enqueues all streams round robin ({@link Sharing#oneHostThread}).
 */
final class HostClock {

    private final List<GpuStream> streams;
    private final Gpu gpu;
    private final HostRuntime runtime;
    /** One thread for all: when each item is enqueued, worked out ahead (the thread never waits). */
    private final double[][] ready;
    /** A thread per stream: its clock, covering the costs of items [0, counted[s]). */
    private final double[] clock;
    private final int[] counted;
    /** Prefix sums of each stream's host costs, and the last synchronising host item at or before each index. */
    private final double[][] prefix;
    private final int[][] lastSync;

    HostClock(List<GpuStream> streams, Sharing sharing, Gpu gpu) {
        this.streams = streams;
        this.gpu = gpu;
        this.runtime = sharing.runtime();
        int n = streams.size();
        clock = new double[n];
        counted = new int[n];
        prefix = new double[n][];
        lastSync = new int[n][];
        for (int s = 0; s < n; s++) {
            List<Item> items = streams.get(s).items();
            prefix[s] = new double[items.size() + 1];
            lastSync[s] = new int[items.size()];
            int sync = -1;
            for (int i = 0; i < items.size(); i++) {
                Item it = items.get(i);
                prefix[s][i + 1] = prefix[s][i] + cost(it);
                if (it instanceof Item.Host h && h.afterSync()) {
                    if (sharing.oneHostThread()) {
                        throw new ModelException("stream '" + streams.get(s).name() + "': host item '" + h.tag()
                                + "' synchronises its stream, which needs a host thread per stream, not one for all");
                    }
                    sync = i;
                }
                lastSync[s][i] = sync;
            }
        }
        ready = sharing.oneHostThread() ? oneThread() : null;
    }

    /** Host time of one item. */
    double cost(Item it) {
        return switch (it) {
            case Item.Launch l -> runtime.launchUs(gpu);
            case Item.Record r -> gpu.eventRecordUs();
            case Item.Wait wt -> gpu.streamWaitUs();
            case Item.Host h -> h.driverCall() ? gpu.launchUs() + h.us() : h.us();
        };
    }

    /**
     * When one host thread enqueues every stream: it takes one item of each stream in turn (waits
     * and records are asynchronous calls, so it never blocks), and each item is enqueued when the
     * thread has paid for it and everything before it.
     */
    private double[][] oneThread() {
        int n = streams.size();
        double[][] out = new double[n][];
        int left = 0;
        for (int s = 0; s < n; s++) {
            out[s] = new double[streams.get(s).items().size()];
            left += out[s].length;
        }
        int[] at = new int[n];
        double t = 0;
        while (left > 0) {
            for (int s = 0; s < n; s++) {
                List<Item> items = streams.get(s).items();
                if (at[s] < items.size()) {
                    t += cost(items.get(at[s]));
                    out[s][at[s]++] = t;
                    left--;
                }
            }
        }
        return out;
    }

    /**
     * Stream {@code s} has reached item {@code i} at {@code now} (everything before it completed):
     * when its host has enqueued it. Called once per item, in order.
     */
    double reach(int s, int i, double now) {
        if (ready != null) {
            return ready[s][i];
        }
        Item it = streams.get(s).items().get(i);
        counted[s] = i + 1;
        if (it instanceof Item.Host h && h.afterSync()) {
            return clock[s] = Math.max(clock[s], now) + h.us();
        }
        return clock[s] += cost(it);
    }

    /** The host's position for stream {@code s} at its item {@code i}: whether it has enqueued that item by now. */
    double position(int s, int i) {
        return ready != null ? ready[s][i] : clock[s];
    }

    /**
     * When item {@code i} of stream {@code s} is (or will be) enqueued, as known now; infinite when
     * a synchronising host item before it has not been reached yet (the host is waiting there).
     */
    double enqueued(int s, int i) {
        if (ready != null) {
            return ready[s][i];
        }
        if (i < counted[s]) {
            // Only the last counted item's time is kept; earlier ones are no longer asked for.
            return i == counted[s] - 1 ? clock[s] : Double.NEGATIVE_INFINITY;
        }
        if (lastSync[s][i] >= counted[s]) {
            return Double.POSITIVE_INFINITY;
        }
        return clock[s] + (prefix[s][i + 1] - prefix[s][counted[s]]);
    }
}
