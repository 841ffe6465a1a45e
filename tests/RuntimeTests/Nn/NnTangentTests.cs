using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>
    /// Every registered tangent of <see cref="Nn"/>: the dot-product identity ⟨ȳ, ẏ⟩ + r̄·ṙ = Σ ⟨x̄, ẋ⟩ against the registered
    /// backward (float and double), central differences of the forward along the direction, y written as the forward writes
    /// it, empty tangents as zeros, and validation before any write.
    /// </summary>
    public class NnTangentTests
    {
        /// <summary>One primitive at one size: its differentiable inputs, its span output (or scalar result) and three calls.</summary>
        internal sealed class Case<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            /// <summary>Lengths of the differentiable inputs, in parameter order (0: an empty input, such as no bias).</summary>
            public required int[] Inputs { get; init; }

            /// <summary>Length of the span output y; 0 for a primitive with a scalar result.</summary>
            public int Output { get; init; }

            /// <summary>(inputs, y) → the result (0 for a void primitive); writes y.</summary>
            public required Func<T[][], T[], T> Forward { get; init; }

            /// <summary>(inputs, y, tangents, ty) → the result's tangent (0 for void); a null tangent or ty passes an empty span.</summary>
            public required Func<T[][], T[], T[]?[], T[]?, T> Tangent { get; init; }

            /// <summary>(inputs, y, ȳ, r̄, gradients): the registered backward, accumulating into the gradients.</summary>
            public required Action<T[][], T[], T[], T, T[][]> Backward { get; init; }
        }

        private static readonly Conv2DShape ConvDirect = new(2, 2, 5, 7, 3, 3, 3, stride: 1, padding: 1);
        private static readonly Conv2DShape ConvStrided = new(3, 3, 7, 5, 2, 3, 2, stride: 2, padding: 1);
        private static readonly Conv2DShape ConvWinograd = new(3, 8, 5, 6, 9, 3, 3, stride: 1, padding: 1);
        private static readonly Pool2DShape PoolOverlapping = new(2, 2, 7, 5, 3, 3, 2);
        private static readonly Pool2DShape PoolPadded = new(1, 3, 5, 7, 3, 2, 2, padding: 1);
        private static readonly Pool2DShape Pool2x2Wide = new(2, 3, 7, 41, 2, 2, 2); // 2 × 2 stride 2 (vectorised), rows of 20 windows, an odd last row

        private static int[] Labels(int rows, int classes) => Enumerable.Range(0, rows).Select(i => ((7 * i) + 3) % classes).ToArray();

        private static Dictionary<string, Case<double>> DoubleCases { get; } = new()
        {
            ["Relu"] = new() { Inputs = [37], Output = 37, Forward = (a, y) => { Nn.Relu(a[0], y); return 0; }, Tangent = (a, y, t, ty) => { Nn.ReluTangent(a[0], y, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.ReluBackward(a[0], y, yb, g[0]) },
            ["LeakyRelu"] = new() { Inputs = [37], Output = 37, Forward = (a, y) => { Nn.LeakyRelu(a[0], y, 0.1); return 0; }, Tangent = (a, y, t, ty) => { Nn.LeakyReluTangent(a[0], y, 0.1, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.LeakyReluBackward(a[0], y, 0.1, yb, g[0]) },
            ["Sigmoid"] = new() { Inputs = [300], Output = 300, Forward = (a, y) => { Nn.Sigmoid(a[0], y); return 0; }, Tangent = (a, y, t, ty) => { Nn.SigmoidTangent(a[0], y, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.SigmoidBackward(a[0], y, yb, g[0]) },
            ["Tanh"] = new() { Inputs = [37], Output = 37, Forward = (a, y) => { Nn.Tanh(a[0], y); return 0; }, Tangent = (a, y, t, ty) => { Nn.TanhTangent(a[0], y, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.TanhBackward(a[0], y, yb, g[0]) },
            ["Elu"] = new() { Inputs = [37], Output = 37, Forward = (a, y) => { Nn.Elu(a[0], y, 0.7); return 0; }, Tangent = (a, y, t, ty) => { Nn.EluTangent(a[0], y, 0.7, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.EluBackward(a[0], y, 0.7, yb, g[0]) },
            ["Dense"] = Dense(5, 9, 11, bias: true),
            ["DenseWithoutBias"] = Dense(3, 17, 13, bias: false),
            ["Conv2D"] = Conv(ConvDirect, bias: true),
            ["Conv2DStridedWithoutBias"] = Conv(ConvStrided, bias: false),
            ["Conv2DWinograd"] = Conv(ConvWinograd, bias: true),
            ["MaxPool2D"] = Pool(PoolOverlapping, relu: false),
            ["MaxPool2DPadded"] = Pool(PoolPadded, relu: false),
            ["MaxPool2D2x2"] = Pool(Pool2x2Wide, relu: false),
            ["ReluMaxPool2D"] = Pool(PoolOverlapping, relu: true),
            ["ReluMaxPool2D2x2"] = Pool(Pool2x2Wide, relu: true),
            ["SoftmaxCrossEntropy"] = CrossEntropy(7, 5),
            ["MseLoss"] = new() { Inputs = [23, 23], Forward = (a, y) => Nn.MseLoss(a[0], a[1]), Tangent = (a, y, t, ty) => Nn.MseLossTangent(a[0], a[1], t[0], t[1]), Backward = (a, y, yb, rb, g) => Nn.MseLossBackward(a[0], a[1], rb, g[0], g[1]) },
            ["MseLossChunks"] = new() { Inputs = [5000, 5000], Forward = (a, y) => Nn.MseLoss(a[0], a[1]), Tangent = (a, y, t, ty) => Nn.MseLossTangent(a[0], a[1], t[0], t[1]), Backward = (a, y, yb, rb, g) => Nn.MseLossBackward(a[0], a[1], rb, g[0], g[1]) },
            ["SumOfSquares"] = new() { Inputs = [5000], Forward = (a, y) => Nn.SumOfSquares(a[0]), Tangent = (a, y, t, ty) => Nn.SumOfSquaresTangent(a[0], t[0]), Backward = (a, y, yb, rb, g) => Nn.SumOfSquaresBackward(a[0], rb, g[0]) },
            ["MeanSubtract"] = new() { Inputs = [3 * 11], Output = 3 * 11, Forward = (a, y) => { Nn.MeanSubtract(a[0], y, 3, 11); return 0; }, Tangent = (a, y, t, ty) => { Nn.MeanSubtractTangent(a[0], y, 3, 11, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.MeanSubtractBackward(a[0], y, 3, 11, yb, g[0]) },
            ["BatchNorm"] = BatchNorm(9, 5),
            ["BatchNormTwoRows"] = BatchNorm(2, 19),
        };

        private static Case<double> Dense(int n, int i, int o, bool bias) => new()
        {
            Inputs = [n * i, i * o, bias ? o : 0],
            Output = n * o,
            Forward = (a, y) => { Nn.Dense(a[0], a[1], a[2], y, n, i, o); return 0; },
            Tangent = (a, y, t, ty) => { Nn.DenseTangent(a[0], a[1], a[2], y, n, i, o, t[0], t[1], t[2], ty); return 0; },
            Backward = (a, y, yb, rb, g) => Nn.DenseBackward(a[0], a[1], a[2], y, n, i, o, yb, g[0], g[1], g[2]),
        };

        private static Case<double> Conv(Conv2DShape s, bool bias) => new()
        {
            Inputs = [s.InputLength, s.WeightLength, bias ? s.Filters : 0],
            Output = s.OutputLength,
            Forward = (a, y) => { Nn.Conv2D(a[0], a[1], a[2], y, s); return 0; },
            Tangent = (a, y, t, ty) => { Nn.Conv2DTangent(a[0], a[1], a[2], y, s, t[0], t[1], t[2], ty); return 0; },
            Backward = (a, y, yb, rb, g) => Nn.Conv2DBackward(a[0], a[1], a[2], y, s, yb, g[0], g[1], g[2]),
        };

        private static Case<double> Pool(Pool2DShape s, bool relu) => new()
        {
            Inputs = [s.InputLength],
            Output = s.OutputLength,
            Forward = (a, y) => { if (relu) Nn.ReluMaxPool2D(a[0], y, s); else Nn.MaxPool2D(a[0], y, s); return 0; },
            Tangent = (a, y, t, ty) => { if (relu) Nn.ReluMaxPool2DTangent(a[0], y, s, t[0], ty); else Nn.MaxPool2DTangent(a[0], y, s, t[0], ty); return 0; },
            Backward = (a, y, yb, rb, g) => { if (relu) Nn.ReluMaxPool2DBackward(a[0], y, s, yb, g[0]); else Nn.MaxPool2DBackward(a[0], y, s, yb, g[0]); },
        };

        private static Case<double> CrossEntropy(int rows, int classes) => new()
        {
            Inputs = [rows * classes],
            Forward = (a, y) => Nn.SoftmaxCrossEntropy(a[0], Labels(rows, classes), rows, classes),
            Tangent = (a, y, t, ty) => Nn.SoftmaxCrossEntropyTangent(a[0], Labels(rows, classes), rows, classes, t[0]),
            Backward = (a, y, yb, rb, g) => Nn.SoftmaxCrossEntropyBackward(a[0], Labels(rows, classes), rows, classes, rb, g[0]),
        };

        private static Case<double> BatchNorm(int n, int d) => new()
        {
            Inputs = [n * d, d, d],
            Output = n * d,
            Forward = (a, y) => { Nn.BatchNorm(a[0], a[1], a[2], y, n, d, 1e-5); return 0; },
            Tangent = (a, y, t, ty) => { Nn.BatchNormTangent(a[0], a[1], a[2], y, n, d, 1e-5, t[0], t[1], t[2], ty); return 0; },
            Backward = (a, y, yb, rb, g) => Nn.BatchNormBackward(a[0], a[1], a[2], y, n, d, 1e-5, yb, g[0], g[1], g[2]),
        };

        /// <summary>The float overloads, at the same sizes (the sizes off every SIMD width come from the double cases).</summary>
        private static Dictionary<string, Case<float>> FloatCases { get; } = new()
        {
            ["Relu"] = new() { Inputs = [37], Output = 37, Forward = (a, y) => { Nn.Relu(a[0], y); return 0; }, Tangent = (a, y, t, ty) => { Nn.ReluTangent(a[0], y, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.ReluBackward(a[0], y, yb, g[0]) },
            ["LeakyRelu"] = new() { Inputs = [37], Output = 37, Forward = (a, y) => { Nn.LeakyRelu(a[0], y, 0.1f); return 0; }, Tangent = (a, y, t, ty) => { Nn.LeakyReluTangent(a[0], y, 0.1f, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.LeakyReluBackward(a[0], y, 0.1f, yb, g[0]) },
            ["Sigmoid"] = new() { Inputs = [300], Output = 300, Forward = (a, y) => { Nn.Sigmoid(a[0], y); return 0; }, Tangent = (a, y, t, ty) => { Nn.SigmoidTangent(a[0], y, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.SigmoidBackward(a[0], y, yb, g[0]) },
            ["Tanh"] = new() { Inputs = [37], Output = 37, Forward = (a, y) => { Nn.Tanh(a[0], y); return 0; }, Tangent = (a, y, t, ty) => { Nn.TanhTangent(a[0], y, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.TanhBackward(a[0], y, yb, g[0]) },
            ["Elu"] = new() { Inputs = [37], Output = 37, Forward = (a, y) => { Nn.Elu(a[0], y, 0.7f); return 0; }, Tangent = (a, y, t, ty) => { Nn.EluTangent(a[0], y, 0.7f, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.EluBackward(a[0], y, 0.7f, yb, g[0]) },
            ["Dense"] = new() { Inputs = [5 * 9, 9 * 11, 11], Output = 5 * 11, Forward = (a, y) => { Nn.Dense(a[0], a[1], a[2], y, 5, 9, 11); return 0; }, Tangent = (a, y, t, ty) => { Nn.DenseTangent(a[0], a[1], a[2], y, 5, 9, 11, t[0], t[1], t[2], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.DenseBackward(a[0], a[1], a[2], y, 5, 9, 11, yb, g[0], g[1], g[2]) },
            ["Conv2DWinograd"] = new() { Inputs = [ConvWinograd.InputLength, ConvWinograd.WeightLength, ConvWinograd.Filters], Output = ConvWinograd.OutputLength, Forward = (a, y) => { Nn.Conv2D(a[0], a[1], a[2], y, ConvWinograd); return 0; }, Tangent = (a, y, t, ty) => { Nn.Conv2DTangent(a[0], a[1], a[2], y, ConvWinograd, t[0], t[1], t[2], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.Conv2DBackward(a[0], a[1], a[2], y, ConvWinograd, yb, g[0], g[1], g[2]) },
            ["MaxPool2D2x2"] = new() { Inputs = [Pool2x2Wide.InputLength], Output = Pool2x2Wide.OutputLength, Forward = (a, y) => { Nn.MaxPool2D(a[0], y, Pool2x2Wide); return 0; }, Tangent = (a, y, t, ty) => { Nn.MaxPool2DTangent(a[0], y, Pool2x2Wide, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.MaxPool2DBackward(a[0], y, Pool2x2Wide, yb, g[0]) },
            ["ReluMaxPool2D"] = new() { Inputs = [PoolOverlapping.InputLength], Output = PoolOverlapping.OutputLength, Forward = (a, y) => { Nn.ReluMaxPool2D(a[0], y, PoolOverlapping); return 0; }, Tangent = (a, y, t, ty) => { Nn.ReluMaxPool2DTangent(a[0], y, PoolOverlapping, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.ReluMaxPool2DBackward(a[0], y, PoolOverlapping, yb, g[0]) },
            ["SoftmaxCrossEntropy"] = new() { Inputs = [7 * 5], Forward = (a, y) => Nn.SoftmaxCrossEntropy(a[0], Labels(7, 5), 7, 5), Tangent = (a, y, t, ty) => Nn.SoftmaxCrossEntropyTangent(a[0], Labels(7, 5), 7, 5, t[0]), Backward = (a, y, yb, rb, g) => Nn.SoftmaxCrossEntropyBackward(a[0], Labels(7, 5), 7, 5, rb, g[0]) },
            ["MseLoss"] = new() { Inputs = [5000, 5000], Forward = (a, y) => Nn.MseLoss(a[0], a[1]), Tangent = (a, y, t, ty) => Nn.MseLossTangent(a[0], a[1], t[0], t[1]), Backward = (a, y, yb, rb, g) => Nn.MseLossBackward(a[0], a[1], rb, g[0], g[1]) },
            ["SumOfSquares"] = new() { Inputs = [23], Forward = (a, y) => Nn.SumOfSquares(a[0]), Tangent = (a, y, t, ty) => Nn.SumOfSquaresTangent(a[0], t[0]), Backward = (a, y, yb, rb, g) => Nn.SumOfSquaresBackward(a[0], rb, g[0]) },
            ["MeanSubtract"] = new() { Inputs = [3 * 11], Output = 3 * 11, Forward = (a, y) => { Nn.MeanSubtract(a[0], y, 3, 11); return 0; }, Tangent = (a, y, t, ty) => { Nn.MeanSubtractTangent(a[0], y, 3, 11, t[0], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.MeanSubtractBackward(a[0], y, 3, 11, yb, g[0]) },
            ["BatchNorm"] = new() { Inputs = [9 * 5, 5, 5], Output = 9 * 5, Forward = (a, y) => { Nn.BatchNorm(a[0], a[1], a[2], y, 9, 5, 1e-5f); return 0; }, Tangent = (a, y, t, ty) => { Nn.BatchNormTangent(a[0], a[1], a[2], y, 9, 5, 1e-5f, t[0], t[1], t[2], ty); return 0; }, Backward = (a, y, yb, rb, g) => Nn.BatchNormBackward(a[0], a[1], a[2], y, 9, 5, 1e-5f, yb, g[0], g[1], g[2]) },
        };

        public static TheoryData<string, int> DoubleNames => Seeded(DoubleCases.Keys);

        public static TheoryData<string, int> FloatNames => Seeded(FloatCases.Keys);

        private static TheoryData<string, int> Seeded(IEnumerable<string> names)
        {
            var data = new TheoryData<string, int>();
            foreach (string name in names)
            {
                foreach (int seed in new[] { 1, 2, 3 })
                {
                    data.Add(name, seed);
                }
            }

            return data;
        }

        private static T[] Random<T>(Random rng, int length)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = new T[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = T.CreateTruncating((4 * rng.NextDouble()) - 2);
            }

            return values;
        }

        private static double Dot<T>(T[] a, T[] b)
            where T : unmanaged, IFloatingPointIeee754<T>
            => a.Zip(b, (u, v) => double.CreateTruncating(u) * double.CreateTruncating(v)).Sum();

        private static double AbsDot<T>(T[] a, T[] b)
            where T : unmanaged, IFloatingPointIeee754<T>
            => a.Zip(b, (u, v) => Math.Abs(double.CreateTruncating(u) * double.CreateTruncating(v))).Sum();

        /// <summary>⟨ȳ, ẏ⟩ + r̄·ṙ against Σ ⟨x̄, ẋ⟩, the gradients from the registered backward; within tolerance · Σ |terms|.</summary>
        private static void DotProductIdentity<T>(Case<T> c, int seed, double tolerance)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var rng = new Random(seed);
            T[][] inputs = c.Inputs.Select(n => Random<T>(rng, n)).ToArray(), tangents = c.Inputs.Select(n => Random<T>(rng, n)).ToArray();
            T[] y = new T[c.Output], ty = new T[c.Output], ybar = Random<T>(rng, c.Output);
            T rbar = T.CreateTruncating(0.7);
            T rdot = c.Tangent(inputs, y, tangents, ty);
            T[][] grads = c.Inputs.Select(n => new T[n]).ToArray();
            c.Backward(inputs, y, ybar, rbar, grads);

            double lhs = Dot(ybar, ty) + (double.CreateTruncating(rbar) * double.CreateTruncating(rdot));
            double rhs = grads.Select((g, k) => Dot(g, tangents[k])).Sum();
            double scale = AbsDot(ybar, ty) + Math.Abs(double.CreateTruncating(rbar * rdot)) + grads.Select((g, k) => AbsDot(g, tangents[k])).Sum();
            Assert.True(scale > 0, "a trivial check: every term is zero");
            Assert.True(Math.Abs(lhs - rhs) <= tolerance * scale, $"⟨ȳ, ẏ⟩ + r̄·ṙ = {lhs:R}, Σ⟨x̄, ẋ⟩ = {rhs:R}, difference {Math.Abs(lhs - rhs):E3} > {tolerance:E1} · {scale:E3}");
        }

        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void DotProductIdentityInDouble(string name, int seed) => DotProductIdentity(DoubleCases[name], seed, 1e-12);

        // Float: every sum of a few hundred products rounds at ~1e-7 relative each; 1e-5 of Σ|terms| leaves a wide margin.
        [Theory]
        [MemberData(nameof(FloatNames))]
        public void DotProductIdentityInFloat(string name, int seed) => DotProductIdentity(FloatCases[name], seed, 1e-5);

        /// <summary>(f(x + hẋ) − f(x − hẋ)) / 2h, output by output and for the result, against ẏ and ṙ.</summary>
        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void CentralDifferences(string name, int seed)
        {
            const double H = 1e-6;
            Case<double> c = DoubleCases[name];
            var rng = new Random(seed);
            double[][] inputs = c.Inputs.Select(n => Random<double>(rng, n)).ToArray(), tangents = c.Inputs.Select(n => Random<double>(rng, n)).ToArray();
            double[] y = new double[c.Output], ty = new double[c.Output], yPlus = new double[c.Output], yMinus = new double[c.Output];
            double rdot = c.Tangent(inputs, y, tangents, ty);
            double[][] Step(double h) => inputs.Select((x, k) => x.Select((v, i) => v + (h * tangents[k][i])).ToArray()).ToArray();
            double rPlus = c.Forward(Step(H), yPlus), rMinus = c.Forward(Step(-H), yMinus);

            // Central differences in double: truncation ~h², cancellation ~1e-16·|y|/h ≈ 1e-10·|y| — 1e-6 relative with a floor of 1 is loose for both.
            Assert.Equal((rPlus - rMinus) / (2 * H), rdot, 1e-6 * Math.Max(1, Math.Abs(rdot)));
            for (int i = 0; i < ty.Length; i++)
            {
                double fd = (yPlus[i] - yMinus[i]) / (2 * H);
                Assert.True(Math.Abs(fd - ty[i]) <= 1e-6 * Math.Max(1, Math.Abs(ty[i])), $"ẏ[{i}] = {ty[i]:R}, central difference {fd:R}");
            }
        }

        /// <summary>y is the forward's bit for bit, whether ty is wanted or not.</summary>
        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void OutputIsTheForwards(string name, int seed)
        {
            Case<double> c = DoubleCases[name];
            var rng = new Random(seed);
            double[][] inputs = c.Inputs.Select(n => Random<double>(rng, n)).ToArray(), tangents = c.Inputs.Select(n => Random<double>(rng, n)).ToArray();
            double[] forward = new double[c.Output], withTangent = new double[c.Output], withoutTangent = new double[c.Output];
            c.Forward(inputs, forward);
            c.Tangent(inputs, withTangent, tangents, new double[c.Output]);
            c.Tangent(inputs, withoutTangent, tangents, null);
            Assert.Equal(forward, withTangent);
            Assert.Equal(forward, withoutTangent);
        }

        /// <summary>An empty tangent is zero: the same ẏ as a span of zeros, one input at a time; all empty: ẏ = 0, ṙ = 0.</summary>
        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void EmptyTangentsAreZeros(string name, int seed)
        {
            Case<double> c = DoubleCases[name];
            var rng = new Random(seed);
            double[][] inputs = c.Inputs.Select(n => Random<double>(rng, n)).ToArray(), tangents = c.Inputs.Select(n => Random<double>(rng, n)).ToArray();
            double[] y = new double[c.Output];
            for (int k = 0; k < c.Inputs.Length; k++)
            {
                double[]?[] zero = (double[]?[])tangents.Clone(), empty = (double[]?[])tangents.Clone();
                zero[k] = new double[c.Inputs[k]];
                empty[k] = null;
                double[] tyZero = Filled(c.Output, double.NaN), tyEmpty = Filled(c.Output, double.NaN);
                double rZero = c.Tangent(inputs, y, zero, tyZero), rEmpty = c.Tangent(inputs, y, empty, tyEmpty);
                Assert.Equal(rZero, rEmpty, 1e-12 * Math.Max(1, Math.Abs(rZero)));
                for (int i = 0; i < tyZero.Length; i++)
                {
                    Assert.True(Math.Abs(tyZero[i] - tyEmpty[i]) <= 1e-12 * Math.Max(1, Math.Abs(tyZero[i])), $"input {k}: ẏ[{i}] = {tyEmpty[i]:R} with an empty tangent, {tyZero[i]:R} with zeros");
                }
            }

            double[] ty = Filled(c.Output, double.NaN);
            Assert.Equal(0.0, c.Tangent(inputs, y, new double[]?[c.Inputs.Length], ty));
            Assert.All(ty, v => Assert.Equal(0.0, v));
        }

        private static double[] Filled(int length, double value) => Enumerable.Repeat(value, length).ToArray();

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void MaxPoolTangentIsTheTangentAtTheRecordedArgMax(bool relu)
        {
            foreach (Pool2DShape s in new[] { PoolOverlapping, PoolPadded, Pool2x2Wide })
            {
                var rng = new Random(11);
                double[] x = Random<double>(rng, s.InputLength), tx = Random<double>(rng, s.InputLength);
                for (int i = 0; i < x.Length; i += 3) x[i] = Math.Round(x[i]); // ties, broken toward the first maximum
                double[] y = new double[s.OutputLength], ty = new double[s.OutputLength], reference = new double[s.OutputLength];
                int[] indices = new int[s.OutputLength];
                if (relu) Nn.ReluMaxPool2DTangent(x, y, s, tx, ty); else Nn.MaxPool2DTangent(x, y, s, tx, ty);
                SymGrad.MaxPool2D.Forward<double>(x, reference, indices, s);
                for (int t = 0; t < ty.Length; t++)
                {
                    Assert.Equal(!relu || reference[t] > 0 ? tx[indices[t]] : 0, ty[t]);
                }
            }
        }

        [Fact]
        public void TangentsAtTheKinksFollowTheBackwards()
        {
            double[] x = { 0, -0.0, 1, -1 }, y = new double[4], tx = { 5, 6, 7, 8 }, ty = new double[4];
            Nn.ReluTangent(x, y, tx, ty);
            Assert.Equal(new double[] { 0, 0, 7, 0 }, ty);
            Nn.LeakyReluTangent(x, y, 0.5, tx, ty);
            Assert.Equal(new double[] { 2.5, 3, 7, 4 }, ty);

            var s = new Pool2DShape(1, 1, 2, 2, 2, 2, 2);
            double[] pooled = new double[1], tpooled = new double[1];
            Nn.MaxPool2DTangent(new double[] { 1, 3, 3, 3 }, pooled, s, tx, tpooled);
            Assert.Equal(6, tpooled[0]);
            Nn.ReluMaxPool2DTangent(new double[] { 0, -1, -2, -3 }, pooled, s, tx, tpooled);
            Assert.Equal(0, tpooled[0]);
        }

        [Fact]
        public void ReluMaxPoolTangentIsTheComposition()
        {
            Pool2DShape s = Pool2x2Wide;
            var rng = new Random(12);
            double[] x = Random<double>(rng, s.InputLength), tx = Random<double>(rng, s.InputLength);
            double[] r = new double[x.Length], tr = new double[x.Length], y = new double[s.OutputLength], ty = new double[y.Length], fused = new double[y.Length], tfused = new double[y.Length];
            Nn.ReluTangent(x, r, tx, tr);
            Nn.MaxPool2DTangent(r, y, s, tr, ty);
            Nn.ReluMaxPool2DTangent(x, fused, s, tx, tfused);
            Assert.Equal(y, fused);
            Assert.Equal(ty, tfused);
        }

        private static void Rejects(string param, Action call, params double[][] written)
        {
            double[][] before = written.Select(a => (double[])a.Clone()).ToArray();
            ArgumentException error = Assert.ThrowsAny<ArgumentException>(call);
            Assert.Equal(param, error.ParamName);
            for (int i = 0; i < written.Length; i++)
            {
                Assert.Equal(before[i], written[i]);
            }
        }

        [Fact]
        public void WrongLengthsAndOverlapsThrowBeforeAnyWrite()
        {
            double[] x = Filled(6, 1), y = Filled(6, -7), tx = Filled(6, 1), ty = Filled(6, -7);
            Rejects("tx", () => Nn.TanhTangent(x, y, tx.AsSpan(1), ty), y, ty);
            Rejects("ty", () => Nn.EluTangent(x, y, 1, tx, ty.AsSpan(1)), y, ty);
            Rejects("ty", () => Nn.SigmoidTangent(x, y, tx, y), y);
            Rejects("y", () => Nn.ReluTangent(x, y, y, ty), y, ty);

            int n = 3, i = 4, o = 5;
            double[] dx = Filled(n * i, 1), w = Filled(i * o, 1), b = Filled(o, 1), dy = Filled(n * o, -7), tdy = Filled(n * o, -7);
            Rejects("tw", () => Nn.DenseTangent(dx, w, b, dy, n, i, o, dx, w.AsSpan(1), b, tdy), dy, tdy);
            Rejects("tb", () => Nn.DenseTangent(dx, w, ReadOnlySpan<double>.Empty, dy, n, i, o, dx, w, b, tdy), dy, tdy);
            Rejects("ty", () => Nn.DenseTangent(dx, w, b, dy, n, i, o, dx, w, b, tdy.AsSpan(1)), dy, tdy);

            Conv2DShape cs = ConvDirect;
            double[] cx = Filled(cs.InputLength, 1), cw = Filled(cs.WeightLength, 1), cy = Filled(cs.OutputLength, -7), cty = Filled(cs.OutputLength, -7);
            Rejects("tx", () => Nn.Conv2DTangent(cx, cw, ReadOnlySpan<double>.Empty, cy, cs, cx.AsSpan(1), cw, ReadOnlySpan<double>.Empty, cty), cy, cty);

            Pool2DShape ps = PoolOverlapping;
            double[] px = Filled(ps.InputLength, 1), py = Filled(ps.OutputLength, -7), pty = Filled(ps.OutputLength, -7);
            Rejects("ty", () => Nn.MaxPool2DTangent(px, py, ps, px, pty.AsSpan(1)), py, pty);

            double[] bx = Filled(4 * 3, 1), g = Filled(3, 1), by = Filled(4 * 3, -7), bty = Filled(4 * 3, -7);
            Rejects("tgamma", () => Nn.BatchNormTangent(bx, g, g, by, 4, 3, 1e-5, bx, g.AsSpan(1), g, bty), by, bty);
            Rejects("th", () => Nn.MeanSubtractTangent(bx, by, 4, 3, bx, bx), by, bx);

            Rejects("ttarget", () => Nn.MseLossTangent(x, x, tx, tx.AsSpan(1)));
            Rejects("tlogits", () => Nn.SoftmaxCrossEntropyTangent(x, new[] { 0, 1 }, 2, 3, tx.AsSpan(1)));
            Rejects("tx", () => Nn.SumOfSquaresTangent(x, tx.AsSpan(1)));
        }
    }
}
