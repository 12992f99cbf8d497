package dev.cotenant.cli.common;

import dev.cotenant.ir.ModelException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --dim SYMBOL=N} options as sizes by symbol, for {@link dev.cotenant.ir.SampleInputs},
 * which refuses a symbol no input has and names the free ones left unset.
 */
public final class DimSizes {

    private DimSizes() {}

    /** The sizes, in the order given; a malformed entry or a symbol given twice is an error. */
    public static Map<String, Integer> parse(List<String> entries) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            int n;
            try {
                n = Integer.parseInt(entry.substring(eq + 1).strip());
            } catch (RuntimeException e) {
                n = 0;
            }
            if (eq <= 0 || n < 1) {
                throw new ModelException("--dim " + entry + ": expected SYMBOL=N with N a positive size, e.g. --dim batch=8");
            }
            if (sizes.put(entry.substring(0, eq).strip(), n) != null) {
                throw new ModelException("--dim " + entry + ": '" + entry.substring(0, eq).strip() + "' is sized twice");
            }
        }
        return sizes;
    }
}
