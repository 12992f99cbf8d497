package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.Gpu;
import java.util.Arrays;

/**
 * The SMs' free resources, and block placement. Blocks are placed breadth first across a
 * stream's SM range, as the hardware block scheduler does: a grid smaller than the device gets
 * one block per SM before any SM gets a second, so a small kernel leaves whole SMs to others.
 */
final class Sms {

    final int count;
    final int[] freeThreads;
    final int[] freeRegs;
    final int[] freeSmem;
    final int[] freeSlots;
    final int[] blocks;
    final int[] warps;
    int occupied;
    long totalWarps;
    private final int[] fit;
    private final int[] at;
    private final int[] hist;
    // Ring of SMs in the order their blocks were released, for rescans of blocked kernels.
    private final int[] log;
    private long logged;
    private final int[] mark;
    private int stamp;
    private int rotate;

    Sms(Gpu gpu) {
        count = gpu.sms();
        freeThreads = filled(gpu.threadsPerSm());
        freeRegs = filled(gpu.registersPerSm());
        freeSmem = filled(gpu.sharedMemoryPerSmKb() * 1024);
        freeSlots = filled(gpu.blocksPerSm());
        blocks = new int[count];
        warps = new int[count];
        fit = new int[count];
        at = new int[count];
        hist = new int[gpu.blocksPerSm() + 1];
        log = new int[4 * count];
        mark = new int[count];
    }

    private int[] filled(int v) {
        int[] a = new int[count];
        Arrays.fill(a, v);
        return a;
    }

    /**
     * Places up to {@code want} blocks of {@code k} on its SM range, recording per-SM counts in
     * {@code row} (indexed by SM); returns how many were placed.
     */
    int place(Launched k, int want, int[] row) {
        int first = k.smFirst;
        int n = k.smCount;
        int threads = k.warpsPerBlock * 32;
        long sum = 0;
        int maxFit = 0;
        int z = 0; // SMs with room, compacted into at[] and fit[]
        // A kernel that was left with blocks to place found no room anywhere else; only SMs
        // released since then can have room now. Scan those when the release log still has them.
        boolean fromLog = k.seenLog >= 0 && logged - k.seenLog <= log.length && logged - k.seenLog < n;
        int candidates = fromLog ? (int) (logged - k.seenLog) : n;
        stamp++;
        for (int i = 0; i < candidates; i++) {
            int s;
            if (fromLog) {
                s = log[(int) ((k.seenLog + i) % log.length)];
                if (mark[s] == stamp || Math.floorMod(s - first, count) >= n) {
                    continue;
                }
                mark[s] = stamp;
            } else {
                s = first + i;
                if (s >= count) {
                    s -= count;
                }
            }
            if (freeSlots[s] == 0 || freeThreads[s] < threads || freeRegs[s] < k.regsPerBlock || freeSmem[s] < k.smemPerBlock) {
                continue; // the common case once the device is full: no division
            }
            // An idle SM takes the kernel's occupancy, known without division.
            int f = blocks[s] == 0 ? k.blocksPerEmptySm : room(k, s, threads);
            at[z] = s;
            fit[z++] = f;
            sum += f;
            maxFit = Math.max(maxFit, f);
        }
        if (sum == 0) {
            k.seenLog = logged;
            return 0;
        }
        int level = Integer.MAX_VALUE;
        int extra = 0;
        if (sum > want) {
            // Largest level L with sum(min(fit, L)) <= want; the rest go one each to SMs that can
            // take more, starting from a rotating SM so repeated small grids spread out.
            // g(L) = sum(min(fit, L)) grows by the number of SMs with fit > L: walk L up from a
            // histogram of fits instead of searching.
            Arrays.fill(hist, 0, maxFit + 1, 0);
            for (int i = 0; i < z; i++) {
                hist[fit[i]]++;
            }
            long g = 0;
            int l = 0;
            int above = z;
            while (l < maxFit && g + above <= want) {
                g += above;
                l++;
                above -= hist[l];
            }
            level = l;
            extra = (int) (want - g);
        }
        int placed = spread(k, z, level, extra, row);
        rotate += Math.max(1, placed);
        k.seenLog = placed < want ? logged : -1;
        return placed;
    }

    /** How many blocks of {@code k} fit on the occupied SM {@code s}, which has room for one. */
    private int room(Launched k, int s, int threads) {
        int f = Math.min(freeSlots[s], freeThreads[s] / threads);
        f = Math.min(f, freeRegs[s] / k.regsPerBlock);
        if (k.smemPerBlock > 0) {
            f = Math.min(f, freeSmem[s] / k.smemPerBlock);
        }
        return f;
    }

    /**
     * Places on each of the {@code z} candidate SMs (in {@code at[]}, with room {@code fit[]}) up
     * to {@code level} blocks, and one more on the first {@code extra} that can take it, starting
     * from the rotating SM; returns how many were placed.
     */
    private int spread(Launched k, int z, int level, int extra, int[] row) {
        int placed = 0;
        int start = rotate % z;
        for (int j = 0; j < z; j++) {
            int i = start + j;
            if (i >= z) {
                i -= z;
            }
            int f = fit[i];
            int take = Math.min(f, level);
            if (extra > 0 && f > level) {
                take++;
                extra--;
            }
            if (take > 0) {
                occupy(k, at[i], take, row);
                placed += take;
            }
        }
        return placed;
    }

    /** Takes {@code take} blocks' resources of {@code k} on SM {@code s}, and records them in {@code row}. */
    private void occupy(Launched k, int s, int take, int[] row) {
        int threads = k.warpsPerBlock * 32;
        freeSlots[s] -= take;
        freeThreads[s] -= take * threads;
        freeRegs[s] -= take * k.regsPerBlock;
        freeSmem[s] -= take * k.smemPerBlock;
        if (blocks[s] == 0) {
            occupied++;
        }
        blocks[s] += take;
        warps[s] += take * k.warpsPerBlock;
        totalWarps += (long) take * k.warpsPerBlock;
        row[s] += take;
        if (k.onSm[s] == 0) {
            k.smsHeld++;
        }
        k.onSm[s] += take;
        k.residentWarps += (long) take * k.warpsPerBlock;
    }

    /** Frees the blocks a cohort of {@code k} holds, as recorded in {@code row}, and clears the row. */
    void release(Launched k, int[] row) {
        int threads = k.warpsPerBlock * 32;
        for (int i = 0; i < k.smCount; i++) {
            int s = k.smFirst + i;
            if (s >= count) {
                s -= count;
            }
            int take = row[s];
            if (take == 0) {
                continue;
            }
            row[s] = 0;
            log[(int) (logged++ % log.length)] = s;
            k.onSm[s] -= take;
            if (k.onSm[s] == 0) {
                k.smsHeld--;
            }
            k.residentWarps -= (long) take * k.warpsPerBlock;
            freeSlots[s] += take;
            freeThreads[s] += take * threads;
            freeRegs[s] += take * k.regsPerBlock;
            freeSmem[s] += take * k.smemPerBlock;
            blocks[s] -= take;
            if (blocks[s] == 0) {
                occupied--;
            }
            warps[s] -= take * k.warpsPerBlock;
            totalWarps -= (long) take * k.warpsPerBlock;
        }
    }
}
