using System;

namespace SymGrad.Compare
{
    /// <summary>
    /// The forward passes of workloads A–D of shared/baselines, written as a user would: composed of Nn primitives in
    /// <c>[Differentiable]</c> methods. SymGrad generates each <c>…Gradient</c>/<c>…Backward</c> the harness calls.
    /// </summary>
    public static partial class Workloads
    {
        /// <summary>
        /// A: the seed MLP of the backprop lecture. z = x·w1 (no bias: <paramref name="noBias"/> is empty), h = σ(z), p = h·w2 (no bias),
        /// loss = Σ (p − y)² (MseLoss is the mean, so it is scaled by the element count).
        /// </summary>
        [Differentiable]
        public static float SeedMlp(
            [NoDerivative] ReadOnlySpan<float> x, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, [NoDerivative] ReadOnlySpan<float> y,
            [NoDerivative] ReadOnlySpan<float> noBias, Span<float> z, Span<float> h, Span<float> p, int n, int dIn, int hidden, int dOut)
        {
            Nn.Dense(x, w1, noBias, z, n, dIn, hidden);
            Nn.Sigmoid(z, h);
            Nn.Dense(h, w2, noBias, p, n, hidden, dOut);
            return Nn.MseLoss(p, y) * (n * dOut);
        }

        /// <summary>B: 784 → 256 (ReLU, bias) → 10 (bias), mean softmax cross-entropy.</summary>
        [Differentiable]
        public static float SoftmaxMlp(
            [NoDerivative] ReadOnlySpan<float> x, ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
            ReadOnlySpan<int> labels, Span<float> z1, Span<float> a1, Span<float> logits, int n, int dIn, int hidden, int classes)
        {
            Nn.Dense(x, w1, b1, z1, n, dIn, hidden);
            Nn.Relu(z1, a1);
            Nn.Dense(a1, w2, b2, logits, n, hidden, classes);
            return Nn.SoftmaxCrossEntropy(logits, labels, n, classes);
        }

        /// <summary>C: conv (no padding, stride 1) → ReLU → Σ r², the peers' <c>(r * r).sum()</c>.</summary>
        [Differentiable]
        public static float ConvReluSquares(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> z, Span<float> r, Conv2DShape shape)
        {
            Nn.Conv2D(x, w, b, z, shape);
            Nn.Relu(z, r);
            return Nn.SumOfSquares(r);
        }

        /// <summary>D: mean subtraction h = x − mean (Nn.MeanSubtract normalises along the contiguous axis).</summary>
        [Differentiable]
        public static void MeanSubtract(ReadOnlySpan<float> x, Span<float> h, int rows, int d)
        {
            Nn.MeanSubtract(x, h, rows, d);
        }
    }
}
