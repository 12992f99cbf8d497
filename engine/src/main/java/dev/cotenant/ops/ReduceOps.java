package dev.cotenant.ops;

/** Registration of this family of operators (filled in as operators are implemented). */
final class ReduceOps {

    private ReduceOps() {}

    static void register(OpTable t) {}
}
