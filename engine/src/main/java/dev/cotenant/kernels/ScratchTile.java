package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two ends of a convolution tile that goes through the scratch tile (a chunk of K that is not
 * its whole K, a tile of fewer than P pixels, a pair with one block): its start, and its store
 * into the output. {@link ConvUnits} and its packed path ({@link ConvPackedTiles}) share them.
 */
final class ScratchTile {

    private static final VectorSpecies<Float> S = ConvBlocked.S;
    private static final int L = ConvBlocked.L;
    private static final int P = ConvBlocked.P;

    private ScratchTile() {}

    /**
     * The tile's starting values into {@code t} (pixel r, block j at {@code (2r + j) L}): the bias
     * plus the residual on the first chunk, what an earlier chunk stored in y on later ones.
     */
    static void start(float[] y, int y0, int y1, int rows, int init, float[] bias, int bo, float[] res, int r0, int r1,
                              float[] t) {
        for (int j = 0; j < 2; j++) {
            int yj = j == 0 ? y0 : y1;
            int rj = j == 0 ? r0 : r1;
            FloatVector b = init == 1 ? FloatVector.fromArray(S, bias, bo + j * L) : FloatVector.zero(S);
            for (int r = 0; r < P; r++) {
                FloatVector v = b;
                if (r < rows && yj >= 0) {
                    if (init == 2) {
                        v = FloatVector.fromArray(S, y, yj + r * L);
                    } else if (init == 1 && rj >= 0) {
                        v = v.add(FloatVector.fromArray(S, res, rj + r * L));
                    }
                }
                v.intoArray(t, (2 * r + j) * L);
            }
        }
    }

    /** The tile from {@code t} into y: its {@code rows} pixels of each existing block, clamped when asked. */
    static void finish(float[] t, float[] y, int y0, int y1, int rows, boolean clamp, float lo, float hi) {
        FloatVector lv = FloatVector.broadcast(S, lo);
        FloatVector hv = FloatVector.broadcast(S, hi);
        for (int j = 0; j < 2; j++) {
            int yj = j == 0 ? y0 : y1;
            if (yj < 0) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                FloatVector v = FloatVector.fromArray(S, t, (2 * r + j) * L);
                if (clamp) {
                    v = v.max(lv).min(hv);
                }
                v.intoArray(y, yj + r * L);
            }
        }
    }
}
