package dev.cotenant.runtime;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.Topology;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.ops.BoundOp;
import dev.cotenant.ops.OpContext;
import dev.cotenant.ops.OpTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a model, for concrete input types, into a {@link Plan}.
 *
 * <p>It walks the nodes in topological order and binds each operator to the concrete types of its
 * inputs. A node whose inputs are all known (initializers, or outputs of nodes already folded) is
 * run once here and replaced by its result: with static input shapes, every shape computation of
 * an exported model folds away. What remains becomes the plan's steps.
 *
 * <p>Memory plan: every FP32 intermediate gets an offset in one arena. Lifetimes run from the step
 * that writes a value to the last step that reads it (graph outputs live to the end); values whose
 * lifetimes do not overlap share space. Offsets are chosen greedily, largest value first, at the
 * lowest offset free for the whole lifetime, which is the classic heuristic for this interval
 * packing problem and lands close to the peak of live bytes on CNN and transformer graphs.
 * A view-producing operator (Reshape, Flatten, Squeeze...) shares its input's storage, which then
 * lives as long as the longest-lived view. Non-FP32 values (shapes, indices, masks) are small and
 * get their own buffers, also allocated here, once.
 *
 * <p>When binding needs the value of an input that is only known at run time, static planning
 * stops and the plan interprets the graph instead (see {@link Interpreter}).
 */
public final class Planner {

    private static final int ALIGN = 16;

    private Planner() {}

    /** Plans {@code model}; {@code inputTypes} gives the concrete type of any feed whose declared shape is not concrete. */
    public static Plan plan(Model model, Map<String, TensorType> inputTypes, Workers workers) {
        Graph g = model.graph();
        List<Node> order = Topology.order(g);
        Binder binder = new Binder(OpTable.standard(), model);

        Map<String, TensorType> types = new HashMap<>();
        Map<String, Tensor> known = new HashMap<>(g.initializers());
        g.initializers().forEach((k, v) -> types.put(k, v.type()));
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (ValueInfo in : g.feeds()) {
            TensorType t = resolveFeed(in, inputTypes.get(in.name()));
            types.put(in.name(), t);
            feeds.put(in.name(), Tensor.allocate(t.dataType(), t.dims()));
        }
        for (String name : inputTypes.keySet()) {
            if (!feeds.containsKey(name)) {
                throw new ModelException("input '" + name + "' is not an input of the model (inputs: " + String.join(", ", feeds.keySet()) + ")");
            }
        }

        List<Node> stepNodes = new ArrayList<>();
        List<BoundOp> stepOps = new ArrayList<>();
        for (Node node : order) {
            BoundOp b;
            try {
                b = binder.bind(node, types, known);
            } catch (OpContext.ValueNeeded e) {
                return new Plan(model, feeds, Map.of(), List.of(), new float[0], workers,
                        new Interpreter(g, order, binder, g.initializers()), types);
            }
            for (int i = 0; i < node.outputs().size(); i++) {
                if (!node.outputs().get(i).isEmpty()) {
                    types.put(node.outputs().get(i), b.outputTypes().get(i));
                }
            }
            if (Binder.deterministic(node) && (allKnown(node, known) || !b.readsInputValues())) {
                Tensor[] ins = node.inputs().stream().map(n -> n.isEmpty() ? null : known.get(n)).toArray(Tensor[]::new);
                Tensor[] outs = Binder.allocateOutputs(node, b);
                b.run(ins, outs, Workers.single());
                for (int i = 0; i < outs.length; i++) {
                    if (!node.outputs().get(i).isEmpty()) {
                        known.put(node.outputs().get(i), outs[i]);
                    }
                }
            } else {
                stepNodes.add(node);
                stepOps.add(b);
            }
        }
        return place(model, feeds, known, types, stepNodes, stepOps, workers);
    }

    private static boolean allKnown(Node node, Map<String, Tensor> known) {
        for (String in : node.inputs()) {
            if (!in.isEmpty() && !known.containsKey(in)) {
                return false;
            }
        }
        return true;
    }

