package dev.cotenant.gpusim.hardware;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text form device sheets and runtime sheets share: one {@code field = value} a line, {@code #}
 * comments, each field at most once, the required ones present. Every error names the source, the
 * line and the field, so a user who copied a sheet and mistyped a number is told where.
 */
final class SheetText {

    private final String source;
    private final Map<String, String> values;
    private final Map<String, Integer> lines;

    private SheetText(String source, Map<String, String> values, Map<String, Integer> lines) {
        this.source = source;
        this.values = values;
        this.lines = lines;
    }

    /** Parses {@code text}; {@code source} names it in errors. Fields outside both lists are errors. */
    static SheetText parse(String text, String source, List<String> required, List<String> optional) {
        List<String> known = new ArrayList<>(required);
        known.addAll(optional);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        String[] rows = text.split("\r?\n", -1);
        for (int i = 0; i < rows.length; i++) {
            String line = rows[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            String where = source + " line " + (i + 1);
            if (eq < 0) {
                throw new ModelException(where + ": expected 'field = value', got '" + line + "'");
            }
            String field = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!known.contains(field)) {
                throw new ModelException(where + ": unknown field '" + field + "' (fields: " + String.join(", ", known) + ")");
            }
            if (values.containsKey(field)) {
                throw new ModelException(where + ": field '" + field + "' given twice (first on line " + lines.get(field) + ")");
            }
            if (value.isEmpty()) {
                throw new ModelException(where + ": field '" + field + "' has no value");
            }
            values.put(field, value);
            lines.put(field, i + 1);
        }
        for (String f : required) {
            if (!values.containsKey(f)) {
                throw new ModelException(source + ": missing field '" + f + "'");
            }
        }
        return new SheetText(source, values, lines);
    }

    String source() {
        return source;
    }

    boolean has(String field) {
        return values.containsKey(field);
    }

    String text(String field) {
        return values.get(field);
    }

    int line(String field) {
        return lines.get(field);
    }

    ModelException bad(String field, String what) {
        return new ModelException(source + " line " + lines.get(field) + ": field '" + field + "' must be " + what + ", got '"
                + values.get(field) + "'");
    }

    double number(String field) {
        try {
            double v = Double.parseDouble(values.get(field));
            if (!Double.isFinite(v)) {
                throw bad(field, "a finite number");
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(field, "a number");
        }
    }

    double positive(String field) {
        double v = number(field);
        if (v <= 0) {
            throw bad(field, "positive");
        }
        return v;
    }

    double nonNegative(String field) {
        double v = number(field);
        if (v < 0) {
            throw bad(field, "zero or more");
        }
        return v;
    }

    /** An optional field's value, zero or more, or {@code absent} when the sheet leaves it out. */
    double nonNegative(String field, double absent) {
        return has(field) ? nonNegative(field) : absent;
    }

    double fraction(String field) {
        double v = number(field);
        if (v <= 0 || v > 1) {
            throw bad(field, "a fraction in (0, 1]");
        }
        return v;
    }

    /** An optional fraction in [0, 1], or {@code absent}. */
    double fractionOrZero(String field, double absent) {
        if (!has(field)) {
            return absent;
        }
        double v = number(field);
        if (v < 0 || v > 1) {
            throw bad(field, "a fraction in [0, 1]");
        }
        return v;
    }

    int count(String field, int min) {
        try {
            int v = Integer.parseInt(values.get(field));
            if (v < min) {
                throw bad(field, "an integer of at least " + min);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(field, "an integer");
        }
    }

    boolean flag(String field) {
        return switch (values.get(field)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(field, "true or false");
        };
    }
}
