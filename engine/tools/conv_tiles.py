# Writes ConvTiles.java, the register-blocked tile kernels of ConvBlocked: one loop pattern, copied
# once per way of addressing a tile's pixels (a Java method cannot share sixteen vector
# accumulators with another without the JIT boxing them).
#
#   python3 engine/tools/conv_tiles.py > engine/src/main/java/dev/cotenant/kernels/ConvTiles.java
def kernel(name, P, doc, params, addr):
    out=[]; w=out.append
    w("    /**")
    for d in doc: w("     * " + d if d else "     *")
    w("     */")
    sig = f"    static void {name}(float[] x, {params}int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {{"
    if len(sig) > 120:
        w(f"    static void {name}(float[] x, {params.rstrip()}")
        w("                     int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {")
    else:
        w(sig)
    for r in range(P):
        w(f"        FloatVector c{r}0 = FloatVector.fromArray(S, acc, {2*r} * L);")
        w(f"        FloatVector c{r}1 = FloatVector.fromArray(S, acc, {2*r+1} * L);")
    w("        int n = Math.min(steps, ConvBlocked.KC);")
    w("        for (int i = 0; i < n; i++) {")
    w("            int o = b + ko[i];")
    w("            int wk = wo + i * 2 * L;")
    w("            FloatVector v0 = FloatVector.fromArray(S, wt, wk);")
    w("            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);")
    for r in range(P):
        w(f"            FloatVector a{r} = FloatVector.broadcast(S, x[{addr(r)}]);")
        w(f"            c{r}0 = a{r}.fma(v0, c{r}0);")
        w(f"            c{r}1 = a{r}.fma(v1, c{r}1);")
    w("        }")
    for r in range(P):
        w(f"        c{r}0.intoArray(acc, {2*r} * L);")
        w(f"        c{r}1.intoArray(acc, {2*r+1} * L);")
    w("    }")
    return "\n".join(out)

head = '''package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loops of {@link ConvBlocked}: one tile of output pixels times the
 * {@code 2L} output channels of a block pair, {@code acc += input . weights} over one chunk of K
 * steps. The tile's first pixel reads step i at {@code b + ko[i]} (ko: the layer's offset table,
 * chunk by chunk), the weights of step i are the {@code 2L} floats at {@code wo + 2L i}, and the
 * accumulators (pixel r, block j) live at {@code (2r + j) L} of {@code acc}, a scratch tile in L1
 * through which ConvBlocked also starts (bias, residual, an earlier chunk) and stores (clamp,
 * partial tile) each tile.
 *
 * <p>Per step a kernel loads two weight vectors and broadcasts one input value per pixel: 16
 * FMAs against 10 loads for eight pixels, the shape of the SGEMM kernel. What decides the speed
 * is the scalar work around them and whether it fits the integer registers: the two FMA ports
 * also serve the integer ALU and the moves between register files, and a loop that needs more
 * than the 13 allocatable registers gets a base spilled into a vector register and moved back on
 * every step. So the loop keeps only the arrays, one base, the step and its bound: the offset
 * table starts at the chunk (no start register), the other pixels are constant displacements
 * from the first, and the bound is visibly at most {@link ConvBlocked#KC}, which spares the loop
 * C2's strip mining for safepoint polls and the extra live values that brings. The disassembly of
 * the earlier loops (a start step, nested loops over a block's lanes, eight bases) showed those
 * spills, and their speed, 105 to 125 GFLOP/s, depended on which registers C2 happened to pick,
 * even on which garbage collector ran; these run at 135 to 150 on the same layers under either
 * (bench/RESULTS.md).
 *
 * <p>The variants differ only in those displacements, so each is a separate copy (sixteen
 * accumulators cannot cross a method call without the JIT boxing them):
 * <ul>
 *   <li>{@code run8x*}: eight pixels of a row, {@code L} or {@code 2L} floats apart in a blocked
 *       input (stride 1 or 2), or 1 or 2 floats apart in an NCHW input (a stem);
 *   <li>{@code run7x*}: the same for seven pixels, the width that divides every plane of a
 *       224x224 network (7, 14, 28, 56, 112), so tiles along a row never wrap and never compute
 *       pixels to throw away;
 *   <li>{@code tile}: any eight pixels, displacements {@code d1..d7} in registers, for tiles
 *       that wrap a row and other strides.
 * </ul>
 * Written by {@code engine/tools/conv_tiles.py}: change the pattern there, not one variant here.
 */
final class ConvTiles {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;

    private ConvTiles() {}
'''
parts=[head.rstrip("\n")]
parts.append(kernel("tile", 8, [
"Eight pixels at input offsets {@code b + ko[i]} and {@code b + ko[i] + d1..d7}.",
], "int d1, int d2, int d3, int d4, int d5, int d6, int d7, ", lambda r: "o" if r == 0 else f"o + d{r}"))
for P in (8, 7):
    for st, expr, desc in (("L", lambda r: f"o + {r} * L", "{@code L} floats apart (blocked, stride 1)"),
                           ("2L", lambda r: f"o + {r} * 2 * L", "{@code 2L} floats apart (blocked, stride 2)"),
                           ("1", lambda r: f"o + {r}", "one float apart (NCHW, stride 1)"),
                           ("2", lambda r: f"o + {r} * 2", "two floats apart (NCHW, stride 2)")):
        if P == 7 and st in ("1", "2"):
            continue
        name = f"run{P}x{st}"
        parts.append(kernel(name, P, [
f"{P} pixels {desc} from {{@code b + ko[i]}};",
"pixels beyond the tile's own are read, in bounds,",
"and dropped.",
], "", lambda r, e=expr: e(r).replace("o + 0 * L", "o").replace("o + 0 * 2 * L", "o").replace("o + 0 * 2", "o").replace("o + 0", "o")))
print("\n\n".join(parts))
print("}")
