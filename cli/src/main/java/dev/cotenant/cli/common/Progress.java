package dev.cotenant.cli.common;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for long work, drawn only when stderr is a terminal so that
 * redirected output and logs stay clean.
 */
public final class Progress implements AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private final int total;
    private int done;

    private Progress(PrintStream err, String label, int total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    /** A bar on the terminal, or one that draws nothing when there is no terminal. */
    public static Progress onTerminal(String label, int total) {
        return new Progress(System.console() != null ? System.err : null, label, total);
    }

    /** Marks the start of the next item, named {@code what}. */
    public void step(String what) {
        if (err == null) {
            return;
        }
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        String name = what.length() > 40 ? what.substring(0, 37) + "..." : what;
        err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d %-40s", label, "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, name);
        err.flush();
        done++;
    }

    @Override
    public void close() {
        if (err != null) {
            err.print("\r" + " ".repeat(label.length() + WIDTH + 60) + "\r");
            err.flush();
        }
    }
}
