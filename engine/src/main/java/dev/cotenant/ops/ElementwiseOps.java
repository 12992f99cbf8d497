package dev.cotenant.ops;

/** Registration of this family of operators (filled in as operators are implemented). */
final class ElementwiseOps {

    private ElementwiseOps() {}

    static void register(OpTable t) {}
}
