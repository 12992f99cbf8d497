package dev.cotenant.server.load;

import dev.cotenant.server.load.LoadGenerator.FrameReport;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frame view of a together run. A pipeline that runs a classifier, a detector and a segmenter
 * on every camera frame is served only when all three answer, so a frame counts as complete only
 * when every one of its requests came back OK, and its latency is that of its slowest answer: per
 * model percentiles cannot tell, since the slow answers of different models may fall on different
 * frames. Each frame keeps only a count of answers still to come, so the bookkeeping is settled by
 * whichever answer comes last, on whatever thread delivers it.
 */
final class Frames {

    /**
     * One frame in flight: its scheduled arrival (nanoTime), its answers still to come, and whether
     * any request of it was refused or failed.
     */
    record Frame(long scheduled, AtomicInteger left, AtomicBoolean failed) {}

    private final double deadlineMs;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The complete frames' latencies, nanoseconds: their count is the frames complete. */
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

    /** Frames judged by {@code deadlineMs} (0: counted, not judged). */
    Frames(double deadlineMs) {
        this.deadlineMs = deadlineMs;
    }

    /** A frame of {@code requests} requests arriving at {@code scheduled}; counted as sent. */
    Frame start(long scheduled, int requests) {
        sent.incrementAndGet();
        return new Frame(scheduled, new AtomicInteger(requests), new AtomicBoolean());
    }

    /** One of {@code frame}'s requests ended as {@code kind} at {@code now} (nanoTime). */
    void answered(Frame frame, Transport.Kind kind, long now) {
        // A frame fails at its first refusal, so one whose other answers never come is still failed,
        // not lost; the flag is set before the count drops, so the last answer sees it.
        if (kind != Transport.Kind.OK && frame.failed().compareAndSet(false, true)) {
            failed.incrementAndGet();
        }
        if (frame.left().decrementAndGet() == 0 && !frame.failed().get()) {
            latencies.add(now - frame.scheduled());
        }
    }

    /** What the frames saw so far; frames neither complete nor failed are lost. */
    FrameReport report() {
        long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long within = 0;
        for (long l : lat) {
            within += deadlineMs > 0 && l <= deadlineMs * 1e6 ? 1 : 0;
        }
        long n = sent.get();
        long done = lat.length;
        long bad = failed.get();
        return new FrameReport(n, done, bad, Math.max(0, n - done - bad), LoadGenerator.pct(lat, 50), LoadGenerator.pct(lat, 90),
                LoadGenerator.pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6, deadlineMs, within,
                n == 0 ? 0 : (double) within / n);
    }
}
