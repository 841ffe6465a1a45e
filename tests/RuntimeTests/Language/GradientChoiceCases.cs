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
    }
}
