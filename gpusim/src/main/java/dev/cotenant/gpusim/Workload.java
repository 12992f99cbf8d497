package dev.cotenant.gpusim;

import java.util.List;

/**
 * What the simulated GPU runs: streams of items, and how the device is shared.
 *
 * <p>A schedule lowers into this form: one {@link Stream} per schedule stream (with its priority);
 * each task becomes the {@link Item.Launch launches} of its operator's kernels (for a slice i of s,
 * the operator's kernels with their grids divided by s); a cross-stream dependency becomes a
 * {@link Item.Record} after the producing task and a {@link Item.Wait} before the consuming one.
 */
public record Workload(List<Stream> streams, Sharing sharing) {

    public Workload {
        streams = List.copyOf(streams);
    }

    public static Workload of(List<Stream> streams) {
        return new Workload(streams, Sharing.SHARED);
    }
}
