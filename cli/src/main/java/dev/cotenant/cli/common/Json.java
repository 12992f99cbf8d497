package dev.cotenant.cli.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The {@code --json} output of every command, written by Jackson. A figure rounded to a number of
 * places is a {@link BigDecimal}, written plain, so it prints with exactly those places (0.0012,
 * never 1.2E-3); a figure that is not finite is {@code null}, since JSON has no NaN.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private Json() {}

    /** An empty object to fill; its fields keep the order they are put in. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code v} rounded half up to {@code places} decimals, as {@code %.Nf} prints it; null when not finite. */
    public static BigDecimal fixed(double v, int places) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP) : null;
    }

    /** {@code v}, or null when not finite. */
    public static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** One line of JSON. */
    public static String write(Object tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always writes", e);
        }
    }
}
