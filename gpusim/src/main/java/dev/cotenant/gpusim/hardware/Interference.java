package dev.cotenant.gpusim.hardware;

/**
 * How kernels that run at the same time slow each other beyond splitting the DRAM bandwidth: the
 * two effects measurements of co-located kernels single out (see {@code Contention} in the
 * simulator for the model and the device sheets for the fitted values and their sources).
 *
 * @param l2 the extra DRAM traffic of a kernel, as a fraction of its own, when the kernels beside
 *     it draw all of the traffic: their lines evict its lines from the shared L2, so data it would
 *     have found there comes from DRAM again. It grows with the others' share of the traffic.
 * @param dram the fraction of the DRAM bandwidth lost when the traffic of two or more kernels of
 *     equal demand interleaves (row-buffer and bank conflicts between unrelated access streams);
 *     less when one kernel draws most of the traffic, nothing when it draws all of it
 */
public record Interference(double l2, double dram) {

    /** No interference: the bandwidth model alone, as before these figures were fitted. */
    public static final Interference NONE = new Interference(0, 0);

    /** Whether both effects are off. */
    public boolean none() {
        return l2 == 0 && dram == 0;
    }
}
