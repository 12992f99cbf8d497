package dev.cotenant.gpusim.sim;

/**
 * Blocks of one kernel dispatched at the same instant, progressing as one: {@code left} is the
 * fraction of each block's work still to do as of {@code since}; {@code finishAt} stays valid
 * until the rates change.
 */
final class Cohort {

    final Launched k;
    final int blocks;
    final int[] row;
    double left = 1;
    double rate;
    double since;
    double finishAt = Double.POSITIVE_INFINITY;
    boolean settled;
    double demand;
    double share;
    double computeUs;
    double bytesPerUs;
    /** DRAM bytes per block at the current rates: the kernel's own, grown by L2 interference. */
    double bytes;

    Cohort(Launched k, int blocks, int[] row) {
        this.k = k;
        this.blocks = blocks;
        this.row = row;
    }

    /**
     * Max-min fair split of bandwidth pool {@code pool} ({@code bytesPerUs} in all) among the first
     * {@code m} cohorts: those asking less than the fair share get what they ask; the rest share
     * what is left equally per block. Repeats until no cohort drops out (a few passes over a few
     * dozen cohorts; no sort).
     */
    static void waterFill(Cohort[] order, int m, int pool, double bytesPerUs) {
        double left = bytesPerUs;
        long blocksLeft = 0;
        for (int i = 0; i < m; i++) {
            Cohort c = order[i];
            c.settled = c.k.pool != pool || c.demand <= 0;
            if (!c.settled) {
                blocksLeft += c.blocks;
            }
        }
        boolean dropped = true;
        while (dropped && blocksLeft > 0) {
            dropped = false;
            double fair = left / blocksLeft;
            for (int i = 0; i < m; i++) {
                Cohort c = order[i];
                if (!c.settled && c.demand <= fair) {
                    c.settled = true;
                    c.bytesPerUs = c.demand;
                    left -= c.demand * c.blocks;
                    blocksLeft -= c.blocks;
                    dropped = true;
                }
            }
        }
        double fair = blocksLeft > 0 ? left / blocksLeft : 0;
        for (int i = 0; i < m; i++) {
            Cohort c = order[i];
            if (!c.settled) {
                c.bytesPerUs = fair;
            }
        }
    }
}
