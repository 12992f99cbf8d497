package dev.cotenant.server.repository;

import com.google.protobuf.Descriptors;
import com.google.protobuf.TextFormat;
import dev.cotenant.ir.ModelException;
import dev.cotenant.server.config.ModelConfig;
import dev.cotenant.server.config.ModelDynamicBatching;
import dev.cotenant.server.config.ModelInstanceGroup;
import dev.cotenant.server.config.ModelParameter;
import dev.cotenant.server.config.ModelQueuePolicy;
import dev.cotenant.server.config.ModelVersionPolicy;
import dev.cotenant.server.serving.ModelSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model folder's {@code config.pbtxt}: Triton's protobuf text format, parsed against the whole
 * of Triton's schema ({@code model_config.proto}). A field the schema does not have is an error
 * that names the field, the file and the line (with the nearest real name); a Triton setting that
 * Cotenant reads but does not honour is a warning ({@link ConfigCheck}); what it honours becomes
 * the {@link ModelSettings} a model is served with, the versions it serves and its instances.
 */
final class ConfigFile {

    static final String FILE = "config.pbtxt";

    /** The model file of a version folder when the config names none. */
    static final String DEFAULT_MODEL_FILE = "model.onnx";

    /**
     * A parsed file: the message as written (empty when there is no file), what was read but is
     * not honoured, and where it came from.
     */
    record Read(ModelConfig config, boolean present, List<String> warnings, String where) {}

    private ConfigFile() {}

