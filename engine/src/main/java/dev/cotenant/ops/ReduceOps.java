package dev.cotenant.ops;

/** Registration of the reductions (Reduce*) and of Softmax / LogSoftmax. */
final class ReduceOps {

    private ReduceOps() {}

    static void register(OpTable t) {
        t.add("ReduceSum", 1, new ReduceOp(ReduceOp.Kind.SUM, 13));
        t.add("ReduceMean", 1, new ReduceOp(ReduceOp.Kind.MEAN, 18));
        t.add("ReduceMax", 1, new ReduceOp(ReduceOp.Kind.MAX, 18));
        t.add("ReduceMin", 1, new ReduceOp(ReduceOp.Kind.MIN, 18));
        t.add("ReduceProd", 1, new ReduceOp(ReduceOp.Kind.PROD, 18));
        t.add("ReduceL1", 1, new ReduceOp(ReduceOp.Kind.L1, 18));
        t.add("ReduceL2", 1, new ReduceOp(ReduceOp.Kind.L2, 18));
        t.add("ReduceSumSquare", 1, new ReduceOp(ReduceOp.Kind.SUM_SQUARE, 18));
        t.add("ReduceLogSum", 1, new ReduceOp(ReduceOp.Kind.LOG_SUM, 18));
        t.add("ReduceLogSumExp", 1, new ReduceOp(ReduceOp.Kind.LOG_SUM_EXP, 18));
        t.add("Softmax", 1, new SoftmaxOp(false));
        t.add("LogSoftmax", 1, new SoftmaxOp(true));
    }
}
