package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VectorUnitTest {

    @Test
    void registersFollowTheInstructionSet() {
        assertEquals(16, VectorUnit.registers("amd64", 8), "AVX2, or -XX:UseAVX=2 on an AVX-512 host");
        assertEquals(32, VectorUnit.registers("amd64", 16), "AVX-512");
        assertEquals(32, VectorUnit.registers("aarch64", 4), "NEON");
    }

    @Test
    void theWidthAndRegistersAskedForAreTheOnesTheKernelsUse() {
        // The build runs the kernel tests again at each width and register budget; a setting that
        // did not reach the kernels would make those runs repeat the default silently.
        Integer bits = Integer.getInteger("cotenant.vectorBits");
        if (bits != null) {
            assertEquals(bits.intValue(), VectorUnit.LANES * 32);
        }
        Integer regs = Integer.getInteger("cotenant.vectorRegisters");
        if (regs != null) {
            assertEquals(regs.intValue(), VectorUnit.REGISTERS);
            assertEquals(regs >= 32 ? 8 : 4, SgemmKernel.MR);
            assertEquals(regs < 32, ConvBlocked.SPLIT);
        }
    }
}
