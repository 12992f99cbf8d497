package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.kernels.BinaryFloatKernels;

/**
 * The binary elementwise functions, with their float and integer semantics. Arithmetic on integer
 * types wraps to the type's width (done by the caller); division truncates toward zero as in C, and
 * UINT64 divides, compares and takes min/max unsigned (narrower unsigned types are held
 * non-negative, so signed arithmetic is already right for them).
 */
enum BinaryFn {
    ADD, SUB, MUL, DIV, POW, MOD, FMOD, MAX, MIN, PRELU,
    EQUAL, GREATER, LESS, GREATER_OR_EQUAL, LESS_OR_EQUAL,
    AND, OR, XOR,
    BITWISE_AND, BITWISE_OR, BITWISE_XOR, SHIFT_LEFT, SHIFT_RIGHT;

    /** Whether the result is BOOL whatever the inputs. */
    boolean compares() {
        return switch (this) {
            case EQUAL, GREATER, LESS, GREATER_OR_EQUAL, LESS_OR_EQUAL, AND, OR, XOR -> true;
            default -> false;
        };
    }

    /** The vector kernel's function, or {@code null} when there is none. */
    BinaryFloatKernels.Fn fast() {
        return switch (this) {
            case ADD -> BinaryFloatKernels.Fn.ADD;
            case SUB -> BinaryFloatKernels.Fn.SUB;
            case MUL -> BinaryFloatKernels.Fn.MUL;
            case DIV -> BinaryFloatKernels.Fn.DIV;
            case MAX -> BinaryFloatKernels.Fn.MAX;
            case MIN -> BinaryFloatKernels.Fn.MIN;
            case PRELU -> BinaryFloatKernels.Fn.PRELU;
            default -> null;
        };
    }

    /** The function on floating values (arithmetic) or 1/0 (comparisons). */
    double onDouble(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            // Mod with fmod=0 on floats follows the divisor's sign, like Python's %.
            case MOD -> {
                double r = a % b;
                yield r != 0 && (r < 0) != (b < 0) ? r + b : r;
            }
            case FMOD -> a % b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case PRELU -> a < 0 ? a * b : a;
            case EQUAL -> a == b ? 1 : 0;
            case GREATER -> a > b ? 1 : 0;
            case LESS -> a < b ? 1 : 0;
            case GREATER_OR_EQUAL -> a >= b ? 1 : 0;
            case LESS_OR_EQUAL -> a <= b ? 1 : 0;
            case AND -> a != 0 && b != 0 ? 1 : 0;
            case OR -> a != 0 || b != 0 ? 1 : 0;
            case XOR -> (a != 0) != (b != 0) ? 1 : 0;
            case BITWISE_AND, BITWISE_OR, BITWISE_XOR, SHIFT_LEFT, SHIFT_RIGHT -> throw new IllegalStateException(this + " on floats");
        };
    }

    /** The function on integers of type {@code t} (before wrapping), or 1/0 (comparisons). */
    long onLong(long a, long b, DataType t) {
        boolean u = t == DataType.UINT64;
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> b == 0 ? 0 : u ? Long.divideUnsigned(a, b) : a / b;
            case POW -> power(a, b);
            case MOD -> {
                if (b == 0) {
                    yield 0;
                }
                if (u) {
                    yield Long.remainderUnsigned(a, b);
                }
                yield Math.floorMod(a, b);
            }
            case FMOD -> b == 0 ? 0 : u ? Long.remainderUnsigned(a, b) : a % b;
            case MAX -> (u ? Long.compareUnsigned(a, b) : Long.compare(a, b)) >= 0 ? a : b;
            case MIN -> (u ? Long.compareUnsigned(a, b) : Long.compare(a, b)) <= 0 ? a : b;
            case PRELU -> a < 0 ? a * b : a;
            case EQUAL -> a == b ? 1 : 0;
            case GREATER -> (u ? Long.compareUnsigned(a, b) : Long.compare(a, b)) > 0 ? 1 : 0;
            case LESS -> (u ? Long.compareUnsigned(a, b) : Long.compare(a, b)) < 0 ? 1 : 0;
            case GREATER_OR_EQUAL -> (u ? Long.compareUnsigned(a, b) : Long.compare(a, b)) >= 0 ? 1 : 0;
            case LESS_OR_EQUAL -> (u ? Long.compareUnsigned(a, b) : Long.compare(a, b)) <= 0 ? 1 : 0;
            case AND -> a != 0 && b != 0 ? 1 : 0;
            case OR -> a != 0 || b != 0 ? 1 : 0;
            case XOR -> (a != 0) != (b != 0) ? 1 : 0;
            case BITWISE_AND -> a & b;
            case BITWISE_OR -> a | b;
            case BITWISE_XOR -> a ^ b;
            case SHIFT_LEFT -> Long.compareUnsigned(b, 64) >= 0 ? 0 : a << b;
            case SHIFT_RIGHT -> Long.compareUnsigned(b, 64) >= 0 ? 0 : a >>> b;
        };
    }

    /** Integer power by squaring (wrapping like the fixed-width type); negative exponents as 1/a^-b truncated. */
    static long power(long a, long b) {
        if (b < 0) {
            return a == 1 ? 1 : a == -1 ? ((b & 1) == 0 ? 1 : -1) : 0;
        }
        long r = 1;
        long base = a;
        while (b != 0) {
            if ((b & 1) != 0) {
                r *= base;
            }
            base *= base;
            b >>>= 1;
        }
        return r;
    }
}
