# Writes ConvTiles.java, the register-blocked tile kernels of ConvBlocked: one loop pattern, copied
# once per way of addressing a tile's pixels (a Java method cannot share sixteen vector
# accumulators with another without the JIT boxing them).
#
#   python3 engine/tools/conv_tiles.py engine/src/main/java/dev/cotenant/kernels
#
# writes ConvTiles.java (kernels that add one chunk of K into a scratch tile) and ConvWholeTiles.java
# (the same loops for a tile whose K is one chunk, from the bias straight to the output), and their
# forms for a 16-register vector unit, ConvSplitTiles.java and ConvWholeSplitTiles.java.
import sys, os
def steps(w, P, addr, blocks=2):
    """The loop over a chunk's steps, the same in every kernel: what this file exists for."""
    w("        int n = Math.min(steps, ConvBlocked.KC);")
    w("        for (int i = 0; i < n; i++) {")
    w("            int o = b + ko[i];")
    w("            int wk = wo + i * 2 * L;")
    w("            FloatVector v0 = FloatVector.fromArray(S, wt, wk);")
    if blocks == 2:
        w("            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);")
    for r in range(P):
        w(f"            FloatVector a{r} = FloatVector.broadcast(S, x[{addr(r)}]);")
        w(f"            c{r}0 = a{r}.fma(v0, c{r}0);")
        if blocks == 2:
            w(f"            c{r}1 = a{r}.fma(v1, c{r}1);")
    w("        }")

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
    steps(w, P, addr)
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
RUNS = []  # (name suffix, pixels, displacement of pixel r, description)
for P in (8, 7):
    for st, expr, desc in (("L", lambda r: f"o + {r} * L", "{@code L} floats apart (blocked, stride 1)"),
                           ("2L", lambda r: f"o + {r} * 2 * L", "{@code 2L} floats apart (blocked, stride 2)"),
                           ("1", lambda r: f"o + {r}", "one float apart (NCHW, stride 1)"),
                           ("2", lambda r: f"o + {r} * 2", "two floats apart (NCHW, stride 2)")):
        if P == 7 and st in ("1", "2"):
            continue
        clean = lambda r, e=expr: e(r).replace("o + 0 * L", "o").replace("o + 0 * 2 * L", "o").replace("o + 0 * 2", "o").replace("o + 0", "o")
        RUNS.append((f"{P}x{st}", P, clean, desc))

parts=[head.rstrip("\n")]
parts.append(kernel("tile", 8, [
"Eight pixels at input offsets {@code b + ko[i]} and {@code b + ko[i] + d1..d7}.",
], "int d1, int d2, int d3, int d4, int d5, int d6, int d7, ", lambda r: "o" if r == 0 else f"o + d{r}"))
for suffix, P, addr, desc in RUNS:
    parts.append(kernel("run" + suffix, P, [
f"{P} pixels {desc} from {{@code b + ko[i]}};",
"pixels beyond the tile's own are read, in bounds, and dropped.",
], "", addr))
kinds = [f"{{@code {i}}}: {sfx}" for i, (sfx, P, a, d) in enumerate(RUNS)]
disp = []
w = disp.append
w("    /**")
w("     * The run kernel for tiles of {@code width} pixels {@code stride} floats apart in the input")
w("     * ({@code blocked}: steps are channels of a block), or -1 when none fits (then {@link #tile}).")
w("     */")
w("    static int runKind(int width, int stride, boolean blocked) {")
for i, (sfx, P, a, d) in enumerate(RUNS):
    pix, st = sfx.split("x")
    cond_st = {"L": "blocked && stride == L", "2L": "blocked && stride == 2 * L", "1": "!blocked && stride == 1", "2": "!blocked && stride == 2"}[st]
    w(f"        if (width == {pix} && {cond_st}) {{")
    w(f"            return {i};")
    w("        }")
w("        return -1;")
w("    }")
w("")
w("    /** The run kernel {@code kind} of {@link #runKind}. */")
w("    static void run(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {")
w("        switch (kind) {")
for i, (sfx, P, a, d) in enumerate(RUNS):
    w(f"            case {i} -> run{sfx}(x, b, ko, steps, wt, wo, acc);")
