package dev.cotenant.sched.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The learned part of the cost model: a linear correction from the analytical model's features
 * (its predicted makespan, the core-time it lost to contention, and idle core-time) to the measured
 * makespan, fitted by ridge-regularised least squares on measured runs of sampled schedules. Its
 * error is reported on schedules held out from the fit, each in turn, as a mean absolute percentage.
 *
 * <p>A linear fit over three features from a few dozen samples needs no ML library. The form is
 * chosen by leave-one-out error among the identity, a scale and the full fit (see {@link #fit}).
 */
final class Correction {

    /** One measured schedule. */
    record Sample(double[] features, double measuredMs) {}

    private static final double RIDGE = 1e-7;

    private final double[] weights;

    private Correction(double[] weights) {
        this.weights = weights;
    }

    /** Predicted makespan as is (the first feature). */
    static Correction identity(int features) {
        double[] w = new double[features + 1];
        w[0] = 1;
        return new Correction(w);
    }

    /**
     * Fits the correction: of three forms (the prediction as is, the prediction times a fitted
     * scale, and the full linear fit) the one with the least leave-one-out error on
     * {@code samples}; with few samples the full fit overfits, and this choice notices.
     */
    static Correction fit(List<Sample> samples) {
        int f = samples.get(0).features().length;
        List<java.util.function.Function<List<Sample>, Correction>> forms = new ArrayList<>();
        forms.add(s -> identity(f));
        forms.add(Correction::scale);
        if (samples.size() >= f + 3) {
            forms.add(Correction::linear);
        }
        java.util.function.Function<List<Sample>, Correction> best = forms.get(0);
        double bestErr = Double.MAX_VALUE;
        for (var form : forms) {
            double err = 0;
            for (int i = 0; i < samples.size(); i++) {
                List<Sample> rest = new ArrayList<>(samples);
                Sample out = rest.remove(i);
                Correction c = rest.isEmpty() ? identity(f) : form.apply(rest);
                err += Math.abs(c.predictMs(out.features()) - out.measuredMs()) / out.measuredMs();
            }
            if (err < bestErr - 1e-12) {
                bestErr = err;
                best = form;
            }
        }
        return best.apply(samples);
    }

    /** The prediction times one factor, fitted for least relative error. */
    static Correction scale(List<Sample> samples) {
        int f = samples.get(0).features().length;
        double num = 0;
        double den = 0;
        for (Sample s : samples) {
            double x = s.features()[0] / s.measuredMs();
            num += x;
            den += x * x;
        }
        double[] w = new double[f + 1];
        w[0] = den == 0 ? 1 : num / den;
        return new Correction(w);
    }

    /** Every feature and an intercept, ridge-regularised least squares on relative error. */
    static Correction linear(List<Sample> samples) {
        int f = samples.get(0).features().length;
        if (samples.size() < f + 2) {
            return identity(f);
        }
        int d = f + 1;
        double[][] a = new double[d][d + 1];
        for (Sample s : samples) {
            double[] x = row(s.features());
            // Weighted by 1 / measured^2: minimises relative, not absolute, error.
            double w = 1.0 / (s.measuredMs() * s.measuredMs());
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    a[i][j] += w * x[i] * x[j];
                }
                a[i][d] += w * x[i] * s.measuredMs();
            }
        }
        double scale = 0;
        for (int i = 0; i < d; i++) {
            scale = Math.max(scale, a[i][i]);
        }
        for (int i = 0; i < d; i++) {
            a[i][i] += RIDGE * scale;
        }
        // The prior is the analytical prediction itself: ridge pulls towards weight 1 on it, 0 elsewhere.
        a[0][d] += RIDGE * scale;
        return new Correction(solve(a));
    }

    private static double[] row(double[] features) {
        double[] x = new double[features.length + 1];
        System.arraycopy(features, 0, x, 0, features.length);
        x[features.length] = 1;
        return x;
    }

    private static double[] solve(double[][] a) {
        int d = a.length;
        for (int c = 0; c < d; c++) {
            int p = c;
            for (int r = c + 1; r < d; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            if (Math.abs(a[c][c]) < 1e-300) {
                continue;
            }
            for (int r = 0; r < d; r++) {
                if (r != c) {
                    double m = a[r][c] / a[c][c];
                    for (int k = c; k <= d; k++) {
                        a[r][k] -= m * a[c][k];
                    }
                }
            }
        }
        double[] w = new double[d];
        for (int i = 0; i < d; i++) {
            w[i] = Math.abs(a[i][i]) < 1e-300 ? 0 : a[i][d] / a[i][i];
        }
        return w;
    }

    double predictMs(double[] features) {
        double[] x = row(features);
        double y = 0;
        for (int i = 0; i < x.length; i++) {
            y += weights[i] * x[i];
        }
        // Never trust the fit beyond a factor of three of the analytical prediction.
        return Math.max(features[0] / 3, Math.min(features[0] * 3, y));
    }

    /** Mean absolute percentage error of {@code model} on {@code samples}. */
    static double mape(Correction model, List<Sample> samples) {
        double sum = 0;
        for (Sample s : samples) {
            sum += Math.abs(model.predictMs(s.features()) - s.measuredMs()) / s.measuredMs();
        }
        return 100 * sum / Math.max(1, samples.size());
    }

    /**
     * The fitted correction; its mean absolute percentage error on held-out schedules (each
     * predicted by a fit on the others) and the uncorrected model's on the same schedules; how
     * many schedules each held-out fit used, and how many were held out.
     */
    record Evaluation(Correction fitted, double heldOutMape, double analyticalMape, int fittedOn, int heldOut) {}

    /**
     * The correction fitted on every sample, and its error on schedules held out from fitting:
     * each sample predicted by a correction fitted (form choice included) on all the others. A
     * single 70/30 split left a heavy mix, whose budget buys four or five measured schedules, one
     * or two to judge the model by; held out in turn, every measured schedule counts.
     */
    static Evaluation evaluate(List<Sample> samples) {
        int n = samples.size();
        Correction id = identity(samples.get(0).features().length);
        if (n < 2) {
            return new Evaluation(fit(samples), Double.NaN, Double.NaN, n, 0);
        }
        double err = 0;
        for (int i = 0; i < n; i++) {
            List<Sample> rest = new ArrayList<>(samples);
            Sample out = rest.remove(i);
            err += Math.abs(fit(rest).predictMs(out.features()) - out.measuredMs()) / out.measuredMs();
        }
        return new Evaluation(fit(samples), 100 * err / n, mape(id, samples), n - 1, n);
    }
}
