using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// <c>while</c> and <c>do … while</c> loops with data-dependent trip counts (counted on the tape, replayed backwards).
    /// Gradient-checked in WhileTests.
    /// </summary>
    public static partial class WhileCases
    {
        /// <summary>Newton's iteration for √a, run until it converges: the gradient of the iterations is ≈ 1/(2√a).</summary>
        [Differentiable]
        public static double NewtonSqrt(double a)
        {
            double x = a;
            while (Math.Abs(x * x - a) > 1e-12 * a)
            {
                x = 0.5 * (x + a / x);
            }

            return x;
        }

        /// <summary>The exponential's series, summed until a term no longer changes the sum: ≈ eˣ, gradient ≈ eˣ.</summary>
        [Differentiable]
        public static float ExpSeries(float x)
        {
            float term = 1, sum = 1;
            int n = 1;
            while (MathF.Abs(term) > 1e-7f * MathF.Abs(sum))
            {
                term *= x / n;
                sum += term;
                n++;
            }

            return sum;
        }

        /// <summary>A do … while with a break and a counter in its condition.</summary>
        [Differentiable]
        public static double Damped(double x, double rate)
        {
            double v = x;
            int n = 0;
            do
            {
                v = v * rate + Math.Sin(v);
                n++;
                if (Math.Abs(v) > 10) break;
            }
            while (n < 6 && v > 0.1);

            return v * v;
        }

        /// <summary>A while over a span's elements with a continue and a return inside.</summary>
        [Differentiable]
        public static double PositiveWeighted(ReadOnlySpan<double> x, double w)
        {
            double s = 0;
            int i = 0;
            while (i < x.Length)
            {
                double v = x[i];
                i++;
                if (v < 0) continue;
                s += v * v * w;
                if (s > 50) return s * 2;
            }

            return s;
        }

        /// <summary>
        /// An output read inside a while loop after a loop wrote all of it: the read's reach does not depend on the while's
        /// trips (the read is placed after its write; only the sizes are checked, as for a for loop).
        /// </summary>
        [Differentiable]
        public static void Refine(Span<double> y, double a, double b, int n)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = b * (i + 1);
            }

            double change = 1;
            while (change > 1e-3)
            {
                change = 0;
                for (int k = 0; k < n; k++)
                {
                    double next = 0.5 * (y[k] + (a / y[k]));
                    change += Math.Abs(next - y[k]);
                    y[k] = next;
                }
            }
        }
    }
}
