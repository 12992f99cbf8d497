package dev.cotenant.ops;

/** Registration of this family of operators (filled in as operators are implemented). */
final class FusedOps {

    private FusedOps() {}

    static void register(OpTable t) {}
}
