package dev.cotenant.gpusim.kernel;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.hardware.Unit;
import java.util.List;

/**
 * Shapes an operator's work into kernels the way the vendor libraries do (see the "How libraries
 * shape kernels" section of specs/gpus.md).
 *
 * <ul>
 *   <li><b>Matrix products</b> (convolutions as implicit GEMM: M = N*P*Q, N = K, K = C*R*S/groups):
 *       a grid of ceil(M/Tm) x ceil(N/Tn) tiles per batch, from a small table of tile
 *       configurations per precision (tensor-core tiles 128x256x64 with 256 threads and three
 *       pipeline stages down to 64x32; SIMT tiles for FP32). Like a library heuristic, it picks
 *       the tile whose estimated time is least: waves (wave quantization included) times the time
 *       of one tile at that occupancy, or the bytes at full bandwidth if more. When the grid is
 *       smaller than a wave and K is long, K is split (serial split-K, partial sums through DRAM)
 *       into 2 to 16 slices. A tile computes its whole Tm x Tn x K, so edge tiles waste work.</li>
 *   <li><b>Elementwise and window work</b> (activations, pools, depthwise convolutions, copies):
 *       128 threads a block, 4 elements a thread, grid = ceil(elements / 512).</li>
 *   <li><b>Row kernels</b> (softmax, layer normalisation, reductions): one warp a row for rows up
 *       to 256 elements (four rows a block), else one block a row.</li>
 *   <li><b>Fused attention</b>: one block of four warps per head and 64 queries.</li>
 * </ul>
 *
 * Efficiencies (the fraction of an SM's peak a block reaches alone) are assumptions, documented at
 * each table; they are the knobs the validation in bench/RESULTS.md checks.
 */
final class KernelShapes {

    /** One tile configuration: its shape, threads, registers a thread, pipeline stages, efficiency. */
    record Tile(int m, int n, int k, int threads, int registers, int stages, double efficiency) {
        int sharedMemory(int elementBytes) {
            return (m + n) * k * elementBytes * stages;
        }
    }

    // Tensor-core tiles (FP16 and TF32: TF32 uses half the K depth for the same shared memory).
    // Efficiency grows with the tile's arithmetic intensity; assumed, calibrated on nothing but the
    // shape of the published cuBLAS efficiency curves (large tiles near 80% of peak).
    private static final List<Tile> TENSOR = List.of(
            new Tile(128, 256, 64, 256, 232, 3, 0.80),
            new Tile(256, 128, 64, 256, 232, 3, 0.80),
            new Tile(128, 128, 64, 256, 128, 3, 0.75),
            new Tile(128, 64, 64, 128, 128, 3, 0.65),
            new Tile(64, 128, 64, 128, 128, 3, 0.65),
            new Tile(64, 64, 64, 128, 96, 3, 0.50),
            new Tile(64, 32, 64, 64, 96, 3, 0.35));

    // FP32 SIMT tiles (CUDA cores, 8-deep K slices, double buffered).
    private static final List<Tile> SIMT = List.of(
            new Tile(128, 128, 8, 256, 128, 2, 0.85),
            new Tile(128, 64, 8, 256, 96, 2, 0.75),
            new Tile(64, 64, 8, 128, 80, 2, 0.60),
            new Tile(32, 32, 8, 64, 64, 2, 0.35));

    private static final int[] SPLITS = {1, 2, 3, 4, 6, 8, 12, 16};
    private static final double ELEMENTWISE_EFFICIENCY = 0.5;

    private KernelShapes() {}

    static List<Kernel> kernels(OpWork w, Precision p, Gpu gpu) {
        double scale = p.bytes / 4.0;
        return switch (w) {
            case OpWork.Gemm g -> List.of(gemm(g, p, gpu));
            case OpWork.Map m -> List.of(map(m.name(), m.elements(), m.flops(), m.bytes() * scale));
            case OpWork.Rows r -> List.of(rows(r, scale));
            case OpWork.Attention a -> List.of(attention(a, p));
        };
    }

