package dev.cotenant.kernels;

/** The scalar reference of every {@link Activation}, in double precision: the test oracle. */
final class ActivationReference {

    private ActivationReference() {}

    static double at(Activation f, double x) {
        return switch (f) {
            case Activation.Relu r -> x < 0 ? 0 : x;
            case Activation.LeakyRelu l -> x < 0 ? l.alpha() * x : x;
            case Activation.Clip c -> Double.isNaN(x) ? x : Math.min(Math.max(x, c.min()), c.max());
            case Activation.Sigmoid s -> sigmoid(x);
            case Activation.Tanh t -> Math.tanh(x);
            case Activation.HardSigmoid h -> Math.max(0, Math.min(1, (double) h.alpha() * x + h.beta()));
            case Activation.HardSwish h -> x * Math.max(0, Math.min(1, x / 6 + 0.5));
            case Activation.Elu e -> x < 0 ? e.alpha() * Math.expm1(x) : x;
            case Activation.Selu s -> s.gamma() * (x <= 0 ? s.alpha() * Math.expm1(x) : x);
            case Activation.Softplus s -> softplus(x);
            case Activation.Softsign s -> x / (1 + Math.abs(x));
            case Activation.Gelu g -> g.tanhApproximation()
                    ? 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
                    : 0.5 * x * UnaryMath.erfc(-x / Math.sqrt(2));
            case Activation.ThresholdedRelu t -> x > t.alpha() ? x : 0;
            case Activation.Celu c -> Math.max(0, x) + Math.min(0, c.alpha() * Math.expm1(x / c.alpha()));
            case Activation.Mish m -> x * Math.tanh(softplus(x));
            case Activation.Swish s -> x * sigmoid(x);
        };
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }
}
