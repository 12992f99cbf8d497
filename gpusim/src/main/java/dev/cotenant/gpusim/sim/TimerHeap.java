package dev.cotenant.gpusim.sim;

import java.util.Arrays;

/** A binary min-heap of (time, stream) timers in primitive arrays: no boxing on the event path. */
final class TimerHeap {

    private double[] time = new double[16];
    private int[] stream = new int[16];
    private int size;

    /** The earliest timer's time, or +infinity when there is none. */
    double firstTime() {
        return size == 0 ? Double.POSITIVE_INFINITY : time[0];
    }

    void push(double t, int s) {
        if (size == time.length) {
            time = Arrays.copyOf(time, size * 2);
            stream = Arrays.copyOf(stream, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (time[p] <= t) {
                break;
            }
            time[i] = time[p];
            stream[i] = stream[p];
            i = p;
        }
        time[i] = t;
        stream[i] = s;
    }

    /** Removes the earliest timer and returns its stream. */
    int pop() {
        int first = stream[0];
        double t = time[--size];
        int s = stream[size];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && time[c + 1] < time[c]) {
                c++;
            }
            if (time[c] >= t) {
                break;
            }
            time[i] = time[c];
            stream[i] = stream[c];
            i = c;
        }
        if (size > 0) {
            time[i] = t;
            stream[i] = s;
        }
        return first;
    }
}
