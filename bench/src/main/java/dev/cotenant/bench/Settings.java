package dev.cotenant.bench;

/**
 * How a side-by-side benchmark runs.
 *
 * @param warmup untimed runs of each side before timing starts (alternating, as the timed ones)
 * @param runs timed runs of each side
 * @param peer whether ONNX Runtime runs beside Cotenant
 * @param memory whether each side's peak resident memory is measured in a child JVM
 * @param seq sequence length of BERT zoo models
 */
public record Settings(int warmup, int runs, boolean peer, boolean memory, int seq) {

    public Settings {
        if (warmup < 0 || runs < 1) {
            throw new dev.cotenant.ir.ModelException("--warmup must be at least 0 and --runs at least 1");
        }
    }

    /** Progress steps one row takes: every run of every side, and the memory measurements. */
    int stepsPerRow() {
        int sides = peer ? 2 : 1;
        // One progress step per warm-up run, per block of timed runs and per memory measurement.
        int blocks = (runs + SideBySide.BLOCK - 1) / SideBySide.BLOCK;
        return sides * (warmup + blocks) + (memory ? sides : 0);
    }
}
