using System;

namespace SymGrad.Benchmarks
{
    /// <summary>A network of <see cref="Nn"/> layers for the second-order benchmark: its Hessian-vector product goes through each layer's registered backward tangent.</summary>
    public static partial class Networks
    {
        /// <summary>The Mlp sample's shape: dense, tanh, dense, softmax cross-entropy over a batch of constant inputs.</summary>
        [Differentiable]
        public static float Mlp([NoDerivative] ReadOnlySpan<float> x, ReadOnlySpan<int> labels, ReadOnlySpan<float> w1, ReadOnlySpan<float> b1,
            ReadOnlySpan<float> w2, ReadOnlySpan<float> b2, Span<float> h, Span<float> r, Span<float> z, int n, int inputs, int hidden, int classes)
        {
            Nn.Dense(x, w1, b1, h, n, inputs, hidden);
            Nn.Tanh(h, r);
            Nn.Dense(r, w2, b2, z, n, hidden, classes);
            return Nn.SoftmaxCrossEntropy(z, labels, n, classes);
        }
    }
}
