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
 * The host software that feeds the GPU, as the simulator sees it: how much host time each kernel
 * costs, whether an inference is one CUDA graph, how many host threads a process has, and which
 * kernels it launches. Three are built in, each a runtime sheet ({@code runtimes/*.runtime}) whose
 * every figure names its source:
 *
 * <ul>
 *   <li>{@code native}: a C++ engine (TensorRT, cuDNN) enqueueing each kernel in a few microseconds,
 *       a host thread per stream. What the simulator modelled before runtimes existed.</li>
 *   <li>{@code graph}: the same engine replaying each inference as one CUDA graph: one launch per
 *       inference, shorter gaps between the graph's kernels.</li>
 *   <li>{@code eager}: a framework dispatching every operator from Python, tens of microseconds a
 *       kernel, one thread per process, unfused kernels.</li>
 * </ul>
 *
 * Why the three are ordered (graph never slower than native, native never slower than eager, for
 * one stream): graph's first kernel is enqueued as early as native's and the rest at no host cost
 * with shorter gaps; eager pays native's enqueue plus its dispatch for each kernel and launches at
 * least the work native does.
 *
 * @param name as the command line spells it
 * @param dispatchUs host time per kernel launch on top of the driver's enqueue ({@link Gpu#launchUs})
 * @param graph each inference enqueued as one CUDA graph: no per-kernel host time, one
 *     {@code graphLaunchUs} per inference
 * @param graphLaunchUs host time of one graph launch on top of one driver enqueue ({@link Gpu#launchUs})
 * @param graphKernelGapUs device time between dependent kernels of a graph (instead of {@link Gpu#kernelGapUs})
 * @param oneHostThread one host thread enqueues every stream of a process (in-process multistream
 *     and searched schedules then pay their launches one after another)
 * @param perOperatorKernels a kernel per operator, no engine fusion
 * @param requestUs host work per inference outside launches, after the previous inference of the
 *     stream completed (copies, synchronisation, answering a request); 0 runs inferences back to back
 * @param kernelFixedSmUs device time every kernel of this runtime costs whatever its size, in
 *     SM-microseconds: a kernel that may use S SMs starts {@code kernelFixedSmUs / S} later than its
 *     stream's gap alone allows (see {@link #kernelFixedUs}); optional in a sheet, 0 when absent
 */
public record HostRuntime(String name, double dispatchUs, boolean graph, double graphLaunchUs, double graphKernelGapUs,
                          boolean oneHostThread, boolean perOperatorKernels, double requestUs, double kernelFixedSmUs) {

    /** Built-in runtime sheets, by the name {@link #load} accepts. */
    public static final List<String> BUILT_IN = List.of("native", "graph", "eager");

    private static final List<String> FIELDS = List.of("name", "dispatch_us", "graph", "graph_launch_us", "graph_kernel_gap_us",
            "one_host_thread", "per_operator_kernels", "request_us");

    /** Fields a sheet may leave out: sheets written before they existed still load. */
    private static final List<String> OPTIONAL = List.of("kernel_fixed_sm_us");

    /** The native runtime: the simulator's behaviour when no runtime is named. */
    public static final HostRuntime NATIVE = load("native");

    /** A built-in runtime by name (any case), else the runtime sheet at that path. */
    public static HostRuntime load(String nameOrPath) {
        String key = nameOrPath.toLowerCase(Locale.ROOT);
        if (BUILT_IN.contains(key)) {
            try (InputStream in = HostRuntime.class.getResourceAsStream("runtimes/" + key + ".runtime")) {
                if (in == null) {
                    throw new IllegalStateException("built-in runtime sheet runtimes/" + key + ".runtime is missing from the jar");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), key + ".runtime");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new ModelException("no runtime named '" + nameOrPath + "' (built in: " + String.join(", ", BUILT_IN)
                    + ") and no runtime sheet file at that path");
        }
        try {
            return parse(Files.readString(p), p.toString());
        } catch (IOException e) {
            throw new ModelException("cannot read runtime sheet " + p + ": " + e.getMessage());
        }
    }

    /** Parses a runtime sheet; {@code source} names it in errors, with the line and the field. */
    public static HostRuntime parse(String text, String source) {
        SheetText r = SheetText.parse(text, source, FIELDS, OPTIONAL);
        HostRuntime h = new HostRuntime(r.text("name"), r.nonNegative("dispatch_us"), r.flag("graph"), r.nonNegative("graph_launch_us"),
                r.nonNegative("graph_kernel_gap_us"), r.flag("one_host_thread"), r.flag("per_operator_kernels"),
                r.nonNegative("request_us"), r.nonNegative("kernel_fixed_sm_us", 0));
        if (h.graph && h.dispatchUs > 0) {
            throw new ModelException(source + " line " + r.line("dispatch_us") + ": a graph runtime has no per-kernel dispatch"
                    + " (graph = true needs dispatch_us = 0)");
        }
        return h;
    }

    /** Host time to enqueue one kernel on {@code gpu}: nothing inside a graph, else the driver's plus the dispatch. */
    public double launchUs(Gpu gpu) {
        return graph ? 0 : gpu.launchUs() + dispatchUs;
    }

    /**
     * The fixed device time of one kernel that may use {@code sms} SMs: {@link #kernelFixedSmUs}
     * spread over them. It is work that does not grow with the kernel's, so a smaller partition of the
     * device (a MIG slice, an MPS cap) takes longer over it.
     */
    public double kernelFixedUs(int sms) {
        return kernelFixedSmUs / Math.max(1, sms);
    }

    /** Device time between two dependent kernels of one stream on {@code gpu}. */
    public double kernelGapUs(Gpu gpu) {
        // A graph's nodes never wait longer than stream launches would: the graph removes work.
        return graph ? Math.min(graphKernelGapUs, gpu.kernelGapUs()) : gpu.kernelGapUs();
    }

    /**
     * The same runtime on another host: {@code us} of host time per kernel instead of the sheet's,
     * named {@code name}. A framework's dispatch cost is mostly the host CPU's and the framework
     * version's, so measurements taken on different hosts fit different values.
     */
    public HostRuntime withDispatchUs(String name, double us) {
        if (!(us >= 0)) {
            throw new ModelException("runtime " + name + ": dispatch time must be zero or more, got " + us);
        }
        return new HostRuntime(name, us, graph, graphLaunchUs, graphKernelGapUs, oneHostThread, perOperatorKernels, requestUs, kernelFixedSmUs);
    }

    /** The same runtime serving requests: {@code us} of host work per inference after the previous one completed. */
    public HostRuntime withRequestUs(double us) {
        if (!(us >= 0)) {
            throw new ModelException("runtime " + name + ": request time must be zero or more, got " + us);
        }
        return new HostRuntime(name, dispatchUs, graph, graphLaunchUs, graphKernelGapUs, oneHostThread, perOperatorKernels, us, kernelFixedSmUs);
    }
}
