package dev.cotenant.bench;

/** One engine, loaded with one model and its inputs, ready to run them again and again. */
sealed interface Side extends AutoCloseable permits CotenantSide, OnnxRuntimeSide {

    /** Which engine, as rows and JSON name it. */
    String engine();

    /** One inference over the workload's inputs; outputs are dropped. */
    void run() throws Exception;

    @Override
    void close();

    /** Loads the workload on the engine named {@code engine} at {@code threads} intra-operator threads. */
    static Side open(String engine, ModelCase w, int threads) throws Exception {
        return switch (engine) {
            case CotenantSide.NAME -> new CotenantSide(w, threads);
            case OnnxRuntimeSide.NAME -> new OnnxRuntimeSide(w, threads);
            default -> throw new IllegalArgumentException("no engine " + engine);
        };
    }
}
