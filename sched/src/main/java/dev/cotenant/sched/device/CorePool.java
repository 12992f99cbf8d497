package dev.cotenant.sched.device;

import java.util.concurrent.locks.LockSupport;

/**
 * The CPU device's shared resource: its cores. A task takes as many cores as it asks threads for
 * before it runs and gives them back after, so tasks of different streams run side by side while
 * their threads fit. Waiting streams are served by stream priority, then in arrival order; a
 * waiter that does not fit does not block a smaller one behind it (the free cores are used, as a
 * GPU's left-over dispatch fills free SMs).
 *
 * <p>Each stream has one slot here, made when the pool is; acquiring and releasing allocate
 * nothing, and a waiting stream parks rather than spins, so it never takes a core from the tasks
 * it waits for.
 */
final class CorePool {

    private final int cores;
    private final int[] priority;
    private final int[] want;
    private final long[] arrival;
    private final Thread[] owner;
    private final boolean[] granted;
    private int free;
    private long ticket;

    CorePool(int cores, int[] streamPriority) {
        this.cores = cores;
        this.free = cores;
        int n = streamPriority.length;
        this.priority = streamPriority.clone();
        this.want = new int[n];
        this.arrival = new long[n];
        this.owner = new Thread[n];
        this.granted = new boolean[n];
    }

    int cores() {
        return cores;
    }

    /** Blocks stream {@code s} until {@code n} cores are its. */
    void acquire(int s, int n) {
        synchronized (this) {
            if (free >= n && !higherWaiting(priority[s])) {
                free -= n;
                return;
            }
            want[s] = n;
            arrival[s] = ticket++;
            owner[s] = Thread.currentThread();
            granted[s] = false;
        }
        while (true) {
            synchronized (this) {
                if (granted[s]) {
                    return;
                }
            }
            LockSupport.park(this);
        }
    }

    /** Gives {@code n} cores back; true when a waiting stream was granted cores. */
    boolean release(int n) {
        synchronized (this) {
            free += n;
            return dispatch();
        }
    }

    private boolean higherWaiting(int p) {
        for (int i = 0; i < want.length; i++) {
            if (want[i] > 0 && priority[i] > p) {
                return true;
            }
        }
        return false;
    }

    private boolean dispatch() {
        boolean granted = false;
        while (free > 0) {
            int best = -1;
            for (int i = 0; i < want.length; i++) {
                if (want[i] > 0 && want[i] <= free
                        && (best < 0 || priority[i] > priority[best] || priority[i] == priority[best] && arrival[i] < arrival[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                return granted;
            }
            free -= want[best];
            want[best] = 0;
            this.granted[best] = true;
            granted = true;
            LockSupport.unpark(owner[best]);
        }
        return granted;
    }
}
