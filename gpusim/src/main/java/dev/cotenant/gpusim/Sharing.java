package dev.cotenant.gpusim;

/**
 * How the device is divided among processes, beyond what each {@link Stream} says.
 *
 * @param timeSliced kernels of different contexts never overlap: the device switches between
 *     contexts (paying the sheet's context switch), giving each up to a time slice while others wait
 * @param bandwidthShares DRAM bandwidth pools as fractions of the device's bandwidth (MIG memory
 *     slices); one pool of 1.0 when the bandwidth is shared by everyone
 */
public record Sharing(boolean timeSliced, double[] bandwidthShares) {

    /** One process's streams, or MPS without caps: everything shared. */
    public static final Sharing SHARED = new Sharing(false, new double[] {1.0});

    /** Separate processes without MPS: the device is time sliced. */
    public static final Sharing TIME_SLICED = new Sharing(true, new double[] {1.0});

    public Sharing {
        bandwidthShares = bandwidthShares.clone();
    }
}