    private static TensorType resolveFeed(ValueInfo in, TensorType given) {
        TensorType declared = in.type();
        if (declared == null && given == null) {
            throw new ModelException("input '" + in.name() + "' has no declared type; give its type and shape");
        }
        if (given == null) {
            if (!declared.shape().isConcrete()) {
                throw new ModelException("input '" + in.name() + "' has shape " + declared.shape()
                        + " with unknown dimensions; give a concrete shape");
            }
            given = declared;
        }
        if (!given.dataType().supported()) {
            throw new ModelException("input '" + in.name() + "' has unsupported data type " + given.dataType().onnxName());
        }
        if (declared != null) {
            if (declared.dataType() != given.dataType()) {
                throw new ModelException("input '" + in.name() + "': the model declares " + declared + ", got " + given);
            }
            int[] d = declared.dims();
            int[] s = given.dims();
            boolean ok = d.length == s.length;
            for (int i = 0; ok && i < d.length; i++) {
                ok = d[i] < 0 || d[i] == s[i];
            }
            if (!ok) {
                throw new ModelException("input '" + in.name() + "': the model declares " + declared + ", got " + given);
            }
        }
        if (!given.shape().isConcrete()) {
            throw new ModelException("input '" + in.name() + "': shape " + given.shape() + " is not concrete");
        }
        return given;
    }

    /** A value written by a step, with the interval of steps during which its storage must live. */
    private static final class Slot {
        final String name;
        final TensorType type;
        final int size;
        int first;
        int last;
        Slot root = this;
        int offset = -1;

        Slot(String name, TensorType type, int first) {
            this.name = name;
            this.type = type;
            this.size = (int) Shape.size(type.dims());
            this.first = first;
            this.last = first;
        }
    }

    /**
     * Turns the steps that remain after folding into the plan: each value's lifetime, the steps
     * that write in place, every FP32 value's offset in the arena, then the steps' tensors.
     */
    private static Plan place(Model model, Map<String, Tensor> feeds, Map<String, Tensor> known, Map<String, TensorType> types,
                              List<Node> nodes, List<BoundOp> ops, Workers workers) {
        Graph g = model.graph();
        Map<String, Slot> slots = lifetimes(g, nodes, ops);
        mergeInPlace(nodes, ops, slots);
        float[] arena = new float[(int) placeInArena(slots)];
        Map<String, Tensor> storage = new HashMap<>(known);
        storage.putAll(feeds);
        List<Step> steps = steps(nodes, ops, slots, arena, storage);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (ValueInfo o : g.outputs()) {
            Tensor t = storage.get(o.name());
            if (t == null) {
                throw new ModelException("graph output '" + o.name() + "' is not produced by any node");
            }
            outputs.put(o.name(), t);
        }
        return new Plan(model, feeds, outputs, steps, arena, workers, null, types);
    }

    /**
     * A slot for every output of every step (unnamed outputs under the node's label and index),
     * living from the step that writes it to the last step that reads it, graph outputs to the end;
     * a view's slot has its input's slot as root, which lives as long as its longest-lived view.
     */
    private static Map<String, Slot> lifetimes(Graph g, List<Node> nodes, List<BoundOp> ops) {
        Map<String, Slot> slots = new HashMap<>();
        int end = nodes.size();
        for (int s = 0; s < nodes.size(); s++) {
            Node n = nodes.get(s);
            for (String in : n.inputs()) {
                Slot slot = in.isEmpty() ? null : slots.get(in);
                if (slot != null) {
                    slot.last = Math.max(slot.last, s);
                }
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                String out = n.outputs().get(i);
                Slot slot = new Slot(out.isEmpty() ? n.label() + "#" + i : out, ops.get(s).outputTypes().get(i), s);
                if (!out.isEmpty()) {
                    slots.put(out, slot);
                }
                if (i == 0 && ops.get(s).aliasOf() >= 0) {
                    String src = n.inputs().get(ops.get(s).aliasOf());
                    Slot srcSlot = slots.get(src);
                    if (srcSlot != null && srcSlot.type.dataType() == slot.type.dataType()) {
                        slot.root = srcSlot.root;
                    }
                }
                if (out.isEmpty()) {
                    slots.put(slot.name, slot);
                }
            }
        }
        for (ValueInfo o : g.outputs()) {
            Slot slot = slots.get(o.name());
            if (slot != null) {
                slot.last = end;
            }
        }
        // An alias keeps its root alive.
        for (Slot slot : slots.values()) {
            if (slot.root != slot) {
                slot.root.last = Math.max(slot.root.last, slot.last);
            }
        }
        return slots;
    }

