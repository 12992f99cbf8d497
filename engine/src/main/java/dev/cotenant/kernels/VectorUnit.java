package dev.cotenant.kernels;

import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the kernels know of the machine's vector unit, decided once at start-up: the float species
 * they use, its lanes, and how many vector registers a register tile may fill.
 *
 * <p>Why the register count matters. A micro-kernel keeps its accumulators, the loaded operand
 * vectors and the broadcast values in registers; one more than the register file holds and C2
 * spills an accumulator to the stack, and every k step then waits on a store and a reload
 * (measured on a Zen 3 core: the 8x2 SGEMM tile, 19 registers, ran at 58 of 103 GFLOP/s under AVX2's
 * 16; a 5x2 tile, 10 accumulators, at 100). The Vector API tells the width but not the register
 * file, so it is read from the ISA: x86 has 16 vector registers under AVX2 and 32 under AVX-512
 * (C2 encodes ymm16-31 only with EVEX, so {@code -XX:UseAVX=2} on an AVX-512 host gives 16), and
 * AArch64 has 32. {@code -Dcotenant.vectorRegisters=N} overrides it, for tests and experiments:
 * a tile planned for more registers than there are still computes right, only slower.
 */
public final class VectorUnit {

    /** The float species every kernel uses: the preferred one, at least four lanes. */
    public static final VectorSpecies<Float> FLOAT = pickSpecies(Integer.getInteger("cotenant.vectorBits", 0));
    /** The double species of the same width. */
    public static final VectorSpecies<Double> DOUBLE = VectorSpecies.of(double.class, FLOAT.vectorShape());
    /** Floats per vector. */
    public static final int LANES = FLOAT.length();
    /** Vector registers a kernel may plan for. */
    public static final int REGISTERS = Integer.getInteger("cotenant.vectorRegisters", registers(System.getProperty("os.arch"), LANES));

    private VectorUnit() {}

    /**
     * The preferred species, or one of {@code bits} ({@code -Dcotenant.vectorBits=128|256|512}):
     * the tests run every kernel at each width on any host. A width the hardware lacks computes the
     * same results through the Vector API's Java fallback, only slowly.
     */
    private static VectorSpecies<Float> pickSpecies(int bits) {
        if (bits != 0) {
            return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
        }
        VectorSpecies<Float> p = FloatVector.SPECIES_PREFERRED;
        return p.length() >= 4 ? p : FloatVector.SPECIES_128;
    }

    /** Vector registers of an architecture whose preferred vectors hold {@code lanes} floats. */
    static int registers(String arch, int lanes) {
        return x86(arch) && lanes < 16 ? 16 : 32;
    }

    private static boolean x86(String arch) {
        return "amd64".equals(arch) || "x86_64".equals(arch);
    }

    /** The instruction set the lane count implies, in the words users know it by. */
    public static String isa() {
        boolean x86 = x86(System.getProperty("os.arch"));
        return switch (LANES * 32) {
            case 512 -> x86 ? "AVX-512" : "512-bit";
            case 256 -> x86 ? "AVX2" : "256-bit";
            default -> x86 ? "SSE" : (LANES * 32) + "-bit";
        };
    }

    /** One line for version and benchmark reports: ISA, lanes, registers and the tiles chosen. */
    public static String describe() {
        return String.format(Locale.ROOT, "%s, %d float lanes (%d-bit vectors), %d vector registers; SGEMM tile %dx%d, convolution tile %d pixels x %d channels%s",
                isa(), LANES, LANES * 32, REGISTERS, SgemmKernel.MR, SgemmKernel.NR, ConvBlocked.P, 2 * ConvBlocked.L,
                ConvBlocked.SPLIT ? " in parts of 4 pixels" : "");
    }
}