    static Kernel map(String name, long elements, double flops, double bytes) {
        int grid = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (elements + 511) / 512));
        return new Kernel(name + " elementwise", grid, 128, 32, 0, flops / grid, bytes / grid, Unit.FP32, ELEMENTWISE_EFFICIENCY);
    }

    private static Kernel rows(OpWork.Rows r, double scale) {
        int grid;
        int threads;
        if (r.rowLength() <= 256) {
            grid = (int) Math.max(1, (r.rows() + 3) / 4);
            threads = 128;
        } else {
            grid = (int) Math.max(1, r.rows());
            threads = (int) Math.min(1024, Math.max(128, Long.highestOneBit(Math.max(1, r.rowLength() / 8 - 1)) * 2));
        }
        return new Kernel(r.name() + " rows", grid, threads, 32, 1024, r.flops() / grid, r.bytes() * scale / grid,
                Unit.FP32, ELEMENTWISE_EFFICIENCY);
    }

    private static Kernel attention(OpWork.Attention a, Precision p) {
        int grid = (int) Math.max(1, a.heads() * ((a.queries() + 63) / 64));
        int smem = (int) ((64 + 2 * a.keys()) * a.headDim() * p.bytes);
        return new Kernel(a.name() + " fused attention", grid, 128, 128, Math.min(smem, 96 * 1024), a.flops() / grid,
                a.bytes() * p.bytes / 4.0 / grid, p.matrixUnit, 0.5);
    }

    static Kernel gemm(OpWork.Gemm g, Precision p, Gpu gpu) {
        boolean tensor = p != Precision.FP32;
        List<Tile> tiles = tensor ? TENSOR : SIMT;
        double bytes = g.bytes() * p.bytes / 4.0;
        double smFlops = gpu.smFlopsPerUs(p.matrixUnit);
        double bandwidth = gpu.dramBytesPerUs();
        Kernel best = null;
        double bestUs = Double.POSITIVE_INFINITY;
        for (Tile t : tiles) {
            int depth = p == Precision.TF32 ? t.k() / 2 : t.k();
            long tilesMN = ceil(g.m(), t.m()) * ceil(g.n(), t.n()) * g.batch();
            for (int split : SPLITS) {
                if (split > 1 && (tilesMN >= gpu.sms() || g.k() / split < 4L * depth)) {
                    break;
                }
                long kSlice = ceil(g.k(), split);
                long grid = tilesMN * split;
                if (grid > Integer.MAX_VALUE) {
                    continue;
                }
                long kIters = ceil(kSlice, depth);
                // Pipeline fill and the epilogue cost about one K iteration a tile.
                double eff = t.efficiency() * kIters / (kIters + 1.0);
                double partials = split > 1 ? 2.0 * 4 * g.m() * g.n() * g.batch() * split : 0;
                double total = bytes + partials;
                Kernel k = new Kernel(g.name() + " gemm " + t.m() + "x" + t.n() + (split > 1 ? " splitk" + split : ""),
                        (int) grid, t.threads(), t.registers(), t.sharedMemory(p.bytes) * depth / t.k(),
                        2.0 * t.m() * t.n() * kSlice, total / grid, p.matrixUnit, eff);
                int occ = k.blocksPerSm(gpu);
                if (occ < 1) {
                    continue;
                }
                // The estimate a library heuristic makes: waves of tiles at the occupancy reached,
                // each tile at its share of its SM; never faster than the bytes at full bandwidth.
                long perSm = Math.min(occ, ceil(grid, gpu.sms()));
                long waves = ceil(grid, gpu.sms() * perSm);
                double share = (double) k.warps() / Math.max(gpu.warpsToSaturate(), perSm * k.warps());
                double tileUs = k.flopsPerBlock() / (smFlops * eff * share) + gpu.blockLatencyUs();
                double us = Math.max(waves * tileUs, total / bandwidth);
                if (us < bestUs * 0.999) {
                    bestUs = us;
                    best = k;
                }
            }
        }
        return best;
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
