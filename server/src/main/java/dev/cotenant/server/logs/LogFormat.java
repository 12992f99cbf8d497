package dev.cotenant.server.logs;

import dev.cotenant.ir.ModelException;
import java.util.Locale;

/** How log lines are written: for people ({@code text}) or for log pipelines ({@code json}, one object a line). */
public enum LogFormat {
    TEXT,
    JSON;

    /** {@code text} or {@code json}; anything else is an error naming the option. */
    public static LogFormat parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new ModelException("--log-format '" + s + "': expected text or json");
        };
    }
}
