using System;
using System.Numerics.Tensors;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>Networks composed of <see cref="Nn"/> primitives through the generator: gradient checks, training, allocation.</summary>
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

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void ConvNetGradientPassesGradCheck(int seed)
        {
            // 3 images of 2×7×6 → 3 filters 3×3, padding 1 → 3×7×6 → 2×2 pool, stride 2 → 3×3×3 = 27 features → 4 classes.
            int n = 3, classes = 4;
            var convShape = new Conv2DShape(n, 2, 7, 6, 3, 3, 3, stride: 1, padding: 1);
            var poolShape = new Pool2DShape(n, 3, convShape.OutHeight, convShape.OutWidth, 2, 2, 2);
            int features = poolShape.OutputLength / n;
            var rng = new Random(seed);
            double[] images = Random(rng, convShape.InputLength), filters = Random(rng, convShape.WeightLength), bias = Random(rng, 3, -0.1, 0.1);
            double[] w = Random(rng, features * classes), b = Random(rng, classes, -0.1, 0.1);
            int[] labels = Labels(rng, n, classes);
            double[] conv = new double[convShape.OutputLength], act = new double[conv.Length], pooled = new double[poolShape.OutputLength], logits = new double[n * classes];
            double[] dimages = new double[images.Length], dfilters = new double[filters.Length], dbias = new double[bias.Length], dw = new double[w.Length], db = new double[b.Length];

            Networks.ConvNetGradient(images, filters, bias, w, b, labels, conv, act, pooled, logits, convShape, poolShape, n, features, classes,
                dimages, dfilters, dbias, dw, db);
            Verify(() => Networks.ConvNet(images, filters, bias, w, b, labels, conv, act, pooled, logits, convShape, poolShape, n, features, classes),
                Param("images", images, dimages), Param("filters", filters, dfilters), Param("bias", bias, dbias), Param("w", w, dw), Param("b", b, db));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void FusedConvNetGradientPassesGradCheckAndEqualsTheUnfusedNetwork(int seed)
        {
            int n = 3, classes = 4;
            var convShape = new Conv2DShape(n, 2, 7, 6, 3, 3, 3, stride: 1, padding: 1);
            var poolShape = new Pool2DShape(n, 3, convShape.OutHeight, convShape.OutWidth, 2, 2, 2);
            int features = poolShape.OutputLength / n;
            var rng = new Random(seed);
            double[] images = Random(rng, convShape.InputLength), filters = Random(rng, convShape.WeightLength), bias = Random(rng, 3, -0.5, 0.1);
            double[] w = Random(rng, features * classes), b = Random(rng, classes, -0.1, 0.1);
            int[] labels = Labels(rng, n, classes);
            double[] conv = new double[convShape.OutputLength], act = new double[conv.Length], pooled = new double[poolShape.OutputLength], logits = new double[n * classes];
            double[] dimages = new double[images.Length], dfilters = new double[filters.Length], dbias = new double[bias.Length], dw = new double[w.Length], db = new double[b.Length];

            double loss = Networks.FusedConvNetGradient(images, filters, bias, w, b, labels, conv, pooled, logits, convShape, poolShape, n, features, classes,
                dimages, dfilters, dbias, dw, db);
            Assert.Contains(pooled, v => v == 0); // some windows are all negative: the ReLU cuts their gradient
            Verify(() => Networks.FusedConvNet(images, filters, bias, w, b, labels, conv, pooled, logits, convShape, poolShape, n, features, classes),
                Param("images", images, dimages), Param("filters", filters, dfilters), Param("bias", bias, dbias), Param("w", w, dw), Param("b", b, db));

            // The unfused network computes the same loss and the same gradients.
            double[] uimages = new double[images.Length], ufilters = new double[filters.Length], ubias = new double[bias.Length], uw = new double[w.Length], ub = new double[b.Length];
            double unfused = Networks.ConvNetGradient(images, filters, bias, w, b, labels, conv, act, pooled, logits, convShape, poolShape, n, features, classes,
                uimages, ufilters, ubias, uw, ub);
            Assert.Equal(unfused, loss);
            Assert.Equal(uimages, dimages);
            Assert.Equal(ufilters, dfilters);
            Assert.Equal(ubias, dbias);
            Assert.Equal(uw, dw);
            Assert.Equal(ub, db);
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
