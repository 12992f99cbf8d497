package dev.cotenant.ops;

/**
 * What one run of an operator costs: floating-point operations (a multiply-add counts 2) and bytes
 * read and written at minimum (inputs once, outputs once).
 */
public record Cost(long flops, long bytes) {

    public static final Cost NONE = new Cost(0, 0);

    public Cost plus(Cost o) {
        return new Cost(flops + o.flops, bytes + o.bytes);
    }

    /** FLOPs per byte; 0 when no bytes move. */
    public double intensity() {
        return bytes == 0 ? 0 : (double) flops / bytes;
    }
}