    /** Reads {@code modelDir/config.pbtxt} for model {@code name}; no file reads as an empty config. */
    static Read read(Path modelDir, String name) {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new Read(ModelConfig.getDefaultInstance(), false, List.of(), file.toString());
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString(), name);
    }

    /** Parses {@code text} (from {@code where}) as the config of model {@code name}. */
    static Read parse(String text, String where, String name) {
        ModelConfig.Builder b = ModelConfig.newBuilder();
        try {
            TextFormat.Parser.newBuilder().build().merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new ModelException(where + ": " + explain(e));
        }
        ModelConfig c = b.build();
        if (!c.getName().isEmpty() && !c.getName().equals(name)) {
            throw new ModelException(where + ": name '" + c.getName() + "' does not match the model's folder name '" + name + "'");
        }
        return new Read(c, true, ConfigCheck.check(c, where), where);
    }

    /** One unknown field as protobuf's text parser lists it: {@code LINE:COLUMN:<tab>package.Type.field}. */
    private static final Pattern UNKNOWN = Pattern.compile("(?m)^(\\d+):(\\d+):\t([\\w.]+)\\.(\\w+)$");

    /**
     * The parser's complaint in words: each unknown field by its name, the message it was found
     * in and its line, with the nearest field that message does have.
     */
    static String explain(TextFormat.ParseException e) {
        Matcher m = UNKNOWN.matcher(e.getMessage());
        List<String> found = new ArrayList<>();
        while (m.find()) {
            String type = m.group(3);
            String field = m.group(4);
            Descriptors.Descriptor d = nested(ModelConfig.getDescriptor().getFile(), type);
            String near = d == null ? null : nearest(field, d.getFields().stream().map(Descriptors.FieldDescriptor::getName).toList());
            found.add("line " + m.group(1) + ": unknown field '" + field + "' in " + type.replaceFirst("^inference\\.", "")
                    + (near == null ? "" : " (did you mean '" + near + "'?)"));
        }
        if (found.isEmpty()) {
            return e.getMessage();
        }
        return String.join("; ", found) + "; not in Triton's model configuration schema";
    }

    private static Descriptors.Descriptor nested(Descriptors.FileDescriptor file, String fullName) {
        for (Descriptors.Descriptor top : file.getMessageTypes()) {
            Descriptors.Descriptor found = find(top, fullName);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Descriptors.Descriptor find(Descriptors.Descriptor d, String fullName) {
        if (d.getFullName().equals(fullName)) {
            return d;
        }
        for (Descriptors.Descriptor n : d.getNestedTypes()) {
            Descriptors.Descriptor found = find(n, fullName);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The name among {@code names} within two edits of {@code s}, or null. */
    static String nearest(String s, List<String> names) {
        String best = null;
        int bestDistance = 3;
        for (String n : names) {
            int d = distance(s, n);
            if (d < bestDistance) {
                best = n;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The serving settings of {@code r}; {@code batchable} when every input's first dimension is
     * free (a model that is not cannot have a {@code max_batch_size}). Without a file, the
     * {@linkplain ModelSettings#defaults defaults}; a file that gives no {@code max_batch_size}
     * means no batching, as in Triton.
     */
    static ModelSettings settings(Read r, boolean batchable) {
        if (!r.present()) {
            return ModelSettings.defaults(batchable);
        }
        ModelConfig c = r.config();
        String where = r.where();
        int maxBatch = c.getMaxBatchSize();
        if (maxBatch < 0) {
            throw new ModelException(where + ": max_batch_size must be 0 or more, got " + maxBatch);
        }
        if (maxBatch > 0 && !batchable) {
            throw new ModelException(where + ": max_batch_size " + maxBatch + " but the model's inputs do not all have a free first dimension to batch along");
        }
        ModelDynamicBatching db = c.getDynamicBatching();
        int[] preferred = db.getPreferredBatchSizeList().stream().mapToInt(Integer::intValue).sorted().toArray();
        for (int p : preferred) {
            if (p < 1 || p > Math.max(1, maxBatch)) {
                throw new ModelException(where + ": preferred_batch_size " + p + " is outside 1.." + Math.max(1, maxBatch));
            }
        }
        int levels = (int) Math.max(1, db.getPriorityLevels());
        int defaultLevel = db.getDefaultPriorityLevel() == 0 ? levels : (int) db.getDefaultPriorityLevel();
        if (defaultLevel > levels) {
            throw new ModelException(where + ": default_priority_level " + defaultLevel + " exceeds priority_levels " + levels);
        }
        ModelQueuePolicy q = db.getDefaultQueuePolicy();
        int queue = q.getMaxQueueSize() > 0 ? q.getMaxQueueSize() : (int) longParameter(c, "max_queue_size", ModelSettings.DEFAULT_MAX_QUEUE, where);
        if (queue < 1) {
            throw new ModelException(where + ": max_queue_size must be at least 1 (queues are always bounded)");
        }
        boolean override = !db.hasDefaultQueuePolicy() || q.getAllowTimeoutOverride();
        double slo = doubleParameter(c, "slo_ms", 0, where);
        int tenantPriority = switch (c.getOptimization().getPriority()) {
            case PRIORITY_MAX -> 0;
            case PRIORITY_MIN -> 2;
            case PRIORITY_DEFAULT, UNRECOGNIZED -> 1;
        };
        return new ModelSettings(maxBatch, preferred, db.getMaxQueueDelayMicroseconds(), levels, defaultLevel, queue,
                q.getDefaultTimeoutMicroseconds(), override, slo, tenantPriority, instances(c, where));
    }

    /**
     * Instances of the model: the sum of its instance groups' counts (a group without a count has
     * one), 1 without groups. Each instance can run a batch at the same time as the others.
     */
    static int instances(ModelConfig c, String where) {
        if (c.getInstanceGroupCount() == 0) {
            return 1;
        }
        int n = 0;
        for (ModelInstanceGroup g : c.getInstanceGroupList()) {
            if (g.getCount() < 0) {
                throw new ModelException(where + ": instance_group count must be 1 or more, got " + g.getCount());
            }
            n += Math.max(1, g.getCount());
        }
        if (n > ModelSettings.MAX_INSTANCES) {
            throw new ModelException(where + ": instance_group counts add up to " + n + " instances; at most " + ModelSettings.MAX_INSTANCES
                    + " are allowed (each keeps its own plans and weights)");
        }
        return n;
    }

    /**
     * The version folders served of those found ({@code found}: numeric names in ascending order)
     * under the config's {@code version_policy}: the newest one by default, as in Triton.
     */
    static List<String> versions(List<String> found, ModelConfig c, String where) {
        ModelVersionPolicy p = c.getVersionPolicy();
        return switch (p.getPolicyChoiceCase()) {
            case ALL -> found;
            case SPECIFIC -> {
                List<String> out = new ArrayList<>();
                for (long v : p.getSpecific().getVersionsList()) {
                    if (!found.contains(Long.toString(v))) {
                        throw new ModelException(where + ": version_policy names version " + v + ", which has no folder (found: "
                                + String.join(", ", found) + ")");
                    }
                    out.add(Long.toString(v));
                }
                if (out.isEmpty()) {
                    throw new ModelException(where + ": version_policy { specific { } } names no version");
                }
                out.sort(java.util.Comparator.comparingLong(Long::parseLong));
                yield out.stream().distinct().toList();
            }
            case LATEST, POLICYCHOICE_NOT_SET -> {
                int n = p.hasLatest() ? p.getLatest().getNumVersions() : 1;
                if (n < 1) {
                    throw new ModelException(where + ": version_policy latest num_versions must be 1 or more, got " + n);
                }
                yield found.subList(Math.max(0, found.size() - n), found.size());
            }
        };
    }

    /** The model file in each version folder: {@code default_model_filename}, or {@code model.onnx}. */
    static String modelFile(ModelConfig c, String where) {
        String f = c.getDefaultModelFilename();
        if (f.isEmpty()) {
            return DEFAULT_MODEL_FILE;
        }
        if (f.contains("/") || f.contains("\\") || f.equals(".") || f.equals("..") || f.indexOf('\0') >= 0) {
            throw new ModelException(where + ": default_model_filename '" + f + "' must be a file name inside the version folder");
        }
        return f;
    }

    private static double doubleParameter(ModelConfig c, String key, double dflt, String where) {
        ModelParameter p = c.getParametersMap().get(key);
        if (p == null) {
            return dflt;
        }
        try {
            double v = Double.parseDouble(p.getStringValue().trim());
            if (!(v >= 0)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ModelException(where + ": parameter '" + key + "' must be a non-negative number, got '" + p.getStringValue() + "'");
        }
    }

    private static long longParameter(ModelConfig c, String key, long dflt, String where) {
        double v = doubleParameter(c, key, dflt, where);
        if (v != Math.rint(v)) {
            throw new ModelException(where + ": parameter '" + key + "' must be a whole number");
        }
        return (long) v;
    }
}
