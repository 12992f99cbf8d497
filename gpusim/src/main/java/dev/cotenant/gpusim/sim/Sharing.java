package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.ir.ModelException;

/**
 * How the device is divided among processes and fed by their hosts, beyond what each
 * {@link GpuStream} says.
 *
 * @param timeSliced kernels of different contexts never overlap: the device switches between
 *     contexts (paying the sheet's context switch), giving each up to a time slice while others wait
 * @param bandwidthShares DRAM bandwidth pools as fractions of the device's bandwidth (MIG memory
 *     slices); one pool of 1.0 when the bandwidth is shared by everyone
 * @param oneHostThread one host thread enqueues every stream's items (round robin, one item of
 *     each stream in turn), so launch costs add up across streams; otherwise each stream has its
 *     own host thread (one per process or per model instance)
 * @param runtime the host software: per-kernel host cost, graphs, gaps (see {@link HostRuntime})
 * @param workQueues hardware work queues each process (context) gets, CUDA_DEVICE_MAX_CONNECTIONS
 *     (8 by default, at most 32): a process's streams beyond it share queues, and a launch then
 *     waits behind another stream's launch that was enqueued first and is itself waiting for its
 *     own stream (a false dependency)
 * @param interference whether co-running kernels slow each other through L2 and DRAM as the
 *     device sheet's {@code Interference} says; off, kernels share the bandwidth and nothing more
 *     (the model every earlier result was computed with)
 */
public record Sharing(boolean timeSliced, double[] bandwidthShares, boolean oneHostThread, HostRuntime runtime, int workQueues,
                      boolean interference) {

    /** CUDA_DEVICE_MAX_CONNECTIONS when the environment does not set it. */
    public static final int DEFAULT_WORK_QUEUES = 8;

    /** The most the hardware gives a process. */
    public static final int MAX_WORK_QUEUES = 32;

    /** One process's streams, or MPS without caps: everything shared, a host thread per stream. */
    public static final Sharing SHARED = new Sharing(false, new double[] {1.0}, false);

    /** Separate processes without MPS: the device is time sliced. */
    public static final Sharing TIME_SLICED = new Sharing(true, new double[] {1.0}, false);

    /** One process whose single host thread enqueues every stream. */
    public static final Sharing ONE_HOST_THREAD = new Sharing(false, new double[] {1.0}, true);

    public Sharing {
        bandwidthShares = bandwidthShares.clone();
        if (runtime == null) {
            throw new IllegalArgumentException("a sharing needs a host runtime");
        }
        if (workQueues < 1 || workQueues > MAX_WORK_QUEUES) {
            throw new ModelException("work queues per process (CUDA_DEVICE_MAX_CONNECTIONS) go from 1 to " + MAX_WORK_QUEUES
                    + ", got " + workQueues);
        }
    }

    /** The native runtime, 8 work queues a process, no interference. */
    public Sharing(boolean timeSliced, double[] bandwidthShares, boolean oneHostThread) {
        this(timeSliced, bandwidthShares, oneHostThread, HostRuntime.NATIVE, DEFAULT_WORK_QUEUES, false);
    }

    /** The same division of the device with another host side. */
    public Sharing withHost(Host host) {
        return new Sharing(timeSliced, bandwidthShares, oneHostThread, host.runtime(), host.workQueues(), host.interference());
    }

    /** The same, with one host thread for every stream when {@code one}. */
    public Sharing withOneHostThread(boolean one) {
        return new Sharing(timeSliced, bandwidthShares, one, runtime, workQueues, interference);
    }

    /** The host side of this sharing. */
    public Host host() {
        return new Host(runtime, workQueues, interference);
    }

    /**
     * What the host and the model of co-running bring to any sharing: the runtime, the work queues
     * per process, and whether kernels interfere. Chosen once per run ({@code simulate --runtime},
     * {@code --work-queues}, {@code --interference}) and applied to every policy alike.
     */
    public record Host(HostRuntime runtime, int workQueues, boolean interference) {

        /** The simulator's behaviour when nothing is asked: native, 8 queues, bandwidth sharing only. */
        public static final Host DEFAULT = new Host(HostRuntime.NATIVE, DEFAULT_WORK_QUEUES, false);

        public Host {
            if (workQueues < 1 || workQueues > MAX_WORK_QUEUES) {
                throw new ModelException("work queues per process (CUDA_DEVICE_MAX_CONNECTIONS) go from 1 to " + MAX_WORK_QUEUES
                        + ", got " + workQueues);
            }
        }
    }
}
