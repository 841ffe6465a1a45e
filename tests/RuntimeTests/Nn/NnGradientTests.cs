using System;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

// Not "…Nn": a namespace of that name under SymGrad.RuntimeTests would hide the class SymGrad.Nn in the whole assembly.
namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>Every registered backward of <see cref="Nn"/> against central differences, in double, at sizes off the SIMD widths.</summary>
    public class NnGradientTests
    {
        [Theory]
        [InlineData(1, 1, 1, 1)]
        [InlineData(5, 9, 11, 2)]
        [InlineData(3, 17, 13, 3)]
        public void Dense(int n, int inputs, int outputs, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, n * inputs), w = Random(rng, inputs * outputs), b = Random(rng, outputs);
            double[] y = new double[n * outputs], dy = Random(rng, y.Length);
            double[] dx = new double[x.Length], dw = new double[w.Length], db = new double[b.Length];
            Nn.Dense(x, w, b, y, n, inputs, outputs);
            Nn.DenseBackward(x, w, b, y, n, inputs, outputs, dy, dx, dw, db);
            Verify(() => { Nn.Dense(x, w, b, y, n, inputs, outputs); return GradCheck.Contract(y, dy); },
                Param("x", x, dx), Param("w", w, dw), Param("b", b, db));
        }

        [Fact]
        public void DenseWithoutBiasAndWithConstantInput()
        {
            var rng = new Random(4);
            int n = 6, inputs = 7, outputs = 5;
            double[] x = Random(rng, n * inputs), w = Random(rng, inputs * outputs);
            double[] y = new double[n * outputs], dy = Random(rng, y.Length), dw = new double[w.Length];
            Nn.Dense(x, w, ReadOnlySpan<double>.Empty, y, n, inputs, outputs);
            Nn.DenseBackward(x, w, ReadOnlySpan<double>.Empty, y, n, inputs, outputs, dy, Span<double>.Empty, dw, Span<double>.Empty);
            Verify(() => { Nn.Dense(x, w, ReadOnlySpan<double>.Empty, y, n, inputs, outputs); return GradCheck.Contract(y, dy); }, Param("w", w, dw));
        }

        [Fact]
        public void BackwardsAccumulate()
        {
            var rng = new Random(5);
            int n = 3, inputs = 4, outputs = 5;
            double[] x = Random(rng, n * inputs), w = Random(rng, inputs * outputs), b = Random(rng, outputs);
            double[] y = new double[n * outputs], dy = Random(rng, y.Length);
            double[] dx = new double[x.Length], dw = new double[w.Length], db = new double[b.Length];
            Nn.Dense(x, w, b, y, n, inputs, outputs);
            Nn.DenseBackward(x, w, b, y, n, inputs, outputs, dy, dx, dw, db);
            double[] once = (double[])dw.Clone();
            Nn.DenseBackward(x, w, b, y, n, inputs, outputs, dy, dx, dw, db);
            for (int i = 0; i < dw.Length; i++) Assert.Equal(2 * once[i], dw[i], 12);
        }

        public static TheoryData<string> ActivationNames => new() { "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu" };

        [Theory]
        [MemberData(nameof(ActivationNames))]
        public void Activation(string name)
        {
            var rng = new Random(name.Length);
            const int length = 37;
            double[] x = Random(rng, length, -3, 3), y = new double[length], dy = Random(rng, length), dx = new double[length];
            Forward(name, x, y);
            double[] before = (double[])y.Clone();
            Backward(name, x, y, dy, dx);
            Assert.Equal(before, y);
            Verify(() => { Forward(name, x, y); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        internal static void Forward(string name, double[] x, double[] y)
        {
            switch (name)
            {
                case "Relu": Nn.Relu(x, y); break;
                case "LeakyRelu": Nn.LeakyRelu(x, y, 0.1); break;
                case "Sigmoid": Nn.Sigmoid(x, y); break;
                case "Tanh": Nn.Tanh(x, y); break;
                default: Nn.Elu(x, y, 0.7); break;
            }
        }

        internal static void Backward(string name, double[] x, double[] y, double[] dy, double[] dx)
        {
            switch (name)
            {
                case "Relu": Nn.ReluBackward(x, y, dy, dx); break;
                case "LeakyRelu": Nn.LeakyReluBackward(x, y, 0.1, dy, dx); break;
                case "Sigmoid": Nn.SigmoidBackward(x, y, dy, dx); break;
                case "Tanh": Nn.TanhBackward(x, y, dy, dx); break;
                default: Nn.EluBackward(x, y, 0.7, dy, dx); break;
            }
        }

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(7, 3, 2)]
        [InlineData(5, 19, 3)]
        public void SoftmaxCrossEntropy(int rows, int classes, int seed)
        {
            var rng = new Random(seed);
            double[] logits = Random(rng, rows * classes, -4, 4), dlogits = new double[logits.Length];
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) labels[i] = rng.Next(classes);
            double[] dResult = { 0.7 };
            Nn.SoftmaxCrossEntropyBackward(logits, labels, rows, classes, dResult[0], dlogits);
            Verify(() => dResult[0] * Nn.SoftmaxCrossEntropy(logits, labels, rows, classes), Param("logits", logits, dlogits));
        }

        [Fact]
        public void SoftmaxCrossEntropyMatchesTheDefinition()
        {
            double[] logits = { 1, 2, 3, -1, 0, 1000 };
            int[] labels = { 2, 0 };
            double row0 = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 3, row1 = 1000 - -1; // log Σ exp ≈ 1000 in row 1
            Assert.Equal((row0 + row1) / 2, Nn.SoftmaxCrossEntropy(logits, labels, 2, 3), 9);
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(23, 2)]
        [InlineData(5000, 3)] // three stack chunks, the last one partial
        public void MseLoss(int length, int seed)
        {
            var rng = new Random(seed);
            double[] p = Random(rng, length), t = Random(rng, length), dp = new double[length], dt = new double[length];
            double[] dResult = { 1.3 };
            Nn.MseLossBackward(p, t, dResult[0], dp, dt);
            Verify(() => dResult[0] * Nn.MseLoss(p, t), Param("prediction", p, dp), Param("target", t, dt));
            double expected = 0;
            for (int i = 0; i < length; i++) expected += (p[i] - t[i]) * (p[i] - t[i]);
            Assert.Equal(expected / length, Nn.MseLoss(p, t), 12);
        }

        [Fact]
        public void MseLossOverBothCoresMatchesTheClosedForm()
        {
            // 50 001 elements: enough chunks to be shared between the two cores.
            const int Length = 50_001;
            var rng = new Random(7);
            float[] p = new float[Length], t = new float[Length], dp = new float[Length], dt = new float[Length];
            for (int i = 0; i < Length; i++)
            {
                (p[i], t[i], dp[i]) = ((float)rng.NextDouble(), (float)rng.NextDouble(), 1f);
            }

            double expected = 0;
            for (int i = 0; i < Length; i++) expected += ((double)p[i] - t[i]) * ((double)p[i] - t[i]);
            Assert.Equal(expected / Length, Nn.MseLoss(p, t), 5);
            Assert.Equal(Nn.MseLoss(p, t), Nn.MseLoss(p, t)); // chunk sums added in order: the same value whoever computed them

            Nn.MseLossBackward(p, t, 3f, dp, dt);
            float scale = 2f * 3f / Length;
            for (int i = 0; i < Length; i++)
            {
                float d = p[i] - t[i];
                Assert.Equal(MathF.FusedMultiplyAdd(d, scale, 1f), dp[i], 6);
                Assert.Equal(d * -scale, dt[i], 6);
            }
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(23, 2)]
        [InlineData(5000, 3)] // three stack chunks, the last one partial
        public void SumOfSquares(int length, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, length), dx = new double[length];
            double[] dResult = { -0.8 };
            Nn.SumOfSquaresBackward(x, dResult[0], dx);
            Verify(() => dResult[0] * Nn.SumOfSquares(x), Param("x", x, dx));
            double expected = 0;
            for (int i = 0; i < length; i++) expected += x[i] * x[i];
            Assert.Equal(expected, Nn.SumOfSquares(x), 10);
        }

        [Fact]
        public void SumOfSquaresOverBothCoresMatchesTheClosedForm()
        {
            // 50 001 floats: chunks shared between the two cores; the value is MseLoss against zeros times N, in one pass.
            const int Length = 50_001;
            var rng = new Random(9);
            float[] x = new float[Length], zeros = new float[Length], dx = new float[Length];
            for (int i = 0; i < Length; i++)
            {
                (x[i], dx[i]) = ((float)rng.NextDouble() - 0.5f, 1f);
            }

            Assert.Equal(Nn.MseLoss(x, zeros) * Length, Nn.SumOfSquares(x), 1e-6 * Nn.SumOfSquares(x));
            Assert.Equal(Nn.SumOfSquares(x), Nn.SumOfSquares(x)); // chunk sums added in order: the same value whoever computed them
            Nn.SumOfSquaresBackward(x, 1.5f, dx);
            for (int i = 0; i < Length; i++)
            {
                Assert.Equal(1f + (3f * x[i]), dx[i], 1e-6f); // one rounding or two
            }
        }

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(3, 11, 2)]
        public void MeanSubtract(int rows, int d, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, rows * d), h = new double[x.Length], dh = Random(rng, x.Length), dx = new double[x.Length];
            Nn.MeanSubtract(x, h, rows, d);
            Nn.MeanSubtractBackward(x, h, rows, d, dh, dx);
            Verify(() => { Nn.MeanSubtract(x, h, rows, d); return GradCheck.Contract(h, dh); }, Param("x", x, dx));
        }

        [Theory]
        [InlineData(2, 1, 1)]
        [InlineData(9, 5, 2)]
        [InlineData(6, 19, 3)]
        public void BatchNorm(int n, int d, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, n * d, -2, 2), gamma = Random(rng, d, 0.5, 1.5), beta = Random(rng, d);
            double[] y = new double[x.Length], dy = Random(rng, x.Length);
            double[] dx = new double[x.Length], dgamma = new double[d], dbeta = new double[d];
            Nn.BatchNorm(x, gamma, beta, y, n, d, 1e-5);
            Nn.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, dx, dgamma, dbeta);
            Verify(() => { Nn.BatchNorm(x, gamma, beta, y, n, d, 1e-5); return GradCheck.Contract(y, dy); },
                Param("x", x, dx), Param("gamma", gamma, dgamma), Param("beta", beta, dbeta));

            // Each feature of the output has mean β (GradCheck leaves y at its last perturbed evaluation: run it again).
            Nn.BatchNorm(x, gamma, beta, y, n, d, 1e-5);
            for (int j = 0; j < d; j++)
            {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += y[i * d + j];
                Assert.Equal(beta[j], mean / n, 9);
            }
        }

        public static TheoryData<Conv2DShape, int> ConvShapes => new()
        {
            { new Conv2DShape(1, 1, 1, 1, 1, 1, 1), 1 },
            { new Conv2DShape(2, 2, 5, 6, 3, 3, 3), 2 },                           // valid
            { new Conv2DShape(2, 2, 5, 7, 2, 3, 3, stride: 1, padding: 1), 3 },    // same
            { new Conv2DShape(3, 3, 7, 5, 2, 3, 2, stride: 2, padding: 1), 4 },    // strided
            { new Conv2DShape(3, 8, 5, 3, 9, 3, 3, stride: 1, padding: 1), 5 },    // Winograd F(2×2, 3×3): forward and input gradient
        };

        [Theory]
        [MemberData(nameof(ConvShapes))]
        public void Conv2D(Conv2DShape s, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, s.InputLength), w = Random(rng, s.WeightLength), b = Random(rng, s.Filters);
            double[] y = new double[s.OutputLength], dy = Random(rng, y.Length);
            double[] dx = new double[x.Length], dw = new double[w.Length], db = new double[b.Length];
            Nn.Conv2D(x, w, b, y, s);
            Nn.Conv2DBackward(x, w, b, y, s, dy, dx, dw, db);
            Verify(() => { Nn.Conv2D(x, w, b, y, s); return GradCheck.Contract(y, dy); },
                Param("x", x, dx), Param("w", w, dw), Param("b", b, db));
        }

        [Fact]
        public void Conv2DWithConstantFiltersStillTrainsTheBias()
        {
            var s = new Conv2DShape(2, 2, 5, 4, 3, 2, 2);
            var rng = new Random(6);
            double[] x = Random(rng, s.InputLength), w = Random(rng, s.WeightLength), b = Random(rng, s.Filters);
            double[] y = new double[s.OutputLength], dy = Random(rng, y.Length), db = new double[b.Length];
            Nn.Conv2D(x, w, b, y, s);
            Nn.Conv2DBackward(x, w, b, y, s, dy, Span<double>.Empty, Span<double>.Empty, db);
            Verify(() => { Nn.Conv2D(x, w, b, y, s); return GradCheck.Contract(y, dy); }, Param("b", b, db));
        }

        public static TheoryData<Pool2DShape, int> PoolShapes => new()
        {
            { new Pool2DShape(1, 1, 1, 1, 1, 1, 1), 1 },
            { new Pool2DShape(2, 3, 6, 6, 2, 2, 2), 2 },                 // tiling
            { new Pool2DShape(2, 2, 7, 5, 3, 3, 2), 3 },                 // overlapping windows
            { new Pool2DShape(1, 3, 5, 7, 3, 2, 2, padding: 1), 4 },     // padded
        };

        [Theory]
        [MemberData(nameof(PoolShapes))]
        public void MaxPool2D(Pool2DShape s, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, s.InputLength), y = new double[s.OutputLength], dy = Random(rng, y.Length), dx = new double[x.Length];
            Nn.MaxPool2D(x, y, s);
            Nn.MaxPool2DBackward(x, y, s, dy, dx);
            Verify(() => { Nn.MaxPool2D(x, y, s); return GradCheck.Contract(y, dy); }, Param("x", x, dx));

            // Same values and the same routing as the kernel that records indices.
            Nn.MaxPool2D(x, y, s);
            double[] reference = new double[y.Length], kernelDx = new double[x.Length];
            int[] indices = new int[y.Length];
            SymGrad.MaxPool2D.Forward<double>(x, reference, indices, s);
            SymGrad.MaxPool2D.Backward<double>(dy, indices, kernelDx, s);
            Assert.Equal(reference, y);
            Assert.Equal(kernelDx, dx);
        }

        [Fact]
        public void MaxPool2DTiesGoToTheFirstElement()
        {
            var s = new Pool2DShape(1, 1, 2, 2, 2, 2, 2);
            double[] x = { 1, 3, 3, 3 }, y = new double[1], dx = new double[4];
            Nn.MaxPool2D(x, y, s);
            Nn.MaxPool2DBackward(x, y, s, new double[] { 5 }, dx);
            Assert.Equal(new double[] { 0, 5, 0, 0 }, dx);
        }
    }
}
