package dev.cotenant.server.access;

import dev.cotenant.ir.ModelException;
import java.util.Locale;

/**
 * Whether the repository extension may load and unload models (Triton's {@code --model-control-mode}).
 * Every model of the repository loads at start either way.
 */
public enum ModelControl {
    /** Load and unload are refused (403, PERMISSION_DENIED): the models served are those of the folder at start. */
    NONE,
    /** Load and unload are allowed, to a caller with a control token when tokens are required. */
    EXPLICIT;

    /** {@code none} or {@code explicit}; anything else is an error naming the option. */
    public static ModelControl parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "explicit" -> EXPLICIT;
            default -> throw new ModelException("--model-control '" + s + "': expected none or explicit");
        };
    }
}
