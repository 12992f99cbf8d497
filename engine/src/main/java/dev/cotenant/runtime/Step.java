package dev.cotenant.runtime;

import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ops.BoundOp;

/**
 * One operator of a plan: the node it came from, the bound operator and the tensors it reads and
 * writes, all placed at plan time.
 */
public record Step(Node node, BoundOp op, Tensor[] inputs, Tensor[] outputs) {}
