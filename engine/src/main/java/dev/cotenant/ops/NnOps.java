package dev.cotenant.ops;

/** Registration of this family of operators (filled in as operators are implemented). */
final class NnOps {

    private NnOps() {}

    static void register(OpTable t) {}
}
