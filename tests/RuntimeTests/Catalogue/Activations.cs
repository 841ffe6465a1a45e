using System;

namespace SymGrad.RuntimeTests.Catalogue
{
    /// <summary>Catalogue 4: element-wise activations, y_i = f(x_i).</summary>
    public static partial class Activations
    {
        [Differentiable]
        public static void Sigmoid(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = 1.0 / (1.0 + Math.Exp(-x[i]));
            }
        }

        [Differentiable]
        public static void Tanh(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Tanh(x[i]);
            }
        }

        [Differentiable]
        public static void Relu(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Max(0, x[i]);
            }
        }

        [Differentiable]
        public static void LeakyRelu(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Max(0.1 * x[i], x[i]);
            }
        }

        [Differentiable]
        public static void Elu(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double alpha)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = x[i] >= 0 ? x[i] : alpha * (Math.Exp(x[i]) - 1);
            }
        }

        // 5. maxout: max(w1ᵀx + b1, w2ᵀx + b2)
        [Differentiable]
        public static double Maxout(ReadOnlySpan<double> x, ReadOnlySpan<double> w1, double b1, ReadOnlySpan<double> w2, double b2)
        {
            double a = b1, c = b2;
            for (int i = 0; i < x.Length; i++)
            {
                a += w1[i] * x[i];
                c += w2[i] * x[i];
            }

            return Math.Max(a, c);
        }

        // 22. attention mask: out[c, h, w] = a[c, h, w] · σ(logits[h, w])
        [Differentiable]
        public static void AttentionMask(ReadOnlySpan<double> a, ReadOnlySpan<double> logits, Span<double> output, int channels, int positions)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < positions; p++)
                {
                    output[c * positions + p] = a[c * positions + p] * (1.0 / (1.0 + Math.Exp(-logits[p])));
                }
            }
        }
    }
}
