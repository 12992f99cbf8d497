package dev.cotenant.gpusim.sim;

/**
 * How the device is divided among processes, beyond what each {@link GpuStream} says.
 *
 * @param timeSliced kernels of different contexts never overlap: the device switches between
 *     contexts (paying the sheet's context switch), giving each up to a time slice while others wait
 * @param bandwidthShares DRAM bandwidth pools as fractions of the device's bandwidth (MIG memory
 *     slices); one pool of 1.0 when the bandwidth is shared by everyone
 * @param oneHostThread one host thread enqueues every stream's items (round robin, one item of
 *     each stream in turn), so launch costs add up across streams; otherwise each stream has its
 *     own host thread (one per process or per model instance)
 */
public record Sharing(boolean timeSliced, double[] bandwidthShares, boolean oneHostThread) {

    /** One process's streams, or MPS without caps: everything shared, a host thread per stream. */
    public static final Sharing SHARED = new Sharing(false, new double[] {1.0}, false);

    /** Separate processes without MPS: the device is time sliced. */
    public static final Sharing TIME_SLICED = new Sharing(true, new double[] {1.0}, false);

    /** One process whose single host thread enqueues every stream. */
    public static final Sharing ONE_HOST_THREAD = new Sharing(false, new double[] {1.0}, true);

    public Sharing {
        bandwidthShares = bandwidthShares.clone();
    }
}