    /**
     * In place, in step order: a step that may overwrite an input (BoundOp.overwrites) and is the
     * last reader of that input's storage writes its output there.
     */
    private static void mergeInPlace(List<Node> nodes, List<BoundOp> ops, Map<String, Slot> slots) {
        boolean merged = false;
        for (int s = 0; s < nodes.size(); s++) {
            int j = ops.get(s).overwrites();
            Node n = nodes.get(s);
            if (j < 0 || j >= n.inputs().size() || n.outputs().isEmpty() || n.outputs().get(0).isEmpty()) {
                continue;
            }
            Slot src = slots.get(n.inputs().get(j));
            Slot dst = slots.get(n.outputs().get(0));
            if (src == null || dst == null || dst.root != dst) {
                continue;
            }
            Slot root = src.root;
            boolean readTwice = false;
            for (int i = 0; i < n.inputs().size(); i++) {
                Slot other = i == j ? null : slots.get(n.inputs().get(i));
                readTwice |= other != null && other.root == root;
            }
            if (!readTwice && root.last == s && root.size == dst.size && root.type.dataType() == dst.type.dataType()
                    && root.type.dataType().storage() == DataType.Storage.F32) {
                dst.root = root;
                root.last = Math.max(root.last, dst.last);
                merged = true;
            }
        }
        if (merged) {
            // Views of a slot that now lives in another's storage follow it there.
            for (Slot slot : slots.values()) {
                Slot r = slot.root;
                while (r.root != r) {
                    r = r.root;
                }
                slot.root = r;
                r.last = Math.max(r.last, slot.last);
            }
        }
    }

    /**
     * Gives every FP32 root slot its offset in the arena, largest first (then by name, so plans are
     * reproducible), each at the lowest offset free for its whole lifetime; returns the arena's size.
     */
    private static long placeInArena(Map<String, Slot> slots) {
        List<Slot> arenaSlots = new ArrayList<>();
        for (Slot slot : slots.values()) {
            if (slot.root == slot && slot.type.dataType().storage() == DataType.Storage.F32) {
                arenaSlots.add(slot);
            }
        }
        arenaSlots.sort((a, b) -> a.size != b.size ? Integer.compare(b.size, a.size) : a.name.compareTo(b.name));
        List<Slot> placed = new ArrayList<>();
        long arenaSize = 0;
        for (Slot slot : arenaSlots) {
            List<long[]> busy = new ArrayList<>();
            for (Slot p : placed) {
                if (p.first <= slot.last && slot.first <= p.last) {
                    busy.add(new long[] {p.offset, p.offset + align(p.size)});
                }
            }
            busy.sort((a, b) -> Long.compare(a[0], b[0]));
            long offset = 0;
            for (long[] b : busy) {
                if (offset + slot.size <= b[0]) {
                    break;
                }
                offset = Math.max(offset, b[1]);
            }
            if (offset + slot.size > Integer.MAX_VALUE - 64) {
                throw new ModelException("the model's intermediates need more than 8 GiB of arena");
            }
            slot.offset = (int) offset;
            placed.add(slot);
            arenaSize = Math.max(arenaSize, offset + align(slot.size));
        }
        return arenaSize;
    }

    /**
     * The steps with their tensors: a root slot's own tensor (in the arena, or its own buffer when
     * not FP32), views of it for its aliases; every named output is added to {@code storage}.
     */
    private static List<Step> steps(List<Node> nodes, List<BoundOp> ops, Map<String, Slot> slots, float[] arena,
                                    Map<String, Tensor> storage) {
        Map<Slot, Tensor> rootTensors = new HashMap<>();
        for (Slot slot : slots.values()) {
            if (slot.root == slot) {
                TensorType t = slot.type;
                rootTensors.put(slot, slot.offset >= 0
                        ? Tensor.view(t.dataType(), t.dims(), arena, slot.offset)
                        : Tensor.allocate(t.dataType(), t.dims()));
            }
        }
        List<Step> steps = new ArrayList<>(nodes.size());
        for (int s = 0; s < nodes.size(); s++) {
            Node n = nodes.get(s);
            Tensor[] ins = new Tensor[n.inputs().size()];
            for (int i = 0; i < ins.length; i++) {
                String in = n.inputs().get(i);
                ins[i] = in.isEmpty() ? null : storage.get(in);
            }
            Tensor[] outs = new Tensor[n.outputs().size()];
            for (int i = 0; i < outs.length; i++) {
                String out = n.outputs().get(i);
                Slot slot = slots.get(out.isEmpty() ? n.label() + "#" + i : out);
                Tensor t;
                if (slot.root == slot) {
                    t = rootTensors.get(slot);
                } else {
                    // A view of the root's storage, whatever the root is (arena value or own buffer).
                    Tensor r = rootTensors.get(slot.root);
                    t = Tensor.view(slot.type.dataType(), slot.type.dims(), r.array(), r.offset());
                }
                outs[i] = t;
                if (!out.isEmpty()) {
                    storage.put(out, t);
                }
            }
            steps.add(new Step(n, ops.get(s), ins, outs));
        }
        return steps;
    }

    private static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }
}
