package dev.cotenant.bench;

/**
 * How a side-by-side benchmark runs.
 *
 * @param warmup untimed runs of each side before timing starts (alternating, as the timed ones)
 * @param runs timed runs of each side
 * @param peer whether ONNX Runtime runs beside Cotenant
 * @param memory whether each side's peak resident memory is measured in a child JVM
 * @param seq sequence length of BERT zoo models
 * @param dims sizes of symbolic input dimensions other than the batch, by symbol ({@code --dim})
 */
public record Settings(int warmup, int runs, boolean peer, boolean memory, int seq, java.util.Map<String, Integer> dims) {

    public Settings {
        if (warmup < 0 || runs < 1) {
            throw new dev.cotenant.ir.ModelException("--warmup must be at least 0 and --runs at least 1");
        }
        dims.forEach((k, v) -> {
            if (v < 1) {
                throw new dev.cotenant.ir.ModelException("--dim " + k + "=" + v + ": a size must be at least 1");
            }
        });
        dims = java.util.Map.copyOf(dims);
    }

    /** Settings with no symbolic dimensions besides the batch. */
    public Settings(int warmup, int runs, boolean peer, boolean memory, int seq) {
        this(warmup, runs, peer, memory, seq, java.util.Map.of());
    }

    /** Progress steps one row takes: every run of every side, and the memory measurements. */
    int stepsPerRow() {
        int sides = peer ? 2 : 1;
        // One progress step per warm-up run, per block of timed runs and per memory measurement.
        int blocks = (runs + SideBySide.BLOCK - 1) / SideBySide.BLOCK;
        return sides * (warmup + blocks) + (memory ? sides : 0);
    }
}
