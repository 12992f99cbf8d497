package dev.cotenant.gpusim;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How several tenants share one GPU, expressed on the simulator's input: which streams their
 * kernels go on, in which context, on which SMs and with which bandwidth. Each tenant runs
 * {@code rounds} times, one inference after another.
 */
public sealed interface Mechanism {

    /** The name as given on the command line. */
    String name();

    /** The workload: every tenant's kernels, {@code rounds} times over. */
    Workload workload(List<LoweredModel> tenants, int rounds, Gpu gpu);

    /** One stream: tenant after tenant, what a single-stream runtime does. */
    record Sequential() implements Mechanism {
        public String name() {
            return "sequential";
        }

        public Workload workload(List<LoweredModel> tenants, int rounds, Gpu gpu) {
            List<Item> items = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                tenants.forEach(t -> items.addAll(t.launches()));
            }
            return Workload.of(List.of(Stream.of("all", 0, items)));
        }
    }

    /**
     * One stream per tenant in one process: the hardware overlaps them as it can. With
     * {@code oneHostThread} a single thread enqueues every stream (launch costs add up); without,
     * each tenant's stream has its own host thread.
     */
    record Multistream(boolean oneHostThread) implements Mechanism {
        public Multistream() {
            this(false);
        }

        public String name() {
            return oneHostThread ? "multistream-1host" : "multistream";
        }

        public Workload workload(List<LoweredModel> tenants, int rounds, Gpu gpu) {
            List<Stream> streams = new ArrayList<>();
            for (LoweredModel t : tenants) {
                streams.add(Stream.of(t.name(), 0, repeat(t, rounds)));
            }
            return new Workload(streams, oneHostThread ? Sharing.ONE_HOST_THREAD : Sharing.SHARED);
        }
    }

    /** One process per tenant without MPS: the device time-slices between them; kernels never overlap. */
    record Timeslice() implements Mechanism {
        public String name() {
            return "timeslice";
        }

        public Workload workload(List<LoweredModel> tenants, int rounds, Gpu gpu) {
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < tenants.size(); i++) {
                streams.add(new Stream(tenants.get(i).name(), 0, i, 0, 0, 0, repeat(tenants.get(i), rounds)));
            }
            return new Workload(streams, Sharing.TIME_SLICED);
        }
    }

    /**
     * MPS with an active-thread percentage per tenant: tenant i may use {@code percent[i]}% of the
     * SMs. Ranges are laid out one after another around the device, so caps summing to more than
     * 100 overlap.
     */
    record Mps(int[] percent) implements Mechanism {
        public Mps {
            percent = percent.clone();
        }

        public String name() {
            return "mps:" + String.join(",", Arrays.stream(percent).mapToObj(Integer::toString).toList());
        }

        public Workload workload(List<LoweredModel> tenants, int rounds, Gpu gpu) {
            if (percent.length != tenants.size()) {
                throw new ModelException(name() + ": gives " + percent.length + " percentages for " + tenants.size() + " tenants");
            }
            List<Stream> streams = new ArrayList<>();
            int first = 0;
            for (int i = 0; i < tenants.size(); i++) {
                int count = Math.max(1, (int) Math.round(gpu.sms() * percent[i] / 100.0));
                streams.add(new Stream(tenants.get(i).name(), 0, 0, first % gpu.sms(), count, 0, repeat(tenants.get(i), rounds)));
                first += count;
            }
            return Workload.of(streams);
        }
    }

    /**
     * MIG instances, as compute-slice counts ({@code mig:3g,2g,2g}): instance j gets
     * {@code slices x mig_sms_per_slice} SMs and its memory slices' share of the bandwidth (1g: 1/8,
     * 2g: 2/8, 3g and 4g: 4/8, 7g: all, as on A100 and H100). Tenants go to instances round robin;
     * tenants on one instance share it as streams of one process.
     */
    record Mig(int[] slices) implements Mechanism {
        public Mig {
            slices = slices.clone();
        }

        public String name() {
            return "mig:" + String.join(",", Arrays.stream(slices).mapToObj(s -> s + "g").toList());
        }

        static int memoryEighths(int g) {
            return switch (g) {
                case 1 -> 1;
                case 2 -> 2;
                case 3, 4 -> 4;
                case 7 -> 8;
                default -> throw new ModelException("mig: no " + g + "g profile (profiles: 1g, 2g, 3g, 4g, 7g)");
            };
        }

        public Workload workload(List<LoweredModel> tenants, int rounds, Gpu gpu) {
            if (gpu.migSlices() == 0) {
                throw new ModelException(gpu.name() + " has no MIG (its sheet says mig_slices = 0)");
            }
            int total = Arrays.stream(slices).sum();
            int memory = Arrays.stream(slices).map(Mig::memoryEighths).sum();
            if (total > gpu.migSlices() || memory > 8) {
                throw new ModelException(name() + ": needs " + total + " compute slices and " + memory + "/8 of memory; "
                        + gpu.name() + " has " + gpu.migSlices() + " and 8/8");
            }
            double[] shares = new double[slices.length];
            int[] first = new int[slices.length];
            int at = 0;
            for (int j = 0; j < slices.length; j++) {
                shares[j] = memoryEighths(slices[j]) / 8.0;
                first[j] = at;
                at += slices[j] * gpu.migSmsPerSlice();
            }
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < tenants.size(); i++) {
                int j = i % slices.length;
                streams.add(new Stream(tenants.get(i).name(), 0, 0, first[j], slices[j] * gpu.migSmsPerSlice(), j,
                        repeat(tenants.get(i), rounds)));
            }
            return new Workload(streams, new Sharing(false, shares, false));
        }
    }

    /**
     * A scheduler's schedule (a baseline of the compact form, a searched one, a file), lowered by
     * {@link ScheduleLowering}; {@code sharing} says whether each stream has its own host thread.
     */
    record Scheduled(String name, dev.cotenant.sched.Schedule schedule, Sharing sharing) implements Mechanism {
        public Workload workload(List<LoweredModel> tenants, int rounds, Gpu gpu) {
            return ScheduleLowering.workload(schedule, tenants, sharing, rounds);
        }
    }

    private static List<Item> repeat(LoweredModel t, int rounds) {
        List<Item> one = t.launches();
        List<Item> items = new ArrayList<>(one.size() * rounds);
        for (int r = 0; r < rounds; r++) {
            items.addAll(one);
        }
        return items;
    }

    /**
     * Parses a comma-separated list: sequential, multistream, timeslice, mps:P1,P2,..., mig:3g,2g,...;
     * {@code all} stands for the first three, multistream-1host, MPS with equal shares, and (where the GPU has MIG)
     * equal MIG instances.
     */
    public static List<Mechanism> parse(String spec, int tenants, Gpu gpu) {
        if (!spec.strip().equals("all")) {
            return parseList(spec);
        }
        List<Mechanism> out = new ArrayList<>(List.of(new Sequential(), new Multistream(), new Multistream(true), new Timeslice()));
        int[] pct = new int[tenants];
        Arrays.fill(pct, Math.max(1, 100 / tenants));
        out.add(new Mps(pct));
        if (gpu.migSlices() > 0) {
            int[] slices = switch (tenants) {
                case 1 -> new int[] {7};
                case 2 -> new int[] {3, 3};
                case 3 -> new int[] {2, 2, 2};
                default -> {
                    int[] ones = new int[Math.min(tenants, 7)];
                    Arrays.fill(ones, 1);
                    yield ones;
                }
            };
            out.add(new Mig(slices));
        }
        return out;
    }

    /** Parses a comma-separated list of mechanisms. */
    static List<Mechanism> parseList(String spec) {
        List<Mechanism> out = new ArrayList<>();
        String[] parts = spec.split(",");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith("mps:") || p.startsWith("mig:")) {
                // Numbers after mps:/mig: belong to it until the next name.
                List<String> args = new ArrayList<>();
                args.add(p.substring(4));
                while (i + 1 < parts.length && parts[i + 1].strip().matches("\\d+g?")) {
                    args.add(parts[++i].strip());
                }
                out.add(p.startsWith("mps:") ? mps(args) : mig(args));
                continue;
            }
            out.add(switch (p) {
                case "sequential" -> new Sequential();
                case "multistream" -> new Multistream();
                case "multistream-1host" -> new Multistream(true);
                case "timeslice" -> new Timeslice();
                default -> throw new ModelException("unknown policy '" + p + "' (known: sequential, multistream, multistream-1host, "
                        + "interleave, gacer, gacer-1host, timeslice, mps:P1,P2,..., mig:3g,2g,..., all)");
            });
        }
        return out;
    }

    private static Mechanism mps(List<String> args) {
        int[] pct = new int[args.size()];
        for (int i = 0; i < pct.length; i++) {
            try {
                pct[i] = Integer.parseInt(args.get(i));
            } catch (NumberFormatException e) {
                throw new ModelException("mps: '" + args.get(i) + "' is not a percentage");
            }
            if (pct[i] < 1 || pct[i] > 100) {
                throw new ModelException("mps: percentages go from 1 to 100, got " + pct[i]);
            }
        }
        return new Mps(pct);
    }

    private static Mechanism mig(List<String> args) {
        int[] s = new int[args.size()];
        for (int i = 0; i < s.length; i++) {
            String a = args.get(i);
            if (!a.matches("\\d+g")) {
                throw new ModelException("mig: expected instance profiles like 3g, got '" + a + "'");
            }
            s[i] = Integer.parseInt(a.substring(0, a.length() - 1));
            Mig.memoryEighths(s[i]);
        }
        return new Mig(s);
    }
}
