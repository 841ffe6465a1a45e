using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary><c>foreach</c> over span and array parameters (lowered to a for loop over indices). Gradient-checked in ForEachTests.</summary>
    public static partial class ForEachCases
    {
        [Differentiable]
        public static double LogSumExp(double[] x)
        {
            double m = x[0];
            foreach (double v in x)
            {
                m = Math.Max(m, v);
            }

            double sum = 0;
            foreach (double v in x)
            {
                sum += Math.Exp(v - m);
            }

            return m + Math.Log(sum);
        }

        /// <summary>var, a span, a continue and a nested foreach; i is the user's, so the counters are named otherwise.</summary>
        [Differentiable]
        public static float PairProducts(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
        {
            float s = 0;
            int i = 0;
            foreach (var a in x)
            {
                if (a < -0.5f) continue;
                foreach (var b in w)
                {
                    s += a * b * MathF.Tanh(b + i);
                }

                i++;
            }

            return s;
        }

        /// <summary>Integers widened to double, as C# allows.</summary>
        [Differentiable]
        public static double Weighted(ReadOnlySpan<double> x, int[] counts)
        {
            double s = 0;
            int k = 0;
            foreach (double c in counts)
            {
                s += c * x[k] * x[k];
                k++;
            }

            return s;
        }
    }
}
