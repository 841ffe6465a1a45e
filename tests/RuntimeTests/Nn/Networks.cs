using System;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>
    /// Networks written forward-only from <see cref="Nn"/> primitives: SymGrad composes their registered backwards into
    /// <c>…Backward</c> and <c>…Gradient</c>. The intermediate activations are <c>Span</c> outputs of each network.
    /// </summary>
    public static partial class Networks
    {
        // x is (n, inputs), w1 is (inputs, hidden), b1 is (hidden), w2 is (hidden, classes), b2 is (classes), labels (n);
        // z1 and h1 are (n, hidden), logits is (n, classes).
        [Differentiable]
        public static double Mlp(ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2,
            ReadOnlySpan<int> labels, Span<double> z1, Span<double> h1, Span<double> logits, int n, int inputs, int hidden, int classes)
        {
            Nn.Dense(x, w1, b1, z1, n, inputs, hidden);
            Nn.Relu(z1, h1);
            Nn.Dense(h1, w2, b2, logits, n, hidden, classes);
            return Nn.SoftmaxCrossEntropy(logits, labels, n, classes);
        }

        // The same network in float, for training; the data x is a constant, so the first layer skips its dx GEMM.
        [Differentiable]
        public static float Mlp(
            [NoDerivative] ReadOnlySpan<float> x, ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
            ReadOnlySpan<int> labels, Span<float> z1, Span<float> h1, Span<float> logits, int n, int inputs, int hidden, int classes)
        {
            Nn.Dense(x, w1, b1, z1, n, inputs, hidden);
            Nn.Relu(z1, h1);
            Nn.Dense(h1, w2, b2, logits, n, hidden, classes);
            return Nn.SoftmaxCrossEntropy(logits, labels, n, classes);
        }

        // images (N, C, H, W) → conv (N, F, OH, OW) → ReLU → max-pool (N, F, PH, PW) = (n, features) → dense → (n, classes).
        [Differentiable]
        public static double ConvNet(ReadOnlySpan<double> images, ReadOnlySpan<double> filters, ReadOnlySpan<double> bias, ReadOnlySpan<double> w, ReadOnlySpan<double> b,
            ReadOnlySpan<int> labels, Span<double> conv, Span<double> act, Span<double> pooled, Span<double> logits,
            Conv2DShape convShape, Pool2DShape poolShape, int n, int features, int classes)
        {
            Nn.Conv2D(images, filters, bias, conv, convShape);
            Nn.Relu(conv, act);
            Nn.MaxPool2D(act, pooled, poolShape);
            Nn.Dense(pooled, w, b, logits, n, features, classes);
            return Nn.SoftmaxCrossEntropy(logits, labels, n, classes);
        }

        // The same network with the ReLU and the pooling in one call: the same function, a fused backward.
        [Differentiable]
        public static double FusedConvNet(ReadOnlySpan<double> images, ReadOnlySpan<double> filters, ReadOnlySpan<double> bias, ReadOnlySpan<double> w, ReadOnlySpan<double> b,
            ReadOnlySpan<int> labels, Span<double> conv, Span<double> pooled, Span<double> logits,
            Conv2DShape convShape, Pool2DShape poolShape, int n, int features, int classes)
        {
            Nn.Conv2D(images, filters, bias, conv, convShape);
            Nn.ReluMaxPool2D(conv, pooled, poolShape);
            Nn.Dense(pooled, w, b, logits, n, features, classes);
            return Nn.SoftmaxCrossEntropy(logits, labels, n, classes);
        }

        // Batch norm, tanh, mean subtraction and a squared-error loss composed the same way; x is (n, d), target (n, d).
        [Differentiable]
        public static double NormNet(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, [NoDerivative] ReadOnlySpan<double> target,
            Span<double> normalized, Span<double> squashed, Span<double> centered, int n, int d)
        {
            Nn.BatchNorm(x, gamma, beta, normalized, n, d, 1e-5);
            Nn.Tanh(normalized, squashed);
            Nn.MeanSubtract(squashed, centered, n, d);
            return Nn.MseLoss(centered, target);
        }

        // ‖Wx‖² (catalogue 7) over a batch, from primitives: the rows of q = x·W, then Σ q².
        [Differentiable]
        public static double SquaredNormOfProduct(ReadOnlySpan<double> x, ReadOnlySpan<double> w, [NoDerivative] ReadOnlySpan<double> noBias, Span<double> q,
            int n, int dIn, int dOut)
        {
            Nn.Dense(x, w, noBias, q, n, dIn, dOut);
            return Nn.SumOfSquares(q);
        }
    }
}
