package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.ir.ModelException;
import java.util.List;

/**
 * An ordered queue of items on the simulated GPU, with where its blocks may run.
 *
 * @param name for reports
 * @param priority CUDA's convention: lower is more urgent (0 default, down to -5); among pending
 *     blocks, those of a more urgent stream are dispatched first; running blocks are never preempted
 * @param context the process the stream belongs to; matters only under time slicing, where kernels
 *     of different contexts never overlap
 * @param smFirst first SM its blocks may use (MPS and MIG confine a client to some SMs)
 * @param smCount how many SMs, from {@code smFirst} (wrapping around); 0 means all
 * @param bandwidthPool which DRAM bandwidth pool its blocks draw on (see {@link Sharing}); 0 by default
 * @param items what it runs, in order
 */
public record GpuStream(String name, int priority, int context, int smFirst, int smCount, int bandwidthPool, List<Item> items) {

    public GpuStream {
        items = List.copyOf(items);
        if (smFirst < 0 || smCount < 0 || bandwidthPool < 0) {
            throw new ModelException("stream '" + name + "': negative SM range or pool");
        }
    }

    /** A stream of one process that may use the whole device. */
    public static GpuStream of(String name, int priority, List<Item> items) {
        return new GpuStream(name, priority, 0, 0, 0, 0, items);
    }

    public GpuStream withItems(List<Item> newItems) {
        return new GpuStream(name, priority, context, smFirst, smCount, bandwidthPool, newItems);
    }

    /**
     * Checks the events of {@code streams} (ids below {@code events}): none negative, each recorded
     * once, and none waited on that no stream records (which would deadlock).
     */
    static void checkEvents(List<GpuStream> streams, int events) {
        int[] records = new int[events];
        for (GpuStream st : streams) {
            for (Item it : st.items()) {
                if (it instanceof Item.Record r) {
                    if (r.event() < 0) {
                        throw new ModelException("stream '" + st.name() + "' records a negative event id " + r.event());
                    }
                    records[r.event()]++;
                }
            }
        }
        for (GpuStream st : streams) {
            for (Item it : st.items()) {
                if (it instanceof Item.Wait wt && (wt.event() < 0 || records[wt.event()] == 0)) {
                    throw new ModelException("stream '" + st.name() + "' waits on event " + wt.event() + ", which no stream records");
                }
            }
        }
        for (int e = 0; e < events; e++) {
            if (records[e] > 1) {
                throw new ModelException("event " + e + " is recorded " + records[e] + " times; record each event once");
            }
        }
    }
}
