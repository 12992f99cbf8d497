package dev.cotenant.conformance;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.onnx.proto.OnnxProto.ModelProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs ONNX conformance cases through the engine and says, for each, passed, failed or skipped.
 *
 * <p>Each case is imported, planned for the shapes of its inputs and run, exactly as a user's model
 * would be ({@link OnnxImport}, {@link Planner}, {@link Plan}); every output is then compared with
 * the expected one (see {@link Comparison}). A case is skipped only when its model or data uses a
 * data type the engine does not hold, and the reason says which and where; anything else that goes
 * wrong (an unknown operator, a bad attribute, an exception, a wrong value, a case that runs past
 * the time limit) fails it with a one-line reason. One case never stops the others: each runs on
 * its own thread with a time limit, and a case that hangs is abandoned with its worker pool.
 */
public final class Conformance implements AutoCloseable {

    private static final Pattern LIGHT_MODEL = Pattern.compile("(light_.+)\\.onnx");

    private final int threads;
    private final Duration timeout;
    private Workers workers;
    private ExecutorService runner;

    /** A runner with {@code threads} worker threads per case and a time limit per case. */
    public Conformance(int threads, Duration timeout) {
        this.threads = threads;
        this.timeout = timeout;
        start();
    }

    /** Two worker threads (or one on a one-core machine) and five minutes per case. */
    public Conformance() {
        this(Math.min(2, Runtime.getRuntime().availableProcessors()), Duration.ofMinutes(5));
    }

