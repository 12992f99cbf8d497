package dev.cotenant.sched.policy;

import java.util.Arrays;

/**
 * The last word of gacer's confirmation on the CPU: which of the contenders measured in
 * alternation is kept.
 */
final class Confirmation {

    private Confirmation() {}

    /** The contender with the lowest median over its rounds. */
    static int fastest(double[][] ms) {
        int best = 0;
        for (int i = 1; i < ms.length; i++) {
            if (median(ms[i]) < median(ms[best])) {
                best = i;
            }
        }
        return best;
    }

    /** Paired rounds a searched schedule must win of {@code rounds}: two thirds, rounded up. */
    static int clearWins(int rounds) {
        return (2 * rounds + 2) / 3;
    }

    /**
     * Which contender the confirmation keeps: the one with the lowest median, unless that is a
     * searched schedule which beats the best baseline in fewer than two thirds of the paired rounds.
     * Round k of every contender was measured next to the others' round k, so a pair shares the
     * machine's drift, and on a shared 2-core machine rounds of one schedule spread by 10-20%
     * (bench/RESULTS.md, "Frame mixes at batch 1"): a lower median alone picked schedules that lost
     * to the baseline when measured again. A schedule that only ties a baseline is not worth its
     * complexity, so the baseline stays unless the win is clear.
     *
     * @param ms         {@code [contender][round]} makespans
     * @param isBaseline which contenders are baselines
     */
    static int keep(double[][] ms, boolean[] isBaseline) {
        int best = fastest(ms);
        if (isBaseline[best]) {
            return best;
        }
        int baseline = -1;
        for (int i = 0; i < ms.length; i++) {
            if (isBaseline[i] && (baseline < 0
                    || median(ms[i]) < median(ms[baseline]))) {
                baseline = i;
            }
        }
        if (baseline < 0) {
            return best;
        }
        int wins = 0;
        for (int k = 0; k < ms[best].length; k++) {
            wins += ms[best][k] < ms[baseline][k] ? 1 : 0;
        }
        return wins >= clearWins(ms[best].length) ? best : baseline;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
