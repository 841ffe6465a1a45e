using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Losses over networks of <see cref="Nn"/> layers, each layer's output a <c>Span</c> output (an intermediate of the loss):
    /// MHessianVector differentiates each layer's backward through its registered tangent (its second order).
    /// </summary>
    public static partial class NetworkCases
    {
        /// <summary>Two dense layers with tanh between, half the sum of squares of the output.</summary>
        [Differentiable]
        public static double TanhMlp(ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2,
            Span<double> h, Span<double> r, Span<double> o, int n, int inputs, int hidden, int outputs)
        {
            Nn.Dense(x, w1, b1, h, n, inputs, hidden);
            Nn.Tanh(h, r);
            Nn.Dense(r, w2, b2, o, n, hidden, outputs);
            return 0.5 * Nn.SumOfSquares(o);
        }

        /// <summary>A sigmoid hidden layer and a softmax cross-entropy; the inputs a constant.</summary>
        [Differentiable]
        public static double SigmoidClassifier([NoDerivative] ReadOnlySpan<double> x, ReadOnlySpan<int> labels, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1,
            ReadOnlySpan<double> w2, ReadOnlySpan<double> b2, Span<double> h, Span<double> s, Span<double> z, int n, int inputs, int hidden, int classes)
        {
            Nn.Dense(x, w1, b1, h, n, inputs, hidden);
            Nn.Sigmoid(h, s);
            Nn.Dense(s, w2, b2, z, n, hidden, classes);
            return Nn.SoftmaxCrossEntropy(z, labels, n, classes);
        }

        /// <summary>ELU, leaky ReLU, mean subtraction and ReLU in a row, a mean squared error and a loop over an output, a scalar weight.</summary>
        [Differentiable]
        public static double ActivationChain(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, [NoDerivative] ReadOnlySpan<double> target, double a,
            Span<double> h, Span<double> e, Span<double> l, Span<double> m, Span<double> r, int n, int inputs, int outputs)
        {
            Nn.Dense(x, w, b, h, n, inputs, outputs);
            Nn.Elu(h, e, 0.7);
            Nn.LeakyRelu(e, l, 0.1);
            Nn.MeanSubtract(l, m, n, outputs);
            Nn.Relu(m, r);
            double s = 0;
            for (int i = 0; i < m.Length; i++)
            {
                s += m[i] * m[i] * e[i];
            }

            return Nn.MseLoss(r, target) + (a * a * s);
        }

        /// <summary>A convolution, ReLU and max pooling fused, a dense classifier.</summary>
        [Differentiable]
        public static double ConvNet([NoDerivative] ReadOnlySpan<double> images, ReadOnlySpan<int> labels, ReadOnlySpan<double> k, ReadOnlySpan<double> kb,
            ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> c, Span<double> p, Span<double> z,
            Conv2DShape conv, Pool2DShape pool, int n, int flat, int classes)
        {
            Nn.Conv2D(images, k, kb, c, conv);
            Nn.ReluMaxPool2D(c, p, pool);
            Nn.Dense(p, w, b, z, n, flat, classes);
            return Nn.SoftmaxCrossEntropy(z, labels, n, classes);
        }

        /// <summary>A convolution of a differentiable input, tanh, max pooling, a sum of squares.</summary>
        [Differentiable]
        public static double ConvTanhPool(ReadOnlySpan<double> x, ReadOnlySpan<double> k, ReadOnlySpan<double> kb, Span<double> c, Span<double> t, Span<double> p,
            Conv2DShape conv, Pool2DShape pool)
        {
            Nn.Conv2D(x, k, kb, c, conv);
            Nn.Tanh(c, t);
            Nn.MaxPool2D(t, p, pool);
            return Nn.SumOfSquares(p);
        }

        /// <summary>A layer of one's own, element by element: y = tanh(w ⊙ x + b·x²).</summary>
        [Differentiable]
        public static void Squash(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Tanh((w[i] * x[i]) + (b * x[i] * x[i]));
            }
        }

        /// <summary>A layer of one's own over Nn layers: a dense layer and a sigmoid (its backward's tangent calls theirs).</summary>
        [Differentiable]
        public static void DenseSigmoid(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> h, Span<double> y, int n, int inputs, int outputs)
        {
            Nn.Dense(x, w, b, h, n, inputs, outputs);
            Nn.Sigmoid(h, y);
        }

        /// <summary>A layer of one's own that returns a value too (its seed varies in a product) and calls another (Squash).</summary>
        [Differentiable]
        public static double Scored(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, Span<double> y)
        {
            Squash(x, w, b, y);
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += y[i] * x[i];
            }

            return s * s;
        }

        /// <summary>Layers of one's own in a row, a sum of squares and a scalar weight.</summary>
        [Differentiable]
        public static double OwnLayers(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2,
            Span<double> s, Span<double> h, Span<double> y, Span<double> z, int n, int inputs, int outputs)
        {
            Squash(x, w, b, s);
            DenseSigmoid(s, w2, b2, h, y, n, inputs, outputs);
            double score = Scored(y, h, b, z);
            return (b * score) + Nn.SumOfSquares(z);
        }

        /// <summary>Dense, batch normalisation (its statistics over the rows), tanh, dense, softmax cross-entropy.</summary>
        [Differentiable]
        public static double BatchNormMlp(ReadOnlySpan<double> x, ReadOnlySpan<int> labels, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> gamma,
            ReadOnlySpan<double> beta, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2, Span<double> h, Span<double> bn, Span<double> t, Span<double> z,
            int n, int inputs, int hidden, int classes)
        {
            Nn.Dense(x, w1, b1, h, n, inputs, hidden);
            Nn.BatchNorm(h, gamma, beta, bn, n, hidden, 1e-3);
            Nn.Tanh(bn, t);
            Nn.Dense(t, w2, b2, z, n, hidden, classes);
            return Nn.SoftmaxCrossEntropy(z, labels, n, classes);
        }

        /// <summary>The float twin of <see cref="TanhMlp"/>: it compiles, and its product is the double one's to float precision.</summary>
        [Differentiable]
        public static float TanhMlpFloat(ReadOnlySpan<float> x, ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
            Span<float> h, Span<float> r, Span<float> o, int n, int inputs, int hidden, int outputs)
        {
            Nn.Dense(x, w1, b1, h, n, inputs, hidden);
            Nn.Tanh(h, r);
            Nn.Dense(r, w2, b2, o, n, hidden, outputs);
            return 0.5f * Nn.SumOfSquares(o);
        }
    }
}
