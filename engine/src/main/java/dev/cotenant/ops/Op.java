package dev.cotenant.ops;

/**
 * One ONNX operator, every version of it: the rules that turn a node with concrete input types
 * (and whatever inputs are constants) into a {@link BoundOp} ready to run. An operator validates
 * its attributes and inputs here, so that a bad model fails when it is loaded, with a message from
 * {@link OpContext#fail}, never in the middle of a run.
 */
@FunctionalInterface
public interface Op {

    BoundOp bind(OpContext ctx);
}
