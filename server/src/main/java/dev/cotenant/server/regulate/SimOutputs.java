package dev.cotenant.server.regulate;

import dev.cotenant.ir.ModelException;
import java.util.Locale;

/** What a simulated GPU's answers hold: the simulator times a round, but it computes no tensors. */
public enum SimOutputs {
    /** Outputs computed by the CPU engine on the host; a request completes at the later of its simulated end and its host compute. */
    REAL,
    /** Nothing computed: zero tensors of the right shape and type, marked {@code simulated_outputs} in the answer. */
    NONE;

    /** Parses {@code --sim-outputs} ({@code real} or {@code none}; null: real), at the command line's edge. */
    public static SimOutputs parse(String s) {
        return switch (s == null ? "real" : s.strip().toLowerCase(Locale.ROOT)) {
            case "real" -> REAL;
            case "none" -> NONE;
            default -> throw new ModelException("--sim-outputs '" + s + "': expected real (computed on the host, the default) or none");
        };
    }
}
