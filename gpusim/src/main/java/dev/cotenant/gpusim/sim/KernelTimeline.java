package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.kernel.Item;
import java.util.ArrayList;
import java.util.List;

/**
 * What a simulated run did: when each item of each stream started and ended, and how busy the
 * device was over time. Times are in microseconds from the start of the run. For a launch, start
 * is when its first block was dispatched and end when its last block finished; for a wait, start
 * is when the stream reached it and end when the event had been recorded.
 */
public final class KernelTimeline {

    /** One stretch of time over which the device's load was constant. */
    public record Segment(double fromUs, double toUs, double smBusy, double warpOccupancy, double dramUtilisation) {}

    /** One kernel's span, for traces. */
    public record KernelSpan(int stream, int item, String name, String tag, double startUs, double endUs) {}

    private final Submission workload;
    private final double[][] start;
    private final double[][] end;
    private final double[] seg;
    private final int segments;
    public final long events;

    KernelTimeline(Submission workload, double[][] start, double[][] end, double[] seg, int segments, long events) {
        this.workload = workload;
        this.start = start;
        this.end = end;
        this.seg = seg;
        this.segments = segments;
        this.events = events;
    }

    public Submission workload() {
        return workload;
    }

    public double startUs(int stream, int item) {
        return start[stream][item];
    }

    public double endUs(int stream, int item) {
        return end[stream][item];
    }

    /** When the stream's last item ended (0 for an empty stream). */
    public double streamEndUs(int stream) {
        double[] e = end[stream];
        return e.length == 0 ? 0 : e[e.length - 1];
    }

    /** When the last item of any stream ended. */
    public double makespanUs() {
        double m = 0;
        for (int s = 0; s < end.length; s++) {
            m = Math.max(m, streamEndUs(s));
        }
        return m;
    }

    /** Every kernel launch with its span, stream by stream. */
    public List<KernelSpan> kernels() {
        List<KernelSpan> out = new ArrayList<>();
        List<GpuStream> streams = workload.streams();
        for (int s = 0; s < streams.size(); s++) {
            List<Item> items = streams.get(s).items();
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i) instanceof Item.Launch l) {
                    out.add(new KernelSpan(s, i, l.kernel().name(), l.tag(), start[s][i], end[s][i]));
                }
            }
        }
        return out;
    }

    /** The device's load over time, one segment per stretch between events. */
    public List<Segment> utilisation() {
        List<Segment> out = new ArrayList<>(segments);
        for (int i = 0; i < segments; i++) {
            int b = i * 5;
            out.add(new Segment(seg[b], seg[b + 1], seg[b + 2], seg[b + 3], seg[b + 4]));
        }
        return out;
    }

    /** Time-weighted mean fraction of SMs holding at least one block, over the makespan. */
    public double meanSmBusy() {
        return mean(2);
    }

    /** Time-weighted mean fraction of peak DRAM bandwidth in use, over the makespan. */
    public double meanDramUtilisation() {
        return mean(4);
    }

    private double mean(int field) {
        double total = 0;
        for (int i = 0; i < segments; i++) {
            int b = i * 5;
            total += (seg[b + 1] - seg[b]) * seg[b + field];
        }
        double m = makespanUs();
        return m == 0 ? 0 : total / m;
    }
}
