package dev.cotenant.gpusim.sim;

import java.util.List;

/**
 * What the simulated GPU runs: streams of items, and how the device is shared.
 *
 * <p>A schedule lowers into this form: one {@link GpuStream} per schedule stream (with its priority);
 * each task becomes the {@link Item.Launch launches} of its operator's kernels (for a slice i of s,
 * the operator's kernels with their grids divided by s); a cross-stream dependency becomes a
 * {@link Item.Record} after the producing task and a {@link Item.Wait} before the consuming one.
 */
public record Submission(List<GpuStream> streams, Sharing sharing) {

    public Submission {
        streams = List.copyOf(streams);
    }

    public static Submission of(List<GpuStream> streams) {
        return new Submission(streams, Sharing.SHARED);
    }
}
