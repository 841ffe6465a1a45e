using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// <c>^i</c> indices and <c>a..b</c> ranges on spans and arrays, and <c>AsSpan</c> on arrays (each a <c>Slice</c>).
    /// Gradient-checked in RangeTests.
    /// </summary>
    public static partial class RangeCases
    {
        [Differentiable]
        public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++)
            {
                s += a[i] * b[i];
            }

            return s;
        }

        [Differentiable]
        public static void Ramp(Span<double> y, double v)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = v * (i + 1);
            }
        }

        /// <summary>Neighbouring products x[1..]·x[..^1], a write into the middle y[1..^1], ends through ^1.</summary>
        [Differentiable]
        public static double Neighbours(ReadOnlySpan<double> x, Span<double> y)
        {
            Ramp(y[1..^1], x[0]);
            y[0] = x[^1];
            y[^1] = x[0] * x[^1];
            return Dot(x[1..], x[..^1]);
        }

        /// <summary>Halves of arrays: ranges of an input array, AsSpan of an output array and of an input.</summary>
        [Differentiable]
        public static double Halves(double[] x, double[] y, double c)
        {
            int h = x.Length / 2;
            Ramp(y.AsSpan(0, h), c);
            Ramp(y.AsSpan(h..), 2 * c);
            return Dot(x[..h], x[h..]) + (x[^1] * x[^2]) + Dot(y.AsSpan(..h), x.AsSpan(0, h));
        }

        /// <summary>The same in float, with a range from the end.</summary>
        [Differentiable]
        public static float Tail(float[] x) => x[^1] * RangeCasesFloat.Sum(x[^3..]);
    }

    public static partial class RangeCasesFloat
    {
        [Differentiable]
        public static float Sum(ReadOnlySpan<float> x)
        {
            float s = 0;
            foreach (float v in x)
            {
                s += v * v;
            }

            return s;
        }
    }
}