w("            default -> throw new IllegalArgumentException(\"no run kernel \" + kind);")
w("        }")
w("    }")
parts.append("\n".join(disp))
tiles = "\n\n".join(parts) + "\n}\n"

def whole(name, P, doc, addr, blocks=2):
    """A tile from the bias to the output in registers; blocks=1 for a layer's odd last block (its
    weights the first half of the pair's, one output and one residual pointer)."""
    js = range(blocks)
    out=[]; w=out.append
    w("    /**")
    for d in doc: w("     * " + d if d else "     *")
    w("     */")
    w(f"    static void {name}(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,")
    if blocks == 2:
        w("            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {")
    else:
        w("            float[] res, int r0, float[] y, int y0, boolean clamp, float lo, float hi) {")
    w("        FloatVector s0 = FloatVector.fromArray(S, bias, bo);")
    if blocks == 2:
        w("        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);")
    for r in range(P):
        for j in js:
            w(f"        FloatVector c{r}{j} = s{j};")
    steps(w, P, addr, blocks)
    w("        if (r0 >= 0) {")
    for r in range(P):
        for j in js:
            w(f"            c{r}{j} = c{r}{j}.add(FloatVector.fromArray(S, res, r{j} + {r} * L));")
    w("        }")
    w("        if (clamp) {")
    w("            FloatVector l = FloatVector.broadcast(S, lo);")
    w("            FloatVector h = FloatVector.broadcast(S, hi);")
    for r in range(P):
        for j in js:
            w(f"            c{r}{j} = c{r}{j}.max(l).min(h);")
    w("        }")
    for j in js:
        for r in range(P):
            w(f"        c{r}{j}.intoArray(y, y{j} + {r} * L);")
    w("    }")
    return "\n".join(out)

whead = '''package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The run kernels of {@link ConvTiles} for a tile whose whole K is one chunk and whose pixels and
 * both blocks all exist: the accumulators start from the bias in registers and end in the output
 * (residual added, clamped) without the scratch tile. At a short K the round trip through the
 * scratch tile (32 vector stores and 32 loads per tile) costs as much as a third of the steps:
 * MobileNetV2's 1x1 convolution from 16 channels went from 0.387 to 0.336 ms with it (ResNet-50's
 * from 64, 0.683 to 0.656). Everything else about the loops is as in ConvTiles.
 * Written by {@code engine/tools/conv_tiles.py}: change the pattern there, not one variant here.
 */
final class ConvWholeTiles {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;

    private ConvWholeTiles() {}'''
wparts=[whead]
for sfx, P, addr, desc in RUNS:
    wparts.append(whole("run" + sfx, P, [f"{P} pixels {desc} from {{@code b + ko[i]}}, bias to output."], addr))
ONE = [(i, sfx, P, addr, desc) for i, (sfx, P, addr, desc) in enumerate(RUNS) if sfx.endswith("L")]
for i, sfx, P, addr, desc in ONE:
    wparts.append(whole("one" + sfx, P, [f"{P} pixels {desc} from {{@code b + ko[i]}}, bias to output, one block."], addr, blocks=1))
wd=[]; w=wd.append
w("    /** The kernel {@code kind} of {@link ConvTiles#runKind}. */")
w("    static void run(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,")
w("            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {")
w("        switch (kind) {")
for i, (sfx, P, a, d) in enumerate(RUNS):
    w(f"            case {i} -> run{sfx}(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);")
w("            default -> throw new IllegalArgumentException(\"no run kernel \" + kind);")
w("        }")
w("    }")
w("")
w("    /** Whether {@link #one} has a kernel of {@code kind}. */")
w("    static boolean hasOne(int kind) {")
w("        return " + " || ".join(f"kind == {i}" for i, *_ in ONE) + ";")
w("    }")
w("")
w("    /**")
w("     * The one-block kernel {@code kind} of {@link ConvTiles#runKind}: a layer's odd last block, whose")
w("     * pair kernel would compute a block of zeros beside it and go through the scratch tile.")
w("     */")
w("    static void one(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,")
w("            float[] res, int r0, float[] y, int y0, boolean clamp, float lo, float hi) {")
w("        switch (kind) {")
for i, sfx, P, a, d in ONE:
    w(f"            case {i} -> one{sfx}(x, b, ko, steps, wt, wo, bias, bo, res, r0, y, y0, clamp, lo, hi);")
