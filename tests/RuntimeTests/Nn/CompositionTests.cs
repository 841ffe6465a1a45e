using System;
using System.Numerics.Tensors;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>Networks composed of <see cref="Nn"/> primitives through the generator: gradient checks, training, allocation.</summary>
    // Allocation counts are per thread; a kernel's parallel wait can run another test's work inline: not in parallel with others.
    [Collection(nameof(AllocationCollection))]
    public class CompositionTests
    {
        [Theory]
        [InlineData(5, 7, 9, 3, 1)]
        [InlineData(11, 13, 17, 5, 2)]
        public void MlpGradientPassesGradCheck(int n, int inputs, int hidden, int classes, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, n * inputs), w1 = Random(rng, inputs * hidden), b1 = Random(rng, hidden, -0.1, 0.1);
            double[] w2 = Random(rng, hidden * classes), b2 = Random(rng, classes, -0.1, 0.1);
            int[] labels = Labels(rng, n, classes);
            double[] z1 = new double[n * hidden], h1 = new double[n * hidden], logits = new double[n * classes];
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], db1 = new double[b1.Length], dw2 = new double[w2.Length], db2 = new double[b2.Length];

            double loss = Networks.MlpGradient(x, w1, b1, w2, b2, labels, z1, h1, logits, n, inputs, hidden, classes, dx, dw1, db1, dw2, db2);

            // The Gradient writes the activations as the forward does and returns its loss.
            double[] z1f = new double[z1.Length], h1f = new double[h1.Length], logitsf = new double[logits.Length];
            Assert.Equal(Networks.Mlp(x, w1, b1, w2, b2, labels, z1f, h1f, logitsf, n, inputs, hidden, classes), loss);
            Assert.Equal(z1f, z1);
            Assert.Equal(h1f, h1);
            Assert.Equal(logitsf, logits);

            Verify(() => Networks.Mlp(x, w1, b1, w2, b2, labels, z1, h1, logits, n, inputs, hidden, classes),
                Param("x", x, dx), Param("w1", w1, dw1), Param("b1", b1, db1), Param("w2", w2, dw2), Param("b2", b2, db2));
        }

        /// <summary>Networks of Nn primitives get MTangent through the primitives' registered tangents: the gradient along the direction.</summary>
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void NetworksTangentsAreTheirGradientsAlongTheDirection(int seed)
        {
            var d = new ConvNetCase(seed, biasLow: -0.1);
            ConvNetCase.Gradients g = d.NewGradients();
            Networks.ConvNetGradient(d.Images, d.Filters, d.Bias, d.W, d.B, d.Labels, d.Conv, d.Act, d.Pooled, d.Logits, d.ConvShape, d.PoolShape, ConvNetCase.N, d.Features, ConvNetCase.Classes,
                g.Images, g.Filters, g.Bias, g.W, g.B);
            var rng = new Random(seed + 10);
            double[] tImages = Random(rng, d.Images.Length), tFilters = Random(rng, d.Filters.Length), tBias = Random(rng, d.Bias.Length), tW = Random(rng, d.W.Length), tB = Random(rng, d.B.Length);
            double tangent = Networks.ConvNetTangent(d.Images, d.Filters, d.Bias, d.W, d.B, d.Labels, d.Conv, d.Act, d.Pooled, d.Logits, d.ConvShape, d.PoolShape, ConvNetCase.N, d.Features, ConvNetCase.Classes,
                tImages, tFilters, tBias, tW, tB, default, default, default, default);
            double expected = TensorPrimitives.Dot<double>(g.Images, tImages) + TensorPrimitives.Dot<double>(g.Filters, tFilters) + TensorPrimitives.Dot<double>(g.Bias, tBias)
                + TensorPrimitives.Dot<double>(g.W, tW) + TensorPrimitives.Dot<double>(g.B, tB);
            Assert.True(Math.Abs(expected - tangent) <= 1e-10 * (1 + Math.Abs(expected)), $"expected {expected}, got {tangent}");

            int n = 5, inputs = 7, hidden = 9, classes = 3;
            double[] x = Random(rng, n * inputs), w1 = Random(rng, inputs * hidden), b1 = Random(rng, hidden), w2 = Random(rng, hidden * classes), b2 = Random(rng, classes);
            int[] labels = Labels(rng, n, classes);
            double[] z1 = new double[n * hidden], h1 = new double[n * hidden], logits = new double[n * classes];
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], db1 = new double[b1.Length], dw2 = new double[w2.Length], db2 = new double[b2.Length];
            Networks.MlpGradient(x, w1, b1, w2, b2, labels, z1, h1, logits, n, inputs, hidden, classes, dx, dw1, db1, dw2, db2);
            double[] tw1 = Random(rng, w1.Length), tb2 = Random(rng, b2.Length);
            double mlp = Networks.MlpTangent(x, w1, b1, w2, b2, labels, z1, h1, logits, n, inputs, hidden, classes, default, tw1, default, default, tb2, default, default, default);
            expected = TensorPrimitives.Dot<double>(dw1, tw1) + TensorPrimitives.Dot<double>(db2, tb2);
            Assert.True(Math.Abs(expected - mlp) <= 1e-10 * (1 + Math.Abs(expected)), $"expected {expected}, got {mlp}");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void ConvNetGradientPassesGradCheck(int seed)
        {
            var d = new ConvNetCase(seed, biasLow: -0.1);
            ConvNetCase.Gradients g = d.NewGradients();
            Networks.ConvNetGradient(d.Images, d.Filters, d.Bias, d.W, d.B, d.Labels, d.Conv, d.Act, d.Pooled, d.Logits, d.ConvShape, d.PoolShape, ConvNetCase.N, d.Features, ConvNetCase.Classes,
                g.Images, g.Filters, g.Bias, g.W, g.B);
            Verify(() => Networks.ConvNet(d.Images, d.Filters, d.Bias, d.W, d.B, d.Labels, d.Conv, d.Act, d.Pooled, d.Logits, d.ConvShape, d.PoolShape, ConvNetCase.N, d.Features, ConvNetCase.Classes),
                d.Params(g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void FusedConvNetGradientPassesGradCheckAndEqualsTheUnfusedNetwork(int seed)
        {
            var d = new ConvNetCase(seed, biasLow: -0.5); // lower biases: some pooling windows all negative
            ConvNetCase.Gradients g = d.NewGradients();
            double loss = Networks.FusedConvNetGradient(d.Images, d.Filters, d.Bias, d.W, d.B, d.Labels, d.Conv, d.Pooled, d.Logits, d.ConvShape, d.PoolShape, ConvNetCase.N, d.Features, ConvNetCase.Classes,
                g.Images, g.Filters, g.Bias, g.W, g.B);
            Assert.Contains(d.Pooled, v => v == 0); // the ReLU cuts those windows' gradient
            Verify(() => Networks.FusedConvNet(d.Images, d.Filters, d.Bias, d.W, d.B, d.Labels, d.Conv, d.Pooled, d.Logits, d.ConvShape, d.PoolShape, ConvNetCase.N, d.Features, ConvNetCase.Classes),
                d.Params(g));

            // The unfused network computes the same loss and the same gradients.
            ConvNetCase.Gradients u = d.NewGradients();
            double unfused = Networks.ConvNetGradient(d.Images, d.Filters, d.Bias, d.W, d.B, d.Labels, d.Conv, d.Act, d.Pooled, d.Logits, d.ConvShape, d.PoolShape, ConvNetCase.N, d.Features, ConvNetCase.Classes,
                u.Images, u.Filters, u.Bias, u.W, u.B);
            Assert.Equal(unfused, loss);
            Assert.Equal(u.Images, g.Images);
            Assert.Equal(u.Filters, g.Filters);
            Assert.Equal(u.Bias, g.Bias);
            Assert.Equal(u.W, g.W);
            Assert.Equal(u.B, g.B);
        }

        /// <summary>
        /// The convolutional networks' data: 3 images of 2×7×6 → 3 filters 3×3, padding 1 → 3×7×6 → 2×2 pool, stride 2 →
        /// 3×3×3 = 27 features → 4 classes; biases of the convolution drawn from [<c>biasLow</c>, 0.1).
        /// </summary>
        private sealed class ConvNetCase
        {
            public const int N = 3, Classes = 4;

            public ConvNetCase(int seed, double biasLow)
            {
                ConvShape = new Conv2DShape(N, 2, 7, 6, 3, 3, 3, stride: 1, padding: 1);
                PoolShape = new Pool2DShape(N, 3, ConvShape.OutHeight, ConvShape.OutWidth, 2, 2, 2);
                Features = PoolShape.OutputLength / N;
                var rng = new Random(seed);
                (Images, Filters, Bias) = (Random(rng, ConvShape.InputLength), Random(rng, ConvShape.WeightLength), Random(rng, 3, biasLow, 0.1));
                (W, B) = (Random(rng, Features * Classes), Random(rng, Classes, -0.1, 0.1));
                Labels = SymGrad.RuntimeTests.Gradients.Check.Labels(rng, N, Classes);
                (Conv, Act, Pooled, Logits) = (new double[ConvShape.OutputLength], new double[ConvShape.OutputLength], new double[PoolShape.OutputLength], new double[N * Classes]);
            }

            public Conv2DShape ConvShape { get; }

            public Pool2DShape PoolShape { get; }

            public int Features { get; }

            public double[] Images { get; }

            public double[] Filters { get; }

            public double[] Bias { get; }

            public double[] W { get; }

            public double[] B { get; }

            public int[] Labels { get; }

            public double[] Conv { get; }

            public double[] Act { get; }

            public double[] Pooled { get; }

            public double[] Logits { get; }

            /// <summary>Zeroed gradients of the five parameters.</summary>
            public Gradients NewGradients() => new(new double[Images.Length], new double[Filters.Length], new double[Bias.Length], new double[W.Length], new double[B.Length]);

            public GradCheckParam[] Params(Gradients g)
                => new[] { Param("images", Images, g.Images), Param("filters", Filters, g.Filters), Param("bias", Bias, g.Bias), Param("w", W, g.W), Param("b", B, g.B) };

            public sealed record Gradients(double[] Images, double[] Filters, double[] Bias, double[] W, double[] B);
        }

        [Fact]
        public void NormNetGradientPassesGradCheck()
        {
            int n = 7, d = 5;
            var rng = new Random(3);
            double[] x = Random(rng, n * d, -2, 2), gamma = Random(rng, d, 0.5, 1.5), beta = Random(rng, d), target = Random(rng, n * d);
            double[] normalized = new double[x.Length], squashed = new double[x.Length], centered = new double[x.Length];
            double[] dx = new double[x.Length], dgamma = new double[d], dbeta = new double[d];
            Networks.NormNetGradient(x, gamma, beta, target, normalized, squashed, centered, n, d, dx, dgamma, dbeta);
            Verify(() => Networks.NormNet(x, gamma, beta, target, normalized, squashed, centered, n, d),
                Param("x", x, dx), Param("gamma", gamma, dgamma), Param("beta", beta, dbeta));
        }

        [Fact]
        public void SquaredNormOfProductMatchesTheClosedForm()
        {
            // ∇_W ‖Wx‖² = 2·xᵀq and ∇_x = 2·q·Wᵀ (rows of x, q = x·W), and a numerical check of both.
            int n = 3, dIn = 5, dOut = 4;
            var rng = new Random(4);
            double[] x = Random(rng, n * dIn), w = Random(rng, dIn * dOut), q = new double[n * dOut], dx = new double[x.Length], dw = new double[w.Length];
            double value = Networks.SquaredNormOfProductGradient(x, w, default, q, n, dIn, dOut, dx, dw);
            Assert.Equal(Nn.SumOfSquares(q), value);
            for (int i = 0; i < dIn; i++)
            {
                for (int j = 0; j < dOut; j++)
                {
                    double expected = 0;
                    for (int r = 0; r < n; r++) expected += 2 * x[(r * dIn) + i] * q[(r * dOut) + j];
                    Assert.Equal(expected, dw[(i * dOut) + j], 10);
                }
            }

            for (int r = 0; r < n; r++)
            {
                for (int i = 0; i < dIn; i++)
                {
                    double expected = 0;
                    for (int j = 0; j < dOut; j++) expected += 2 * q[(r * dOut) + j] * w[(i * dOut) + j];
                    Assert.Equal(expected, dx[(r * dIn) + i], 10);
                }
            }

            Verify(() => Networks.SquaredNormOfProduct(x, w, default, q, n, dIn, dOut), Param("x", x, dx), Param("w", w, dw));
        }

        /// <summary>A float MLP on a small synthetic problem, trained with the generated gradient and SGD.</summary>
        private sealed class FloatMlp
        {
            public const int N = 29, Inputs = 13, Hidden = 21, Classes = 3;
            public readonly float[] X = new float[N * Inputs], W1 = new float[Inputs * Hidden], B1 = new float[Hidden], W2 = new float[Hidden * Classes], B2 = new float[Classes];
            public readonly float[] Z1 = new float[N * Hidden], H1 = new float[N * Hidden], Logits = new float[N * Classes];
            public readonly float[] DW1 = new float[Inputs * Hidden], DB1 = new float[Hidden], DW2 = new float[Hidden * Classes], DB2 = new float[Classes];
            public readonly int[] Labels = new int[N];

            public FloatMlp(int seed)
            {
                var rng = new Random(seed);
                Fill(rng, X, 1);
                Fill(rng, W1, 1 / MathF.Sqrt(Inputs));
                Fill(rng, W2, 1 / MathF.Sqrt(Hidden));

                // Labels: the arg-max of a fixed random linear map of x, learnable by the network.
                float[] teacher = new float[Inputs * Classes];
                Fill(rng, teacher, 1);
                for (int i = 0; i < N; i++)
                {
                    float best = float.NegativeInfinity;
                    for (int c = 0; c < Classes; c++)
                    {
                        float score = 0;
                        for (int k = 0; k < Inputs; k++) score += X[i * Inputs + k] * teacher[k * Classes + c];
                        if (score > best) (best, Labels[i]) = (score, c);
                    }
                }
            }

            public float Step(float learningRate)
            {
                Array.Clear(DW1);
                Array.Clear(DB1);
                Array.Clear(DW2);
                Array.Clear(DB2);
                float loss = Networks.MlpGradient(X, W1, B1, W2, B2, Labels, Z1, H1, Logits, N, Inputs, Hidden, Classes, DW1, DB1, DW2, DB2);
                TensorPrimitives.MultiplyAdd(DW1, -learningRate, W1, W1);
                TensorPrimitives.MultiplyAdd(DB1, -learningRate, B1, B1);
                TensorPrimitives.MultiplyAdd(DW2, -learningRate, W2, W2);
                TensorPrimitives.MultiplyAdd(DB2, -learningRate, B2, B2);
                return loss;
            }

            private static void Fill(Random rng, float[] values, float scale)
            {
                for (int i = 0; i < values.Length; i++) values[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
            }
        }

        [Fact]
        public void FloatMlpTrainsAndItsStepAllocatesNothing()
        {
            var net = new FloatMlp(7);
            float first = net.Step(0.5f);
            net.Step(0.5f); // warm-up: the workspace grows to the step's size, the JIT settles

            // Only the calling thread is measured (a GEMM worker thread, if the products were large enough, allocates nothing per step either).
            long before = GC.GetAllocatedBytesForCurrentThread();
            float last = 0;
            for (int step = 0; step < 48; step++)
            {
                last = net.Step(0.5f);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.True(last < 0.5f * first, $"loss {first} → {last} after 50 steps");
        }

        [Fact]
        public void FloatMlpGradientAgreesWithTheDoubleOne()
        {
            var net = new FloatMlp(8);
            int n = FloatMlp.N, inputs = FloatMlp.Inputs, hidden = FloatMlp.Hidden, classes = FloatMlp.Classes;
            float loss = net.Step(0f); // gradients at the initial weights, weights unchanged
            double[] x = ToDouble(net.X), w1 = ToDouble(net.W1), b1 = ToDouble(net.B1), w2 = ToDouble(net.W2), b2 = ToDouble(net.B2);
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], db1 = new double[b1.Length], dw2 = new double[w2.Length], db2 = new double[b2.Length];
            double expected = Networks.MlpGradient(x, w1, b1, w2, b2, net.Labels, new double[n * hidden], new double[n * hidden], new double[n * classes],
                n, inputs, hidden, classes, dx, dw1, db1, dw2, db2);
            Assert.Equal(expected, loss, 4);
            for (int i = 0; i < dw1.Length; i++) Assert.Equal(dw1[i], net.DW1[i], 4);
            for (int i = 0; i < dw2.Length; i++) Assert.Equal(dw2[i], net.DW2[i], 4);
        }

        private static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
    }
}
