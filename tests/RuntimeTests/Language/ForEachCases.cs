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

        /// <summary>foreach over parts: a range, an array's AsSpan and a Slice (the counter runs over the part's indices).</summary>
        [Differentiable]
        public static double Parts(ReadOnlySpan<double> x, double[] w, int n)
        {
            double s = 0;
            foreach (double v in x[1..])
            {
                s += v * v;
            }

            foreach (double v in w.AsSpan(0, n))
            {
                s += Math.Sin(v);
            }

            foreach (double v in x.Slice(n, 2))
            {
                s *= v;
            }

            return s;
        }
    }
}
