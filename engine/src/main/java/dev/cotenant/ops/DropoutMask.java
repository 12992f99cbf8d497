package dev.cotenant.ops;

/**
 * The random keep-mask of training-mode Dropout: a 32-bit Mersenne Twister (MT19937, Matsumoto and
 * Nishimura 1998) seeded with the node's {@code seed} by the generator's standard initialisation,
 * drawing one uniform double in [0, 1) per element from two outputs (the 53-bit construction);
 * an element is kept when its draw is at least the ratio.
 *
 * <p>The specification leaves the generator open. This one is the generator the ONNX reference
 * implementation uses (through numpy), so a seeded node gives the mask the conformance data
 * expects, and the same mask on every run.
 */
final class DropoutMask {

    private static final int N = 624;
    private static final int M = 397;

    private final int[] mt = new int[N];
    private int index;

    /** Restarts the generator from {@code seed} (its low 32 bits). */
    void seed(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            int prev = mt[i - 1];
            mt[i] = 1812433253 * (prev ^ (prev >>> 30)) + i;
        }
        index = N;
    }

    private int next() {
        if (index >= N) {
            twist();
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }

    /** A uniform double in [0, 1) with 53 random bits. */
    double nextDouble() {
        long a = (next() & 0xffffffffL) >>> 5;
        long b = (next() & 0xffffffffL) >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }
}