    private void start() {
        workers = Workers.create(threads);
        runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cotenant-conformance");
            t.setDaemon(true);
            return t;
        });
    }

    /** Finds every case under {@code roots} whose name {@code nameFilter} accepts, sorted by name. */
    public static List<Case> find(List<Path> roots, Predicate<String> nameFilter) {
        List<Case> cases = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted().toList()) {
                    Case c = caseAt(p);
                    if (c != null && nameFilter.test(c.name())) {
                        cases.add(c);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
        }
        cases.sort(Comparator.comparing(Case::name));
        return cases;
    }

    private static Case caseAt(Path p) throws IOException {
        String file = p.getFileName() == null ? "" : p.getFileName().toString();
        if (file.equals("model.onnx") && Files.isRegularFile(p)) {
            Path dir = p.getParent();
            List<Path> sets;
            try (Stream<Path> s = Files.list(dir)) {
                sets = s.filter(d -> Files.isDirectory(d) && d.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
            }
            return sets.isEmpty() ? null : new Case(dir.getFileName().toString(), Case.Kind.NODE, p, sets);
        }
        Matcher m = LIGHT_MODEL.matcher(file);
        if (m.matches() && Files.isRegularFile(p)) {
            Path expected = p.resolveSibling(m.group(1) + "_output_0.pb");
            return Files.isRegularFile(expected) ? new Case(m.group(1), Case.Kind.LIGHT, p, List.of(expected)) : null;
        }
        return null;
    }

    /** Runs every case under {@code roots} that {@code nameFilter} accepts. */
    public Report run(List<Path> roots, Predicate<String> nameFilter) {
        List<CaseResult> results = new ArrayList<>();
        for (Case c : find(roots, nameFilter)) {
            results.add(run(c));
        }
        return new Report(results);
    }

    /** Runs one case; never throws. */
    public CaseResult run(Case c) {
        Future<CaseResult> f = runner.submit(() -> runGuarded(c));
        try {
            return f.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            // The stuck thread may still hold the pool: leave both behind and start afresh.
            runner.shutdownNow();
            workers.close();
            start();
            return CaseResult.failed(c.name(), "timed out after " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CaseResult.failed(c.name(), "interrupted");
        } catch (ExecutionException e) {
            return CaseResult.failed(c.name(), describe(e.getCause()));
        }
    }

    private CaseResult runGuarded(Case c) {
        try {
            return switch (c.kind()) {
                case NODE -> runNode(c);
                case LIGHT -> runLight(c);
            };
        } catch (Throwable t) {
            return CaseResult.failed(c.name(), describe(t));
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof ModelException) {
            return t.getMessage();
        }
        if (t instanceof StackOverflowError) {
            return "stack overflow";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private CaseResult runNode(Case c) throws IOException {
        ModelProto proto = OnnxImport.parse(Files.readAllBytes(c.model()), c.model().toString());
        String unsupported = UnsupportedTypes.in(proto);
        if (unsupported != null) {
            return CaseResult.skipped(c.name(), unsupported);
        }
        List<ValueInfoProto> feeds = feeds(proto);
        List<ValueInfoProto> outputs = proto.getGraph().getOutputList();
        List<TestData> sets = new ArrayList<>();
        for (Path dir : c.data()) {
            TestData d = TestData.read(dir, feeds, outputs);
            if (d.unsupported() != null) {
                return CaseResult.skipped(c.name(), d.unsupported());
            }
            sets.add(d);
        }
        for (TestData d : sets) {
            String failure = runDataSet(proto, c.model(), d);
            if (failure != null) {
                return CaseResult.failed(c.name(), (sets.size() > 1 ? d.dir().getFileName() + ": " : "") + failure);
            }
        }
        return CaseResult.passed(c.name());
    }

    /** The graph inputs a caller feeds: those that are not initializers, in order. */
    private static List<ValueInfoProto> feeds(ModelProto proto) {
        Set<String> constants = new HashSet<>();
        proto.getGraph().getInitializerList().forEach(t -> constants.add(t.getName()));
        proto.getGraph().getSparseInitializerList().forEach(t -> constants.add(t.getValues().getName()));
        return proto.getGraph().getInputList().stream().filter(v -> !constants.contains(v.getName())).toList();
    }

    /** {@code null} when every output of the data set matches, else the reason. */
    private String runDataSet(ModelProto proto, Path modelFile, TestData d) {
        Map<String, Integer> lengths = new LinkedHashMap<>();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        d.inputs().forEach((name, v) -> flatten(name, v, inputs, lengths, "input"));
        ModelProto runnable = proto;
        Map<String, Integer> outLengths = Map.of();
        if (!lengths.isEmpty() || d.outputs().values().stream().anyMatch(v -> !(v instanceof Value.One))) {
            SequenceUnrolling.Unrolled u = SequenceUnrolling.unroll(proto, lengths);
            runnable = u.model();
            outLengths = u.lengths();
        }
        Model model = OnnxImport.load(runnable, modelFile.toAbsolutePath().getParent(), modelFile);
        Map<String, TensorType> types = new LinkedHashMap<>();
        inputs.forEach((k, v) -> types.put(k, v.type()));
        Plan plan = Planner.plan(model, types, workers);
        Map<String, Tensor> got = plan.run(inputs);
        for (Map.Entry<String, Value> e : d.outputs().entrySet()) {
            String name = e.getKey();
            String r = switch (e.getValue()) {
                case Value.One one -> Comparison.check(name, one.tensor(), got.get(name));
                case Value.Many many -> {
                    Integer k = outLengths.get(name);
                    if (k == null || k != many.tensors().size()) {
                        yield "output '" + name + "': expected a sequence of " + many.tensors().size() + " tensors, got "
                                + (k == null ? "none" : k + "");
                    }
                    String first = null;
                    for (int i = 0; i < k && first == null; i++) {
                        first = Comparison.check(SequenceUnrolling.element(name, i), many.tensors().get(i), got.get(SequenceUnrolling.element(name, i)));
                    }
                    yield first;
                }
                case Value.None none -> "output '" + name + "': expected an absent optional value, which is not supported";
            };
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static void flatten(String name, Value v, Map<String, Tensor> inputs, Map<String, Integer> lengths, String role) {
        switch (v) {
            case Value.One one -> {
                inputs.put(name, one.tensor());
                if (one.wrapped()) {
                    lengths.put(name, SequenceUnrolling.SINGLE);
                }
            }
            case Value.Many many -> {
                lengths.put(name, many.tensors().size());
                for (int i = 0; i < many.tensors().size(); i++) {
                    inputs.put(SequenceUnrolling.element(name, i), many.tensors().get(i));
                }
            }
            case Value.None none -> throw new ModelException(role + " '" + name + "' is an absent optional value, which is not supported");
        }
    }

    private CaseResult runLight(Case c) throws IOException {
        ModelProto proto = OnnxImport.parse(Files.readAllBytes(c.model()), c.model().toString());
        String unsupported = UnsupportedTypes.in(proto);
        if (unsupported != null) {
            return CaseResult.skipped(c.name(), unsupported);
        }
        Tensor expected = OnnxImport.readTensor(c.data().getFirst());
        Model model = OnnxImport.load(proto, c.model().toAbsolutePath().getParent(), c.model());
        Map<String, Tensor> inputs = LightInputs.generate(model);
        Map<String, TensorType> types = new LinkedHashMap<>();
        inputs.forEach((k, v) -> types.put(k, v.type()));
        Plan plan = Planner.plan(model, types, workers);
        Map<String, Tensor> got = plan.run(inputs);
        String output = model.graph().outputs().getFirst().name();
        String r = Comparison.check(output, expected, got.get(output));
        return r == null ? CaseResult.passed(c.name()) : CaseResult.failed(c.name(), r);
    }

    @Override
    public void close() {
        runner.shutdownNow();
        workers.close();
    }
}
