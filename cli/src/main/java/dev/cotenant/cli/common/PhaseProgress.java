package dev.cotenant.cli.common;

import java.util.function.BiConsumer;

/** Turns (phase, fraction done) reports into one progress bar per phase, on a terminal only. */
public final class PhaseProgress implements BiConsumer<String, Double>, AutoCloseable {

    private String phase;
    private Progress bar;
    private int done;

    @Override
    public synchronized void accept(String p, Double fraction) {
        if (!p.equals(phase)) {
            close();
            phase = p;
            bar = Progress.onTerminal(p, 100);
            done = 0;
        }
        int target = (int) Math.min(100, Math.round(fraction * 100));
        while (done < target) {
            bar.step(p + " " + (done + 1) + "%");
            done++;
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
