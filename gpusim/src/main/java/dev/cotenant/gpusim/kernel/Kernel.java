package dev.cotenant.gpusim.kernel;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Unit;
import dev.cotenant.ir.ModelException;

/**
 * One kernel launch as the GPU sees it: a grid of identical blocks, each with its shape, its
 * resources (which decide how many fit on an SM) and its work. Work is per block: the lowering
 * divides an operator's FLOPs and DRAM bytes over its grid (FLOPs include the padding a tile
 * computes at the edges, so tile quantization costs time).
 *
 * @param name what it computes, for traces ("resnet50/conv1 gemm 128x128")
 * @param blocks grid size
 * @param threadsPerBlock block size (rounded up to whole warps when placed)
 * @param registersPerThread registers each thread holds
 * @param sharedMemoryPerBlock bytes of shared memory each block holds
 * @param flopsPerBlock floating-point operations of one block
 * @param bytesPerBlock DRAM bytes one block reads and writes
 * @param unit where the arithmetic runs
 * @param efficiency the fraction of the SM's peak on {@code unit} this kernel's blocks reach when
 *     they have the SM to themselves (instruction mix, tile shape); in (0, 1]
 */
public record Kernel(String name, int blocks, int threadsPerBlock, int registersPerThread, int sharedMemoryPerBlock,
                     double flopsPerBlock, double bytesPerBlock, Unit unit, double efficiency) {

    public Kernel {
        if (blocks < 1 || threadsPerBlock < 1 || registersPerThread < 1 || sharedMemoryPerBlock < 0 || flopsPerBlock < 0
                || bytesPerBlock < 0 || !(efficiency > 0 && efficiency <= 1)) {
            throw new ModelException("kernel '" + name + "': bad shape (blocks " + blocks + ", threads " + threadsPerBlock
                    + ", registers " + registersPerThread + ", shared memory " + sharedMemoryPerBlock + ", flops "
                    + flopsPerBlock + ", bytes " + bytesPerBlock + ", efficiency " + efficiency + ")");
        }
    }

    /** Warps of one block. */
    public int warps() {
        return (threadsPerBlock + 31) / 32;
    }

    /** Total FLOPs of the launch. */
    public double flops() {
        return flopsPerBlock * blocks;
    }

    /** Total DRAM bytes of the launch. */
    public double bytes() {
        return bytesPerBlock * blocks;
    }

    /** The same kernel with its work multiplied by {@code f} (for property tests and what-ifs). */
    public Kernel scaled(double f) {
        return new Kernel(name, blocks, threadsPerBlock, registersPerThread, sharedMemoryPerBlock, flopsPerBlock * f,
                bytesPerBlock * f, unit, efficiency);
    }

    /**
     * One of {@code s} slices of this kernel, as a decomposed operator launches it: the grid
     * divided by {@code s} (rounded up), the same work per block.
     */
    public Kernel slice(int s) {
        if (s < 1) {
            throw new ModelException("kernel '" + name + "': slice count must be at least 1, got " + s);
        }
        return new Kernel(name + " 1/" + s, (blocks + s - 1) / s, threadsPerBlock, registersPerThread, sharedMemoryPerBlock,
                flopsPerBlock, bytesPerBlock, unit, efficiency);
    }

    /**
     * Blocks of this kernel one SM of {@code gpu} holds alone: the minimum over the thread,
     * register, shared-memory and block-slot limits (registers go to warps in allocation units).
     */
    public int blocksPerSm(Gpu gpu) {
        int byThreads = gpu.threadsPerSm() / (warps() * 32);
        int byRegs = gpu.registersPerSm() / registersPerBlock(gpu);
        int bySmem = sharedMemoryPerBlock == 0 ? Integer.MAX_VALUE : gpu.sharedMemoryPerSmKb() * 1024 / sharedMemoryPerBlock;
        return Math.min(Math.min(byThreads, byRegs), Math.min(bySmem, gpu.blocksPerSm()));
    }

    public int registersPerBlock(Gpu gpu) {
        int unit = gpu.registerAllocationUnit();
        int perWarp = (registersPerThread * 32 + unit - 1) / unit * unit;
        return perWarp * warps();
    }

    /** Checks that one block fits on an SM of {@code gpu}; says which limit it breaks. */
    public void checkFits(Gpu gpu) {
        String why = null;
        if (threadsPerBlock > gpu.threadsPerBlockMax()) {
            why = threadsPerBlock + " threads per block (at most " + gpu.threadsPerBlockMax() + ")";
        } else if (registersPerThread > gpu.registersPerThreadMax()) {
            why = registersPerThread + " registers per thread (at most " + gpu.registersPerThreadMax() + ")";
        } else if (sharedMemoryPerBlock > gpu.sharedMemoryPerSmKb() * 1024) {
            why = sharedMemoryPerBlock / 1024 + " KB of shared memory per block (the SM has " + gpu.sharedMemoryPerSmKb() + " KB)";
        } else if (blocksPerSm(gpu) < 1) {
            why = "a block that does not fit on one SM (registers or threads)";
        }
        if (why != null) {
            throw new ModelException("kernel '" + name + "' asks for " + why + " on " + gpu.name());
        }
    }
}
