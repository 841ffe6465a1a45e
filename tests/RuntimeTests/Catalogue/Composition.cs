using System;

namespace SymGrad.RuntimeTests.Catalogue
{
    /// <summary>Outputs written and read again, custom derivatives, slices and float layers.</summary>
    public static partial class Composition
    {
        // An output written twice and read back: the probabilities are normalised in place.
        [Differentiable]
        public static void Softmax(ReadOnlySpan<double> s, Span<double> p)
        {
            double max = s[0];
            for (int j = 1; j < s.Length; j++)
            {
                max = Math.Max(max, s[j]);
            }

            double sum = 0;
            for (int j = 0; j < s.Length; j++)
            {
                p[j] = Math.Exp(s[j] - max);
                sum += p[j];
            }

            for (int j = 0; j < s.Length; j++)
            {
                p[j] /= sum;
            }
        }

        // An output accumulated into: y = x + x² element-wise, in two passes.
        [Differentiable]
        public static void Accumulate(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = x[i];
            }

            for (int i = 0; i < x.Length; i++)
            {
                y[i] += x[i] * x[i];
            }
        }

        // softplus(x) = log(1 + eˣ), with a hand-written backward registered below.
        public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

        [DerivativeOf(typeof(Composition), nameof(Softplus))]
        public static void SoftplusBackward(double x, double dResult, ref double dx) => dx += dResult / (1 + Math.Exp(-x));

        [Differentiable]
        public static double SoftplusSum(ReadOnlySpan<double> x, double scale)
        {
            double total = 0;
            for (int i = 0; i < x.Length; i++)
            {
                total += Softplus(scale * x[i]);
            }

            return total;
        }

        // Layers applied to slices of a buffer: the top half and the bottom half of x go through different layers.
        [Differentiable]
        public static double Halves(ReadOnlySpan<double> x, Span<double> top, Span<double> bottom, int half)
        {
            Activations.Tanh(x.Slice(0, half), top);
            Activations.Sigmoid(x.Slice(half, half), bottom);
            double total = 0;
            for (int i = 0; i < half; i++)
            {
                total += top[i] * bottom[i];
            }

            return total;
        }

        // A float layer: y = w ⊙ tanh(x) + b.
        [Differentiable]
        public static void ScaledTanh(ReadOnlySpan<float> x, ReadOnlySpan<float> w, float b, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = w[i] * MathF.Tanh(x[i]) + b;
            }
        }
    }
}
