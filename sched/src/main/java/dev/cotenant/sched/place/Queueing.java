package dev.cotenant.sched.place;

/**
 * The waiting time of an M/G/c queue: Poisson arrivals, general service times, {@code c} servers,
 * first come first served. The probability of waiting is Erlang's C formula for M/M/c; its mean
 * is corrected for the service times' variability by the Allen-Cunneen approximation (the M/M/c
 * mean times (1 + SCV) / 2, exact for c = 1 by Pollaczek-Khinchine); and a waiting request's wait
 * is taken as exponential with that mean, which gives its tail. These are textbook approximations
 * (e.g. Gross and Harris, "Fundamentals of Queueing Theory"; Allen, "Probability, Statistics and
 * Queueing Theory"); the placement's measurements say how well they hold on a real server.
 */
final class Queueing {

    private Queueing() {}

    /** Erlang's C: the probability that an arrival waits, for offered load {@code a} (in servers) on {@code c} servers. */
    static double erlangC(int c, double a) {
        if (a >= c) {
            return 1;
        }
        // The sum of a^k/k! computed term by term, stable for the few servers a device has.
        double term = 1;
        double sum = 1;
        for (int k = 1; k < c; k++) {
            term *= a / k;
            sum += term;
        }
        double last = term * a / c / (1 - a / c);
        return last / (sum + last);
    }

    /**
     * The {@code quantile} (e.g. 0.99) of the waiting time in milliseconds, for arrivals at
     * {@code rate} a second with service times of mean {@code meanMs} and second moment
     * {@code secondMomentMs2} on {@code c} servers; infinite when the queue is not stable.
     */
    static double waitQuantileMs(double rate, double meanMs, double secondMomentMs2, int c, double quantile) {
        double a = rate * meanMs / 1e3;
        if (a >= c) {
            return Double.POSITIVE_INFINITY;
        }
        if (a == 0) {
            return 0;
        }
        double waits = erlangC(c, a);
        double scv = Math.max(0, secondMomentMs2 / (meanMs * meanMs) - 1);
        double meanWaitMs = waits * meanMs / (c - a) * (1 + scv) / 2;
        double tail = 1 - quantile;
        if (waits <= tail) {
            return 0;
        }
        return meanWaitMs / waits * Math.log(waits / tail);
    }
}
