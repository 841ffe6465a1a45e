using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Several results: tuple returns and <c>out</c> parameters, each with a cotangent of its own in MBackward.
    /// Gradient-checked in ResultTests.
    /// </summary>
    public static partial class ResultCases
    {
        /// <summary>Polar coordinates: two results of a tuple.</summary>
        [Differentiable]
        public static (double R, double Theta) Polar(double x, double y) => (Math.Sqrt((x * x) + (y * y)), Math.Atan2(y, x));

        /// <summary>The mean as the result and the variance through an out parameter.</summary>
        [Differentiable]
        public static double Stats(ReadOnlySpan<double> x, out double variance)
        {
            double mean = 0;
            foreach (double v in x)
            {
                mean += v;
            }

            mean /= x.Length;
            variance = 0;
            foreach (double v in x)
            {
                variance += (v - mean) * (v - mean);
            }

            variance /= x.Length;
            return mean;
        }

        /// <summary>Two out parameters of two precisions in a void method with an early return; one read after it is written.</summary>
        [Differentiable]
        public static void Split(double a, out double lo, out float hi)
        {
            lo = a * a;
            if (a > 3)
            {
                hi = 1;
                return;
            }

            hi = (float)Math.Sin(a);
            lo += hi;
        }

        /// <summary>A tuple whose elements are unnamed (Item1, Item2), with a span output besides.</summary>
        [Differentiable]
        public static (float, float) MinMax(ReadOnlySpan<float> x, Span<float> y)
        {
            float lo = x[0], hi = x[0];
            for (int i = 0; i < x.Length; i++)
            {
                lo = MathF.Min(lo, x[i]);
                hi = MathF.Max(hi, x[i]);
                y[i] = x[i] * x[i];
            }

            return (lo, hi * 2);
        }
    }
}
