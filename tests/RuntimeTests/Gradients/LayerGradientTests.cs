using System;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Gradients
{
    /// <summary>
    /// Gradient checks of generated layer backward passes through a random cotangent: the loss is Σ y·dy, whose
    /// gradient is exactly what <c>Backward(…, dy, …)</c> accumulates. Sizes are deliberately not multiples of 8 or 16.
    /// </summary>
    public class LayerGradientTests
    {
        public static TheoryData<int, int, int, int> DenseShapes => new()
        {
            { 1, 1, 1, 1 },
            { 3, 7, 5, 2 },
            { 2, 17, 9, 3 },
        };

        [Theory]
        [MemberData(nameof(DenseShapes))]
        public void Dense(int n, int inputs, int outputs, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, n * inputs), w = Random(rng, inputs * outputs), b = Random(rng, outputs);
            double[] y = new double[n * outputs], dy = Random(rng, y.Length);
            double[] dx = new double[x.Length], dw = new double[w.Length], db = new double[b.Length];
            Layers.Dense(x, w, b, y, n, inputs, outputs);
            Layers.DenseBackward(x, w, b, y, n, inputs, outputs, dy, dx, dw, db);
            Verify(() => { Layers.Dense(x, w, b, y, n, inputs, outputs); return GradCheck.Contract(y, dy); },
                Param("x", x, dx), Param("w", w, dw), Param("b", b, db));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Activations(int seed)
        {
            var rng = new Random(seed);
            foreach (int n in new[] { 1, 7, 13, 31 })
            {
                double[] x = Random(rng, n, -2, 2), y = new double[n], dy = Random(rng, n);
                foreach (var (forward, backward) in new (ActivationForward, ActivationBackward)[]
                {
                    ((a, b) => Catalogue.Activations.Sigmoid(a, b), (a, b, c, d) => Catalogue.Activations.SigmoidBackward(a, b, c, d)),
                    ((a, b) => Catalogue.Activations.Tanh(a, b), (a, b, c, d) => Catalogue.Activations.TanhBackward(a, b, c, d)),
                    ((a, b) => Catalogue.Activations.Relu(a, b), (a, b, c, d) => Catalogue.Activations.ReluBackward(a, b, c, d)),
                    ((a, b) => Catalogue.Activations.LeakyRelu(a, b), (a, b, c, d) => Catalogue.Activations.LeakyReluBackward(a, b, c, d)),
                    ((a, b) => Catalogue.Activations.Elu(a, b, 0.7), (a, b, c, d) => Catalogue.Activations.EluBackward(a, b, 0.7, c, d)),
                })
                {
                    var dx = new double[n];
                    forward(x, y);
                    backward(x, y, dy, dx);
                    Verify(() => { forward(x, y); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
                }
            }
        }

        private delegate void ActivationForward(ReadOnlySpan<double> x, Span<double> y);

        private delegate void ActivationBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx);

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void Maxout(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 11), w1 = Random(rng, 11), w2 = Random(rng, 11), b1 = { 0.3 }, b2 = { -0.2 };
            double[] dx = new double[11], dw1 = new double[11], dw2 = new double[11];
            double db1 = 0, db2 = 0;
            Catalogue.Activations.MaxoutGradient(x, w1, b1[0], w2, b2[0], dx, dw1, ref db1, dw2, ref db2);
            Assert.True(db1 + db2 == 1 && db1 * db2 == 0, "the gradient flows to the winning branch only");
            Verify(() => Catalogue.Activations.Maxout(x, w1, b1[0], w2, b2[0]),
                Param("x", x, dx), Param("w1", w1, dw1), Scalar("b1", b1, db1), Param("w2", w2, dw2), Scalar("b2", b2, db2));
        }

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(3, 7, 1)]
        [InlineData(5, 9, 2)]
        public void SquaredNormOfAProduct(int rows, int cols, int seed)
        {
            var rng = new Random(seed);
            double[] w = Random(rng, rows * cols), x = Random(rng, cols), dw = new double[w.Length], dx = new double[x.Length];
            Layers.SquaredNormGradient(w, x, rows, cols, dw, dx);
            Verify(() => Layers.SquaredNorm(w, x, rows, cols), Param("W", w, dw), Param("x", x, dx));

            // The closed form: ∇_W f = 2q·xᵀ, ∇_x f = 2Wᵀq with q = Wx.
            for (int i = 0; i < rows; i++)
            {
                double q = 0;
                for (int j = 0; j < cols; j++) q += w[i * cols + j] * x[j];
                for (int j = 0; j < cols; j++) Assert.Equal(2 * q * x[j], dw[i * cols + j], 10);
            }
        }

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(3, 7, 2)]
        [InlineData(2, 33, 3)]
        public void MeanSubtraction(int rows, int d, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, rows * d), h = new double[x.Length], dh = Random(rng, x.Length), dx = new double[x.Length];
            Layers.MeanSubtract(x, h, rows, d);
            Layers.MeanSubtractBackward(x, h, rows, d, dh, dx);
            Verify(() => { Layers.MeanSubtract(x, h, rows, d); return GradCheck.Contract(h, dh); }, Param("x", x, dx));

            // The closed form: the forward applied to dh.
            var expected = new double[x.Length];
            Layers.MeanSubtract(dh, expected, rows, d);
            for (int i = 0; i < x.Length; i++) Assert.Equal(expected[i], dx[i], 12);
        }

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(3, 7, 2)]
        public void EuclideanLoss(int n, int d, int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, n * d), y = Random(rng, n * d), dz = new double[z.Length], dy = new double[y.Length];
            Layers.EuclideanLossGradient(z, y, n, d, dz, dy);
            Verify(() => Layers.EuclideanLoss(z, y, n, d), Param("z", z, dz), Param("y", y, dy));
            for (int i = 0; i < z.Length; i++) Assert.Equal((z[i] - y[i]) / n, dz[i], 12);
        }

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(3, 7, 2)]
        [InlineData(5, 10, 3)]
        public void SoftmaxCrossEntropy(int n, int c, int seed)
        {
            var rng = new Random(seed);
            double[] s = Random(rng, n * c, -3, 3), ds = new double[s.Length];
            var labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = rng.Next(c);
            Layers.SoftmaxCrossEntropyGradient(s, labels, n, c, ds);
            Verify(() => Layers.SoftmaxCrossEntropy(s, labels, n, c), Param("s", s, ds));

            // The closed form: (p − onehot) / N.
            for (int i = 0; i < n; i++)
            {
                double sum = 0;
                for (int j = 0; j < c; j++) sum += Math.Exp(s[i * c + j]);
                for (int j = 0; j < c; j++)
                {
                    double p = Math.Exp(s[i * c + j]) / sum;
                    Assert.Equal((p - (j == labels[i] ? 1 : 0)) / n, ds[i * c + j], 12);
                }
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void LikelihoodLosses(int seed)
        {
            var rng = new Random(seed);
            double[] p = Random(rng, 7, 0.05, 0.95), z = Random(rng, 7, 0, 1), dp = new double[7];
            Layers.NegativeLogLikelihoodGradient(p, 3, dp);
            Verify(() => Layers.NegativeLogLikelihood(p, 3), Param("p", p, dp));
            Assert.Equal(-1 / p[3], dp[3], 12);

            dp = new double[7];
            Layers.BinaryCrossEntropyGradient(p, z, dp);
            Verify(() => Layers.BinaryCrossEntropy(p, z), Param("p", p, dp));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void TwoLayerNetworkComposedOfLayers(int seed)
        {
            var rng = new Random(seed);
            int n = 3, inputs = 7, hidden = 5, outputs = 2;
            double[] x = Random(rng, n * inputs), w1 = Random(rng, inputs * hidden), b1 = Random(rng, hidden);
            double[] w2 = Random(rng, hidden * outputs), b2 = Random(rng, outputs), target = Random(rng, n * outputs, 0, 1);
            double[] a1 = new double[n * hidden], h1 = new double[n * hidden], a2 = new double[n * outputs], p = new double[n * outputs];
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], db1 = new double[b1.Length], dw2 = new double[w2.Length], db2 = new double[b2.Length];
            Layers.TwoLayerGradient(x, w1, b1, w2, b2, target, a1, h1, a2, p, n, inputs, hidden, outputs, dx, dw1, db1, dw2, db2);
            Verify(() => Layers.TwoLayer(x, w1, b1, w2, b2, target, a1, h1, a2, p, n, inputs, hidden, outputs),
                Param("x", x, dx), Param("W1", w1, dw1), Param("b1", b1, db1), Param("W2", w2, dw2), Param("b2", b2, db2));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void SoftmaxClassifier(int seed)
        {
            var rng = new Random(seed);
            int inputs = 9, hidden = 5, classes = 3, y = rng.Next(3);
            double[] x = Random(rng, inputs), w1 = Random(rng, inputs * hidden), w2 = Random(rng, hidden * classes), h = new double[hidden];
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], dw2 = new double[w2.Length];
            Layers.SoftmaxClassifierGradient(x, w1, w2, y, h, inputs, hidden, classes, dx, dw1, dw2);
            Verify(() => Layers.SoftmaxClassifier(x, w1, w2, y, h, inputs, hidden, classes), Param("x", x, dx), Param("W1", w1, dw1), Param("W2", w2, dw2));
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(0, 1)]
        [InlineData(0, 2)]
        public void ContrastiveLoss(int label, int seed)
        {
            var rng = new Random(seed);
            double[] a = Random(rng, 5), b = Random(rng, 5), da = new double[5], db = new double[5];
            double margin = label == 0 && seed == 2 ? 0.1 : 3; // seed 2 puts the pair beyond the margin: no gradient
            Layers.ContrastiveGradient(a, b, label, margin, 4, 6, da, db);
            Verify(() => Layers.Contrastive(a, b, label, margin, 4, 6), Param("a", a, da), Param("b", b, db));
        }

        [Theory]
        [InlineData(2, 1, 1)]
        [InlineData(5, 3, 2)]
        [InlineData(9, 4, 3)]
        public void BatchNorm(int n, int d, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, n * d), gamma = Random(rng, d, 0.5, 1.5), beta = Random(rng, d);
            double[] y = new double[x.Length], dy = Random(rng, y.Length);
            double[] dx = new double[x.Length], dgamma = new double[d], dbeta = new double[d];
            Layers.BatchNorm(x, gamma, beta, y, n, d, 1e-5);
            Layers.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, dx, dgamma, dbeta);
            Verify(() => { Layers.BatchNorm(x, gamma, beta, y, n, d, 1e-5); return GradCheck.Contract(y, dy); },
                Param("x", x, dx), Param("gamma", gamma, dgamma), Param("beta", beta, dbeta));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void AttentionMask(int seed)
        {
            var rng = new Random(seed);
            int channels = 3, positions = 7;
            double[] a = Random(rng, channels * positions), logits = Random(rng, positions), output = new double[a.Length], dout = Random(rng, a.Length);
            double[] da = new double[a.Length], dlogits = new double[positions];
            Catalogue.Activations.AttentionMask(a, logits, output, channels, positions);
            Catalogue.Activations.AttentionMaskBackward(a, logits, output, channels, positions, dout, da, dlogits);
            Verify(() => { Catalogue.Activations.AttentionMask(a, logits, output, channels, positions); return GradCheck.Contract(output, dout); },
                Param("a", a, da), Param("logits", logits, dlogits));
        }
    }
}
