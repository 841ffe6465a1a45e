using System;

namespace SymGrad.RuntimeTests.Language
{
    public enum Penalty
    {
        None = 1,
        Ridge = 2,
    }

    /// <summary>Default parameter values, kept in MGradient, whose span gradients then default to empty (not needed).</summary>
    public static partial class GradientChoiceCases
    {
        [Differentiable]
        public static double Regularised(ReadOnlySpan<double> w, ReadOnlySpan<double> x, [NoDerivative] double lambda = 0.25, Penalty penalty = Penalty.Ridge, int offset = -1)
        {
            double s = 0;
            for (int i = 0; i < w.Length; i++)
            {
                s += w[i] * x[i];
                if (penalty == Penalty.Ridge)
                {
                    s += lambda * w[i] * w[i];
                }
            }

            return s + offset;
        }

        [Differentiable]
        public static double Scaled(double x, double k = 2, bool square = true) => square ? k * x * x : k * x;

        /// <summary>
        /// Calls leaving optional parameters out and naming arguments out of order: every generated method of the callee is called
        /// with all of them, the defaults filled in (they were left out, and the calls did not compile). f = 5.5x² + 2x.
        /// </summary>
        [Differentiable]
        public static double CallsWithDefaults(double x) => Scaled(x) + Scaled(x, 3) + Scaled(k: 0.5, x: x) + Scaled(x, square: false);
    }
}
