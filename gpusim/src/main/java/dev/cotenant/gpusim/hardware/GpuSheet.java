package dev.cotenant.gpusim.hardware;

import dev.cotenant.ir.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The text form of a {@link Gpu}: one {@code field = value} a line, {@code #} comments, every field
 * required once. A user describes another GPU by copying a built-in sheet ({@code gpus/a100.gpu})
 * and changing its numbers. Errors name the file, the line and the field.
 */
public final class GpuSheet {

    /** Built-in sheets, by the name {@link #load} accepts. */
    public static final List<String> BUILT_IN = List.of("v100", "a100", "h100", "h200", "l4", "t4");

    private static final List<String> FIELDS = List.of("name", "compute_capability", "sms", "clock_mhz", "fp32_tflops",
            "fp16_tensor_tflops", "tf32_tensor_tflops", "dram_gbps", "l2_mb", "shared_memory_per_sm_kb", "threads_per_sm",
            "blocks_per_sm", "registers_per_sm", "registers_per_thread_max", "threads_per_block_max",
            "register_allocation_unit", "resident_kernels_max", "launch_us", "kernel_gap_us", "event_record_us",
            "stream_wait_us", "context_switch_us", "timeslice_us", "warps_to_saturate", "sm_bandwidth_shares_max",
            "dram_efficiency", "block_latency_us", "mig_slices", "mig_sms_per_slice");

    /** Fields a sheet may leave out: the interference model (absent means none). */
    private static final List<String> OPTIONAL = List.of("l2_interference", "dram_interference");

    private GpuSheet() {}

    /** A built-in sheet by name (any case), else the file at that path. */
    public static Gpu load(String nameOrPath) {
        String key = nameOrPath.toLowerCase(Locale.ROOT);
        if (BUILT_IN.contains(key)) {
            try (InputStream in = GpuSheet.class.getResourceAsStream("gpus/" + key + ".gpu")) {
                if (in == null) {
                    throw new IllegalStateException("built-in sheet gpus/" + key + ".gpu is missing from the jar");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), key + ".gpu");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new ModelException("no GPU named '" + nameOrPath + "' (built in: " + String.join(", ", BUILT_IN)
                    + ") and no sheet file at that path");
        }
        try {
            return parse(Files.readString(p), p.toString());
        } catch (IOException e) {
            throw new ModelException("cannot read GPU sheet " + p + ": " + e.getMessage());
        }
    }

    /**
     * Parses a sheet; {@code source} names it in errors. The interference fields are optional (a
     * sheet without them simulates no interference), so sheets written before they existed load.
     */
    public static Gpu parse(String text, String source) {
        SheetText r = SheetText.parse(text, source, FIELDS, OPTIONAL);
        Gpu g = new Gpu(r.text("name"), r.text("compute_capability"), r.count("sms", 1), r.positive("clock_mhz"),
                r.positive("fp32_tflops"), r.positive("fp16_tensor_tflops"), r.nonNegative("tf32_tensor_tflops"),
                r.positive("dram_gbps"), r.nonNegative("l2_mb"), r.count("shared_memory_per_sm_kb", 1),
                r.count("threads_per_sm", 32), r.count("blocks_per_sm", 1), r.count("registers_per_sm", 256),
                r.count("registers_per_thread_max", 1), r.count("threads_per_block_max", 32),
                r.count("register_allocation_unit", 1), r.count("resident_kernels_max", 1), r.nonNegative("launch_us"),
                r.nonNegative("kernel_gap_us"), r.nonNegative("event_record_us"), r.nonNegative("stream_wait_us"),
                r.nonNegative("context_switch_us"), r.positive("timeslice_us"), r.count("warps_to_saturate", 1),
                r.positive("sm_bandwidth_shares_max"), r.fraction("dram_efficiency"), r.nonNegative("block_latency_us"),
                r.count("mig_slices", 0), r.count("mig_sms_per_slice", 0),
                new Interference(r.nonNegative("l2_interference", 0), r.fractionOrZero("dram_interference", 0)));
        if (g.migSlices() * g.migSmsPerSlice() > g.sms()) {
            throw new ModelException(source + " line " + r.line("mig_slices") + ": mig_slices x mig_sms_per_slice ("
                    + g.migSlices() * g.migSmsPerSlice() + ") exceeds sms (" + g.sms() + ")");
        }
        return g;
    }
}
