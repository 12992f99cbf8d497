package dev.cotenant.ops;

/** Registration of the reductions (Reduce*, ArgMax, ArgMin) and of Softmax, LogSoftmax and Hardmax. */
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
        t.add("Softmax", 1, new SoftmaxOp(SoftmaxOp.Mode.SOFTMAX));
        t.add("LogSoftmax", 1, new SoftmaxOp(SoftmaxOp.Mode.LOG_SOFTMAX));
        t.add("Hardmax", 1, new SoftmaxOp(SoftmaxOp.Mode.HARDMAX));
        t.add("ArgMax", 1, new ReduceArg(true));
        t.add("ArgMin", 1, new ReduceArg(false));
    }
}