w("            default -> throw new IllegalArgumentException(\"no one-block kernel \" + kind);")
w("        }")
w("    }")
wparts.append("\n".join(wd))
wholeTiles = "\n\n".join(wparts) + "\n}\n"

out = sys.argv[1]
with open(os.path.join(out, "ConvTiles.java"), "w") as f:
    f.write(tiles)
with open(os.path.join(out, "ConvWholeTiles.java"), "w") as f:
    f.write(wholeTiles)

# The forms for 16 registers: a tile of P pixels as two calls of a kernel of at most four pixels.
STRIDE = {"L": "L", "2L": "2 * L", "1": "1", "2": "2"}

def part(name, N, params, addr, acc_doc):
    """N pixels (N <= 4) of a tile into the scratch tile at acc[ac]: 2N accumulators."""
    out=[]; w=out.append
    w("    /** " + acc_doc + " */")
    w(f"    static void {name}(float[] x, {params}int b, int[] ko, int steps, float[] wt, int wo, float[] acc, int ac) {{")
    for r in range(N):
        w(f"        FloatVector c{r}0 = FloatVector.fromArray(S, acc, ac + {2*r} * L);")
        w(f"        FloatVector c{r}1 = FloatVector.fromArray(S, acc, ac + {2*r+1} * L);")
    steps(w, N, addr)
    for r in range(N):
        w(f"        c{r}0.intoArray(acc, ac + {2*r} * L);")
        w(f"        c{r}1.intoArray(acc, ac + {2*r+1} * L);")
    w("    }")
    return "\n".join(out)

def whole_part(name, N, addr, doc):
    """N pixels (N <= 4) of a tile from the bias to the output."""
    out=[]; w=out.append
    w("    /** " + doc + " */")
    w(f"    static void {name}(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,")
    w("            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {")
    w("        FloatVector s0 = FloatVector.fromArray(S, bias, bo);")
    w("        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);")
    for r in range(N):
        for j in (0, 1):
            w(f"        FloatVector c{r}{j} = s{j};")
    steps(w, N, addr)
    w("        if (r0 >= 0) {")
    for r in range(N):
        for j in (0, 1):
            w(f"            c{r}{j} = c{r}{j}.add(FloatVector.fromArray(S, res, r{j} + {r} * L));")
    w("        }")
    w("        if (clamp) {")
    w("            FloatVector l = FloatVector.broadcast(S, lo);")
    w("            FloatVector h = FloatVector.broadcast(S, hi);")
    for r in range(N):
        for j in (0, 1):
            w(f"            c{r}{j} = c{r}{j}.max(l).min(h);")
    w("        }")
    for j in (0, 1):
        for r in range(N):
            w(f"        c{r}{j}.intoArray(y, y{j} + {r} * L);")
    w("    }")
    return "\n".join(out)

split_doc = '''
/**
 * The kernels of {@link %s} for a vector unit of 16 registers (AVX2): a tile of eight (seven)
 * pixels as two calls of a kernel of four pixels (four and three), each over the pair's {@code 2L}
 * output channels.
 *
 * <p>Why. The pair kernels keep 16 accumulators (14 for seven pixels), two weight vectors and the
 * broadcast inputs live: 19 registers or more, beyond AVX2's 16, so C2 keeps accumulators on the
 * stack and every step waits on their stores and reloads. Four pixels keep eight accumulators, two
 * weight vectors and four broadcasts, 14 registers even when C2 hoists every broadcast to the top
 * of the step (it does; the SGEMM tile for 16 registers has the same shape, {@link SgemmKernel}).
 * Each part is its own method, called twice: with both parts in one method, the values the second
 * part and the epilogue need stayed live through the first part's loop, and C2 spilled the loop's
 * own base, table and bound to the stack and reloaded them every step. The weights are read twice
 * per tile, from L1. {@link ConvBlocked} takes these when {@link VectorUnit#REGISTERS} is 16.
 * Written by {@code engine/tools/conv_tiles.py}: change the pattern there, not one variant here.
 */
final class %s {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;

    private %s() {}'''
