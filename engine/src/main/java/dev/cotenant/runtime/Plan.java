package dev.cotenant.runtime;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.ops.BoundOp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lowered, ready-to-run model for fixed input shapes: operators in topological order, each bound
 * to its kernel with pre-packed weights, and every intermediate placed in one arena by a static
 * memory plan. Running it allocates nothing per operator; only the returned outputs are copied.
 *
 * <p>A plan is used by one thread at a time. When an operator's output shape depends on values
 * known only at run time, the planner makes an interpreted plan instead (see {@link Planner}).
 */
public final class Plan {

    private final Model model;
    private final Map<String, Tensor> feeds;
    private final Map<String, Tensor> outputs;
    private final List<Step> steps;
    private final float[] arena;
    private final Workers workers;
    private final Interpreter interpreter;
    private final Map<String, TensorType> valueTypes;

    Plan(Model model, Map<String, Tensor> feeds, Map<String, Tensor> outputs, List<Step> steps, float[] arena,
         Workers workers, Interpreter interpreter, Map<String, TensorType> valueTypes) {
        this.model = model;
        this.feeds = feeds;
        this.outputs = outputs;
        this.steps = List.copyOf(steps);
        this.arena = arena;
        this.workers = workers;
        this.interpreter = interpreter;
        this.valueTypes = valueTypes;
    }

    public Model model() {
        return model;
    }

    /** The operators in run order (empty for an interpreted plan). */
    public List<Step> steps() {
        return steps;
    }

    /** Whether the plan binds operators at run time because some shapes depend on input values. */
    public boolean interpreted() {
        return interpreter != null;
    }

    /** The concrete type of every value the planner could type, keyed by value name. */
    public Map<String, TensorType> valueTypes() {
        return valueTypes;
    }

    /** The types of the inputs this plan was made for. */
    public Map<String, TensorType> inputTypes() {
        Map<String, TensorType> m = new LinkedHashMap<>();
        feeds.forEach((k, v) -> m.put(k, v.type()));
        return m;
    }

    /** Bytes of the intermediate arena. */
    public long arenaBytes() {
        return 4L * arena.length;
    }

    public Workers workers() {
        return workers;
    }

    /** Runs the model on {@code inputs}, keyed by graph input name; returns fresh output tensors. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return run(inputs, null);
    }

    /**
     * Runs the model; when {@code stepNanos} is given (one slot per step), adds each step's
     * wall-clock time to it.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, long[] stepNanos) {
        bind(inputs);
        if (interpreter != null) {
            return interpreter.run(feeds, workers);
        }
        for (int s = 0; s < steps.size(); s++) {
            long t0 = stepNanos != null ? System.nanoTime() : 0;
            runStep(s, workers);
            if (stepNanos != null) {
                stepNanos[s] += System.nanoTime() - t0;
            }
        }
        return outputs();
    }

    /**
     * Copies {@code inputs} into the plan's input slots, for running it step by step with
     * {@link #runStep} (a scheduler interleaving the steps of several plans does that).
     */
    public void bind(Map<String, Tensor> inputs) {
        for (String name : inputs.keySet()) {
            if (!feeds.containsKey(name)) {
                throw new ModelException("input '" + name + "' is not an input of the model (inputs: " + String.join(", ", feeds.keySet()) + ")");
            }
        }
        for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
            Tensor given = inputs.get(e.getKey());
            if (given == null) {
                throw new ModelException("input '" + e.getKey() + "' is missing; expected " + e.getValue().type());
            }
            Tensor slot = e.getValue();
            if (given.dataType() != slot.dataType() || !Arrays.equals(given.shape(), slot.shape())) {
                throw new ModelException("input '" + e.getKey() + "': expected " + slot.type() + ", got " + given.type());
            }
            given.copyInto(slot);
        }
    }

    /** Runs step {@code index} on {@code workers}; steps run in order, after {@link #bind}. */
    public void runStep(int index, Workers workers) {
        runStepPart(index, 0, 1, workers);
    }

    /**
     * Runs part {@code part} of {@code parts} of step {@code index} (see {@link BoundOp#runPart});
     * every part of a step runs before the next step, and no two parts of one step at once.
     */
    public void runStepPart(int index, int part, int parts, Workers workers) {
        Step step = steps.get(index);
        try {
            step.op().runPart(step.inputs(), step.outputs(), part, parts, workers);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            Node n = step.node();
            throw new IllegalStateException(n.opType() + " node '" + n.label() + "' failed: " + e, e);
        }
    }

    /** Fresh copies of the outputs of the last run (step by step, after the last step). */
    public Map<String, Tensor> outputs() {
        Map<String, Tensor> result = new LinkedHashMap<>();
        outputs.forEach((k, v) -> result.put(k, v.copy()));
        return result;
    }
}
