package dev.cotenant.bench.peer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.sched.compare.Peer;
import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.schedule.Task;
import dev.cotenant.sched.workload.TenantPlan;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;

/**
 * The peer policy: what co-location looks like without a scheduler. Each tenant's model (exported
 * from the same graph the engine runs) gets its own ONNX Runtime session and its own thread, and
 * all run at once, every round; the operating system shares the cores among them. Run with the
 * sessions' default thread settings, and with a fixed intra-operator thread count per session.
 */
public final class OnnxRuntimePeer implements Peer.Session {

    /** ONNX Runtime as the peer of co-location comparisons ({@code corun}'s policy {@code onnxruntime}). */
    public static final Peer PEER = new Peer() {
        @Override
        public String name() {
            return "onnxruntime";
        }

        @Override
        public Peer.Session open(List<TenantPlan> plans, Peer.Setup setup) {
            return new OnnxRuntimePeer(plans, setup);
        }
    };


    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final List<OrtSession> sessions = new ArrayList<>();
    private final List<Map<String, OnnxTensor>> feeds = new ArrayList<>();

    private final Peer.Setup setup;

    /** Every session with {@code intraOpThreads} threads (0 keeps ONNX Runtime's default, one per core), run concurrently. */
    OnnxRuntimePeer(List<TenantPlan> plans, int intraOpThreads) {
        this(plans, new Peer.Setup(java.util.Collections.nCopies(plans.size(), intraOpThreads), false));
    }

    OnnxRuntimePeer(List<TenantPlan> plans, Peer.Setup setup) {
        this.setup = setup;
        try {
            for (int i = 0; i < plans.size(); i++) {
                TenantPlan p = plans.get(i);
                OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                int intraOpThreads = setup.threads().get(i);
                if (intraOpThreads > 0) {
                    o.setIntraOpNumThreads(intraOpThreads);
                    o.setInterOpNumThreads(1);
                }
                sessions.add(env.createSession(OnnxExport.toBytes(p.source()), o));
                Map<String, OnnxTensor> in = new HashMap<>();
                for (Map.Entry<String, Tensor> e : p.inputs().entrySet()) {
                    Tensor t = e.getValue();
                    long[] shape = new long[t.shape().length];
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = t.shape()[d];
                    }
                    in.put(e.getKey(), t.dataType() == DataType.FLOAT
                            ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats(), t.offset(), t.size()).slice(), shape)
                            : OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), shape));
                }
                feeds.add(in);
            }
        } catch (OrtException e) {
            close();
            throw new ModelException("onnxruntime could not load the tenants: " + e.getMessage());
        }
    }

    @Override
    public Timeline round(int cores) {
        return setup.oneAfterAnother() ? oneAfterAnother(cores) : run(1, cores);
    }

    /** One round of the sessions one after another from this thread: one stream, one task per tenant. */
    private Timeline oneAfterAnother(int cores) {
        int n = sessions.size();
        long[][] start = new long[1][n];
        long[][] end = new long[1][n];
        long t0 = System.nanoTime();
        try {
            for (int t = 0; t < n; t++) {
                start[0][t] = System.nanoTime() - t0;
                try (OrtSession.Result res = sessions.get(t).run(feeds.get(t))) {
                    end[0][t] = System.nanoTime() - t0;
                }
            }
        } catch (OrtException e) {
            throw new ModelException("onnxruntime run failed: " + e.getMessage());
        }
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            tasks.add(Task.whole(t, 0, setup.threadsOf(t, cores)));
        }
        return new Timeline(tasks, new int[n], 1, n, cores, start, end);
    }

    /**
     * Runs {@code rounds} rounds, every session once per round in its own thread; the timeline has
     * one task per tenant on its session's threads.
     */
    Timeline run(int rounds, int cores) {
        int n = sessions.size();
        long[][] start = new long[rounds][n];
        long[][] end = new long[rounds][n];
        long[] roundStart = new long[rounds];
        CyclicBarrier go = new CyclicBarrier(n + 1);
        CyclicBarrier done = new CyclicBarrier(n + 1);
        Throwable[] failure = new Throwable[1];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int tenant = t;
            Thread th = new Thread(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        go.await();
                        long s = System.nanoTime();
                        try (OrtSession.Result res = sessions.get(tenant).run(feeds.get(tenant))) {
                            end[r][tenant] = System.nanoTime();
                        }
                        start[r][tenant] = s;
                        done.await();
                    }
                } catch (Exception e) {
                    failure[0] = e;
                    go.reset();
                    done.reset();
                }
            }, "onnxruntime-tenant-" + t);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
        try {
            for (int r = 0; r < rounds; r++) {
                roundStart[r] = System.nanoTime();
                go.await();
                done.await();
            }
            for (Thread th : threads) {
                th.join();
            }
        } catch (Exception e) {
            throw new ModelException("onnxruntime run failed: " + (failure[0] != null ? failure[0] : e));
        }
        List<Task> tasks = new ArrayList<>();
        int[] streamOf = new int[n];
        for (int t = 0; t < n; t++) {
            tasks.add(Task.whole(t, 0, setup.threadsOf(t, cores)));
            streamOf[t] = t;
        }
        for (int r = 0; r < rounds; r++) {
            for (int t = 0; t < n; t++) {
                start[r][t] -= roundStart[r];
                end[r][t] -= roundStart[r];
            }
        }
        return new Timeline(tasks, streamOf, n, n, cores, start, end);
    }

    @Override
    public void close() {
        feeds.forEach(m -> m.values().forEach(OnnxTensor::close));
        for (OrtSession s : sessions) {
            try {
                s.close();
            } catch (OrtException e) {
                // Closing a session that failed to load: nothing to release.
            }
        }
    }
}
