package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.ir.ModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A discrete-event model of one GPU running streams of kernels.
 *
 * <h2>What it models</h2>
 * <ul>
 *   <li><b>SMs and occupancy.</b> Every SM has thread, register (per-warp allocation units),
 *       shared-memory and block-slot limits; a block is placed only where all four leave room, so
 *       occupancy and wave quantization come out of placement rather than a formula.</li>
 *   <li><b>Left-over dispatch.</b> Kernels whose stream has reached them wait in one queue, in
 *       order of stream priority (CUDA's convention, lower is more urgent) and then launch order.
 *       The dispatcher places the head kernel's blocks; a later kernel gets only what is left once
 *       every earlier kernel (on overlapping SMs) has all its blocks out. Running blocks are never
 *       preempted. At most {@code resident_kernels_max} kernels are resident at once.</li>
 *   <li><b>Streams and their hosts.</b> Items of a stream run in order. Each item costs its host
 *       thread enqueue time as the {@link dev.cotenant.gpusim.hardware.HostRuntime host runtime}
 *       prices it (a native engine's enqueue, a framework's dispatch, nothing inside a CUDA graph;
 *       records and waits the sheet's event costs; host items their own time), so a stream of tiny
 *       kernels is launch bound; dependent kernels of one stream are separated by the runtime's
 *       device-side kernel gap ({@link HostClock}), plus the runtime's fixed device time per kernel
 *       spread over the SMs the stream may use (framework kernels carry one that engine kernels do
 *       not; see the eager runtime sheet).</li>
 *   <li><b>Work queues.</b> Each process has a limited number of hardware queues; streams beyond
 *       it share one, and a launch waits behind an earlier-enqueued launch of another stream that
 *       is itself waiting for its stream ({@link WorkQueues}).</li>
 *   <li><b>Contention inside an SM.</b> Blocks on an SM share its issue slots in proportion to
 *       their warps: a block of w warps runs at {@code w / max(W_sat, W)} of the SM's peak (times
 *       its kernel's efficiency), where W is the resident warps per SM and W_sat the warps that
 *       saturate an SM.</li>
 *   <li><b>Shared DRAM bandwidth.</b> Every running block wants its bytes at the rate its compute
 *       time allows (capped at what one SM can draw); the bandwidth of its pool is split max-min
 *       fairly (water filling) among blocks. A block takes {@code max(compute, memory) + latency}
 *       at its current shares. When asked, co-running kernels also interfere through L2 and DRAM
 *       ({@link Contention}).</li>
 * </ul>
 *
 * <h2>How it stays fast</h2>
 * There are no per-block objects. Blocks of one kernel dispatched at the same instant form a
 * <i>cohort</i> that progresses as one (a fraction of its blocks' work left, and a rate); a kernel
 * has about one cohort per wave. Every time the set of cohorts changes (a cohort starts or ends)
 * all rates are re-evaluated, which is the "re-evaluate when the running set changes" model at
 * cohort granularity. Two approximations buy this: W above is the larger of the device-wide mean
 * of resident warps over occupied SMs and the kernel's own resident warps per SM it holds (so sparse
 * neighbours elsewhere never speed a kernel up), rather than each SM's own count; and all blocks of
 * a cohort progress at the same rate. Between rate changes each cohort keeps an absolute finish
 * time, so an event costs one pass over the cohorts for the next finish, one to re-rate them (water
 * filling without a sort), and a placement scan that, for a kernel left waiting, visits only the
 * SMs released since it last tried. A stream holds at most one kernel in flight, so cohorts stay a
 * few dozen. GpuStream timers sit in a binary heap of primitive arrays ({@link TimerHeap}).
 *
 * <h2>Time slicing, MPS, MIG</h2>
 * Expressed on the input: {@link Sharing#timeSliced()} lets only one context's kernels run at a
 * time (switching costs the sheet's context switch; a context that has held the device for a time
 * slice while another waits launches no new kernel until it drains); MPS and MIG confine a
 * stream's blocks to an SM range; MIG also gives each instance its own bandwidth pool.
 */
public final class Simulator {

    private static final double EPS = 1e-9;

    private final Gpu gpu;
    private final Submission w;
    private final List<GpuStream> streams;
    private final int n;
    private final Sms sms;
    private final double[][] start;
    private final double[][] end;
    private final int[] nextItem;
    /** The last item each stream started (-1 before its first). */
    private final int[] begun;
    /** The first item of each stream the device sees (host items before it cost only host time). */
    private final int[] firstDevice;
    private final HostClock host;
    private final WorkQueues queues;
    /** Each stream's gap plus its runtime's fixed device time per kernel over the SMs the stream may use. */
    private final double[] launchGapUs;
    private final double[] eventTime;
    private final List<List<Integer>> waiters;
    private final List<Launched> queue = new ArrayList<>();
    private final List<Cohort> cohorts = new ArrayList<>();
    private final ArrayDeque<int[]> rows = new ArrayDeque<>();
    private final Contention contention;
    private final int[] activeByCtx;
    private final int[] queuedByCtx;
    private int activeKernels;
    private int owner = -1;
    private double ownerSince;
    private double switchReady;
    private double now;
    private long seq;
    private long events;
    private int streamsDone;
    // Timers: (time, stream); stream -1 wakes the dispatcher.
    private final TimerHeap timers = new TimerHeap();
    private double[] seg = new double[5 * 256];
    private int segN;

    private Simulator(Gpu gpu, Submission w) {
        this.gpu = gpu;
        this.w = w;
        this.streams = w.streams();
        this.n = streams.size();
        this.sms = new Sms(gpu);
        start = new double[n][];
        end = new double[n][];
        nextItem = new int[n];
        begun = new int[n];
        Arrays.fill(begun, -1);
        firstDevice = new int[n];
        int events = 0;
        int contexts = 1;
        for (int s = 0; s < n; s++) {
            GpuStream st = streams.get(s);
            int m = st.items().size();
            start[s] = new double[m];
            end[s] = new double[m];
            Arrays.fill(start[s], Double.NaN);
            Arrays.fill(end[s], Double.NaN);
            contexts = Math.max(contexts, st.context() + 1);
            if (st.bandwidthPool() >= w.sharing().bandwidthShares().length) {
                throw new ModelException("stream '" + st.name() + "' draws on bandwidth pool " + st.bandwidthPool()
                        + " but the workload has " + w.sharing().bandwidthShares().length);
            }
            boolean device = false;
            for (Item it : st.items()) {
                switch (it) {
                    case Item.Launch l -> l.kernel().checkFits(gpu);
                    case Item.Record r -> events = Math.max(events, r.event() + 1);
                    case Item.Wait wt -> events = Math.max(events, wt.event() + 1);
                    case Item.Host h -> { }
                }
                device |= !(it instanceof Item.Host);
                if (!device) {
                    firstDevice[s]++;
                }
            }
        }
        host = new HostClock(streams, w.sharing(), gpu);
        queues = new WorkQueues(streams, w.sharing().workQueues());
        double gapUs = w.sharing().runtime().kernelGapUs(gpu);
        launchGapUs = new double[n];
        for (int s = 0; s < n; s++) {
            int smCount = streams.get(s).smCount();
            launchGapUs[s] = gapUs + w.sharing().runtime().kernelFixedUs(smCount == 0 ? gpu.sms() : Math.min(smCount, gpu.sms()));
        }
        eventTime = new double[events];
        Arrays.fill(eventTime, -1);
        GpuStream.checkEvents(streams, events);
        waiters = new ArrayList<>(events);
        for (int e = 0; e < events; e++) {
            waiters.add(new ArrayList<>(2));
        }
        contention = new Contention(gpu, sms, w.sharing().bandwidthShares(), w.sharing().interference());
        activeByCtx = new int[contexts];
        queuedByCtx = new int[contexts];
    }

    /** Simulates {@code workload} on {@code gpu}. */
    public static KernelTimeline run(Gpu gpu, Submission workload) {
        Simulator sim = new Simulator(gpu, workload);
        sim.loop();
        return new KernelTimeline(workload, sim.start, sim.end, sim.seg, sim.segN, sim.events);
    }

    /** Simulates one stream alone: the solo time of its items. */
    public static KernelTimeline solo(Gpu gpu, GpuStream stream) {
        return run(gpu, Submission.of(List.of(stream)));
    }

    private void loop() {
        for (int s = 0; s < n; s++) {
            moveOn(s);
        }
        dispatch();
        contention.rate(cohorts, now);
        while (true) {
            double tTimer = timers.firstTime();
            double tCohort = Double.POSITIVE_INFINITY;
            for (int i = 0, m = cohorts.size(); i < m; i++) {
                tCohort = Math.min(tCohort, cohorts.get(i).finishAt);
            }
            double t = Math.min(tTimer, tCohort);
            if (t == Double.POSITIVE_INFINITY) {
                break;
            }
            events++;
            if (t > now) {
                segment(t);
                now = t;
            }
            boolean changed = false;
            for (int i = cohorts.size() - 1; i >= 0; i--) {
                Cohort c = cohorts.get(i);
                if (c.finishAt <= now + EPS) {
                    // Order among cohorts does not matter: swap the last one in.
                    Cohort last = cohorts.removeLast();
                    if (last != c) {
                        cohorts.set(i, last);
                    }
                    finish(c);
                    changed = true;
                }
            }
            while (timers.firstTime() <= now + EPS) {
                int s = timers.pop();
                if (s >= 0) {
                    wake(s);
                }
                changed = true;
            }
            if (changed) {
                dispatch();
                contention.rate(cohorts, now);
            }
        }
        if (streamsDone < n) {
            StringBuilder b = new StringBuilder("deadlock: ");
            for (int s = 0; s < n; s++) {
                List<Item> items = streams.get(s).items();
                if (nextItem[s] < items.size()) {
                    b.append("stream '").append(streams.get(s).name()).append("' is stuck at item ").append(nextItem[s])
                            .append(" (").append(items.get(nextItem[s])).append("); ");
                }
            }
            throw new ModelException(b.substring(0, b.length() - 2));
        }
    }

    private void finish(Cohort c) {
        Launched k = c.k;
        sms.release(k, c.row);
        rows.push(c.row);
        k.finished += c.blocks;
        if (k.finished == k.kernel.blocks()) {
            rows.push(k.onSm);
            k.onSm = null;
            activeKernels--;
            activeByCtx[k.context]--;
            end[k.stream][k.item] = now;
            nextItem[k.stream]++;
            moveOn(k.stream);
        }
    }

    /** GpuStream {@code s} may start its next item: now, or when its host has enqueued it. */
    private void moveOn(int s) {
        advance(s);
        if (queues.active()) {
            for (int b : queues.release(s)) {
                timers.push(now, b);
            }
        }
    }

    private void advance(int s) {
        List<Item> items = streams.get(s).items();
        while (true) {
            int i = nextItem[s];
            if (i == items.size()) {
                streamsDone++;
                return;
            }
            Item it = items.get(i);
            double ready = Math.max(now, host.reach(s, i, now));
            // A launch that depends on anything the device ran before it on its stream (a kernel, or
            // an event record or wait between two kernels) starts a kernel gap after that dependency
            // resolved: a record between two kernels does not let the second skip the gap. Host
            // items before a stream's first device item are no such dependency. The runtime's fixed
            // device time per kernel adds to the gap, over the SMs the stream's kernels may use.
            if (it instanceof Item.Launch && i > firstDevice[s]) {
                ready = Math.max(ready, now + launchGapUs[s]);
            }
            if (ready > now + EPS) {
                timers.push(ready, s);
                return;
            }
            if (heldByQueue(s, i) || !begin(s, i)) {
                return;
            }
            nextItem[s]++;
        }
    }

    private void wake(int s) {
        int i = nextItem[s];
        if (i == streams.get(s).items().size() || heldByQueue(s, i)) {
            return;
        }
        if (begin(s, i)) {
            nextItem[s]++;
            moveOn(s);
        } else if (queues.active()) {
            // It started a launch or began waiting on an event: streams held on its queue may go.
            for (int b : queues.release(s)) {
                timers.push(now, b);
            }
        }
    }

    /** Whether launch {@code i} of stream {@code s} waits behind another stream's launch on a shared work queue. */
    private boolean heldByQueue(int s, int i) {
        return queues.active() && streams.get(s).items().get(i) instanceof Item.Launch
                && queues.holds(s, i, nextItem, begun, host);
    }

    /** Starts item {@code i} of stream {@code s}; true when it completed at once. */
    private boolean begin(int s, int i) {
        start[s][i] = now;
        begun[s] = i;
        switch (streams.get(s).items().get(i)) {
            case Item.Launch l -> {
                Launched k = new Launched(l.kernel(), s, i, seq++, streams.get(s), gpu);
                int at = queue.size();
                while (at > 0 && (queue.get(at - 1).priority > k.priority)) {
                    at--;
                }
                queue.add(at, k);
                queuedByCtx[k.context]++;
                return false;
            }
            case Item.Record r -> {
                end[s][i] = now;
                eventTime[r.event()] = now;
                List<Integer> ws = waiters.get(r.event());
                for (int x : ws) {
                    end[x][nextItem[x]] = now;
                    nextItem[x]++;
                    moveOn(x);
                }
                ws.clear();
                return true;
            }
            case Item.Wait wt -> {
                if (eventTime[wt.event()] >= 0) {
                    end[s][i] = now;
                    return true;
                }
                waiters.get(wt.event()).add(s);
                return false;
            }
            case Item.Host h -> {
                // Its host time was paid when the host reached it; the device has nothing to do.
                end[s][i] = now;
                return true;
            }
        }
    }

    private void dispatch() {
        boolean sliced = w.sharing().timeSliced();
        if (sliced) {
            // The owner keeps the device while it has work in its channels (a kernel running, queued,
            // or enqueued by its host and waiting out the gap after its predecessor), until its
            // slice is over and another context waits; then it drains and the device switches.
            if (owner < 0 || activeByCtx[owner] == 0 && (sliceOver() || !ownerHasWork())) {
                int want = chooseContext();
                if (want >= 0 && want != owner) {
                    if (owner >= 0) {
                        switchReady = now + gpu.contextSwitchUs();
                        timers.push(switchReady, -1);
                    }
                    owner = want;
                    ownerSince = Math.max(now, switchReady);
                }
            }
            if (now < switchReady - EPS) {
                return;
            }
        }
        List<Launched> blocked = null;
        for (int q = 0; q < queue.size(); q++) {
            Launched k = queue.get(q);
            if (blocked != null && overlapsAny(k, blocked)) {
                continue;
            }
            if (sliced && (k.context != owner || k.dispatched == 0 && sliceOver())) {
                continue;
            }
            if (k.dispatched == 0 && activeKernels >= gpu.residentKernelsMax()) {
                break;
            }
            if (k.onSm == null) {
                k.onSm = rows.isEmpty() ? new int[sms.count] : rows.pop();
            }
            int[] row = rows.isEmpty() ? new int[sms.count] : rows.pop();
            int placed = sms.place(k, k.kernel.blocks() - k.dispatched, row);
            if (placed > 0) {
                if (k.dispatched == 0) {
                    k.start = now;
                    start[k.stream][k.item] = now;
                    activeKernels++;
                    activeByCtx[k.context]++;
                }
                k.dispatched += placed;
                Cohort c = new Cohort(k, placed, row);
                c.since = now;
                cohorts.add(c);
            } else {
                rows.push(row);
            }
            if (k.dispatched == k.kernel.blocks()) {
                queue.remove(q--);
                queuedByCtx[k.context]--;
            } else {
                if (blocked == null) {
                    blocked = new ArrayList<>(2);
                }
                blocked.add(k);
                if (k.smCount == sms.count) {
                    break;
                }
            }
        }
    }

    private boolean overlapsAny(Launched k, List<Launched> blocked) {
        for (Launched b : blocked) {
            if (b.overlaps(k, sms.count)) {
                return true;
            }
        }
        return false;
    }

    private boolean ownerHasWork() {
        if (queuedByCtx[owner] > 0) {
            return true;
        }
        for (int s = 0; s < n; s++) {
            GpuStream st = streams.get(s);
            if (st.context() == owner && nextItem[s] < st.items().size()
                    && host.position(s, nextItem[s]) <= now + EPS) {
                return true;
            }
        }
        return false;
    }

    private boolean othersQueued() {
        for (int c = 0; c < queuedByCtx.length; c++) {
            if (c != owner && queuedByCtx[c] > 0) {
                return true;
            }
        }
        return false;
    }

    private boolean sliceOver() {
        return now - ownerSince >= gpu.timesliceUs() && othersQueued();
    }

    private int chooseContext() {
        if (owner >= 0 && queuedByCtx[owner] > 0 && !sliceOver()) {
            return owner;
        }
        // Round robin: the next context after the owner with queued work.
        int m = queuedByCtx.length;
        for (int d = 1; d <= m; d++) {
            int c = Math.floorMod(owner + d, m);
            if (queuedByCtx[c] > 0) {
                return c;
            }
        }
        return -1;
    }

    private void segment(double t) {
        if ((segN + 1) * 5 > seg.length) {
            seg = Arrays.copyOf(seg, seg.length * 2);
        }
        double bytes = cohorts.isEmpty() ? 0 : contention.bytesRate();
        int b = segN * 5;
        seg[b] = now;
        seg[b + 1] = t;
        seg[b + 2] = (double) sms.occupied / sms.count;
        seg[b + 3] = (double) sms.totalWarps * 32 / ((double) gpu.threadsPerSm() * sms.count);
        seg[b + 4] = bytes / (gpu.dramGbps() * 1e3);
        segN++;
    }
}