imports = '''package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
'''
# Parts: (suffix, pixels) for every run kind's stride, four pixels and three.
PARTS = []
for st, expr in (("L", lambda r: f"o + {r} * L"), ("2L", lambda r: f"o + {r} * 2 * L"), ("1", lambda r: f"o + {r}"), ("2", lambda r: f"o + {r} * 2")):
    clean = lambda r, e=expr: e(r).replace("o + 0 * L", "o").replace("o + 0 * 2 * L", "o").replace("o + 0 * 2", "o").replace("o + 0", "o")
    for N in (4, 3):
        if N == 3 and st in ("1", "2"):
            continue
        PARTS.append((f"{N}x{st}", N, st, clean))

sparts = [imports + split_doc % ("ConvTiles", "ConvSplitTiles", "ConvSplitTiles")]
sparts.append(part("quad", 4, "int d1, int d2, int d3, ", lambda r: "o" if r == 0 else f"o + d{r}",
                   "Four pixels at input offsets {@code b + ko[i]} and {@code b + ko[i] + d1..d3}, into {@code acc[ac..]}."))
for sfx, N, st, addr in PARTS:
    sparts.append(part("part" + sfx, N, "", addr, f"{N} pixels {STRIDE[st]} floats apart from {{@code b + ko[i]}}, into {{@code acc[ac..]}}."))
sd = []; w = sd.append
w("    /** Any eight pixels, as two calls of {@link #quad}. */")
w("    static void tile(float[] x, int d1, int d2, int d3, int d4, int d5, int d6, int d7,")
w("                     int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {")
w("        quad(x, d1, d2, d3, b, ko, steps, wt, wo, acc, 0);")
w("        quad(x, d5 - d4, d6 - d4, d7 - d4, b + d4, ko, steps, wt, wo, acc, 8 * L);")
w("    }")
w("")
w("    /** The run kernel {@code kind} of {@link ConvTiles#runKind}, as two parts. */")
w("    static void run(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {")
w("        switch (kind) {")
for i, (sfx, P, a, d) in enumerate(RUNS):
    pix, st = sfx.split("x")
    rest = int(pix) - 4
    w(f"            case {i} -> {{")
    w(f"                part4x{st}(x, b, ko, steps, wt, wo, acc, 0);")
    w(f"                part{rest}x{st}(x, b + 4 * {STRIDE[st]}, ko, steps, wt, wo, acc, 8 * L);")
    w("            }")
w("            default -> throw new IllegalArgumentException(\"no run kernel \" + kind);")
w("        }")
w("    }")
sparts.append("\n".join(sd))

wsparts = [imports + split_doc % ("ConvWholeTiles", "ConvWholeSplitTiles", "ConvWholeSplitTiles")]
for sfx, N, st, addr in PARTS:
    wsparts.append(whole_part("part" + sfx, N, addr, f"{N} pixels {STRIDE[st]} floats apart from {{@code b + ko[i]}}, bias to output."))
wsd = []; w = wsd.append
w("    /** The kernel {@code kind} of {@link ConvTiles#runKind}, as two parts. */")
w("    static void run(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,")
w("            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {")
w("        // The second part's residual offsets move with its pixels; -1 (no residual) stays.")
w("        int s0 = r0 < 0 ? r0 : r0 + 4 * L;")
w("        int s1 = r1 < 0 ? r1 : r1 + 4 * L;")
w("        switch (kind) {")
for i, (sfx, P, a, d) in enumerate(RUNS):
    pix, st = sfx.split("x")
    rest = int(pix) - 4
    w(f"            case {i} -> {{")
    w(f"                part4x{st}(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);")
    w(f"                part{rest}x{st}(x, b + 4 * {STRIDE[st]}, ko, steps, wt, wo, bias, bo, res, s0, s1, y, y0 + 4 * L, y1 + 4 * L, clamp, lo, hi);")
    w("            }")
w("            default -> throw new IllegalArgumentException(\"no run kernel \" + kind);")
w("        }")
w("    }")
wsparts.append("\n".join(wsd))
with open(os.path.join(out, "ConvSplitTiles.java"), "w") as f:
    f.write("\n\n".join(sparts) + "\n}\n")
with open(os.path.join(out, "ConvWholeSplitTiles.java"), "w") as f:
    f.write("\n\n".join(wsparts) + "\n}\n")
