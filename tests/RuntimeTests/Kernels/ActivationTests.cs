using System;
using System.Linq;
using System.Numerics;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests
{
    /// <summary>
    /// Lengths 0..257 so every Vector512/Vector256/scalar tail runs (TensorPrimitives' Helpers.cs does the same).
    /// Tolerance: TensorPrimitives' vector exp/tanh/sigmoid are within a few ulp of the scalar math the reference uses;
    /// we allow 8u·(|expected| + 1): a few ulp of the value plus a few ulp of the O(1) intermediates (1 − y, y + α) whose
    /// cancellation turns relative error into absolute error.
    /// </summary>
    public class ActivationTests
    {
        private const double Alpha = 0.1;

        public static TheoryData<ActivationKind> Kinds => new(Enum.GetValues<ActivationKind>());

        [Theory]
        [MemberData(nameof(Kinds))]
        public void FloatMatchesNaiveForEveryLength(ActivationKind kind) => MatchesNaive<float>(kind);

        [Theory]
        [MemberData(nameof(Kinds))]
        public void DoubleMatchesNaiveForEveryLength(ActivationKind kind) => MatchesNaive<double>(kind);

        private static void MatchesNaive<T>(ActivationKind kind)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            T alpha = T.CreateChecked(Alpha);
            double u = UnitRoundoff<T>();
            for (int length = 0; length <= 257; length++)
            {
                T[] x = Random<T>(length, length, scale: 4), dy = Random<T>(length, 1000 + length), dx0 = Random<T>(length, 2000 + length);
                if (length > 3)
                {
                    x[3] = T.Zero; // the kink: sub-gradient 0 for ReLU, α for leaky ReLU
                }

                T[] expected = new T[length], y = new T[length];
                Activations.ForwardNaive(kind, x, expected, alpha);
                Forward(kind, x, y, alpha);
                double[] bound = expected.Select(e => 8 * u * (Math.Abs(double.CreateChecked(e)) + 1)).ToArray();
                AssertWithin<T>(expected, y, bound, $"{kind} {typeof(T).Name} forward, length {length}");

                // In place gives the same result.
                T[] inPlace = (T[])x.Clone();
                Forward(kind, inPlace, inPlace, alpha);
                Assert.Equal(y, inPlace);

                foreach (bool accumulate in new[] { true, false })
                {
                    T[] dxExpected = (T[])dx0.Clone(), dx = (T[])dx0.Clone();
                    Activations.BackwardNaive(kind, x, expected, dy, dxExpected, alpha, accumulate);
                    Backward(kind, x, y, dy, dx, alpha, accumulate);
                    bound = dxExpected.Select(e => 8 * u * (Math.Abs(double.CreateChecked(e)) + 1)).ToArray();
                    AssertWithin<T>(dxExpected, dx, bound, $"{kind} {typeof(T).Name} backward accumulate={accumulate}, length {length}");
                }
            }
        }

        private static void Forward<T>(ActivationKind kind, T[] x, T[] y, T alpha)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (kind)
            {
                case ActivationKind.Sigmoid: Activations.Sigmoid<T>(x, y); break;
                case ActivationKind.Tanh: Activations.Tanh<T>(x, y); break;
                case ActivationKind.Relu: Activations.Relu<T>(x, y); break;
                case ActivationKind.LeakyRelu: Activations.LeakyRelu<T>(x, y, alpha); break;
                default: Activations.Elu<T>(x, y, alpha); break;
            }
        }

        private static void Backward<T>(ActivationKind kind, T[] x, T[] y, T[] dy, T[] dx, T alpha, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (kind)
            {
                case ActivationKind.Sigmoid: Activations.SigmoidBackward<T>(y, dy, dx, accumulate); break;
                case ActivationKind.Tanh: Activations.TanhBackward<T>(y, dy, dx, accumulate); break;
                case ActivationKind.Relu: Activations.ReluBackward<T>(x, dy, dx, accumulate); break;
                case ActivationKind.LeakyRelu: Activations.LeakyReluBackward<T>(x, dy, dx, alpha, accumulate); break;
                default: Activations.EluBackward<T>(y, dy, dx, alpha, accumulate); break;
            }
        }

        /// <summary>
        /// Double sigmoid and tanh clamp their argument first (the vector exp/tanh go scalar for huge |x|): results match
        /// the scalar reference, NaN stays NaN, and sigmoid's clamp at −708 may return σ(−708) ≈ 3.3e-308 for a smaller
        /// true value, the only difference the clamp makes.
        /// </summary>
        [Fact]
        public void DoubleSigmoidAndTanhMatchNaiveForHugeArguments()
        {
            double u = UnitRoundoff<double>();
            foreach (int length in new[] { 1, 7, 255, 256, 257, 700 })
            {
                double[] x = Random<double>(length, length, scale: 2000);
                double[] specials = { 0, -0.0, 19.1, -19.1, 36.9, 37, 40, 41, -707.9, -708, -708.1, -745, -800, 800, 1e300, -1e300, double.PositiveInfinity, double.NegativeInfinity, double.NaN };
                for (int i = 0; i < Math.Min(length, specials.Length); i++)
                {
                    x[i] = specials[i];
                }

                foreach (ActivationKind kind in new[] { ActivationKind.Sigmoid, ActivationKind.Tanh })
                {
                    double[] expected = new double[length], y = new double[length];
                    Activations.ForwardNaive(kind, x, expected, 0.0);
                    Forward(kind, x, y, 0.0);
                    double floor = kind == ActivationKind.Sigmoid ? 1 / (1 + Math.Exp(708)) : 0;
                    double[] bound = expected.Select(e => (8 * u * (Math.Abs(e) + 1)) + floor).ToArray();
                    AssertWithin<double>(expected, y, bound, $"{kind} double, huge arguments, length {length}");
                    Assert.Equal(double.IsNaN(x[0]), double.IsNaN(y[0]));
                    if (length > 18)
                    {
                        Assert.True(double.IsNaN(y[18]), $"{kind}(NaN) must be NaN");
                    }

                    // In place is as accurate, but not bit-identical to another buffer: TensorPrimitives groups elements into
                    // vectors by the destination's alignment, and a vector holding a huge argument takes the scalar path.
                    double[] inPlace = (double[])x.Clone();
                    Forward(kind, inPlace, inPlace, 0.0);
                    AssertWithin<double>(expected, inPlace, bound, $"{kind} double in place, huge arguments, length {length}");
                    Assert.Equal(y.Select(double.IsNaN), inPlace.Select(double.IsNaN));
                }
            }
        }

        [Fact]
        public void AxpyAndScaleMatchNaive()
        {
            for (int length = 0; length <= 257; length++)
            {
                float[] x = Random<float>(length, length), y = Random<float>(length, length + 500), expected = (float[])y.Clone();
                VectorOps.AxpyNaive(0.3f, x, expected);
                VectorOps.Axpy(0.3f, x, y);
                AssertWithin<float>(expected, y, 8 * UnitRoundoff<float>(), $"axpy length {length}"); // fused vs mul-then-add: ≤ 2 roundings of values ≤ 1.3 apart
                float[] scaled = new float[length];
                VectorOps.Scale(-2f, x, scaled);
                VectorOps.Scale(-2f, x);
                Assert.Equal(scaled, x);
            }
        }

        [Fact]
        public void RejectsBadArgumentsBeforeWriting()
        {
            float[] x = new float[8], y = new float[8], dx = new float[8], shared = new float[12];
            Array.Fill(y, 42f);
            Array.Fill(dx, 42f);
            Array.Fill(shared, 42f);
            AssertRejected<ArgumentException>(() => Activations.Sigmoid<float>(x, new float[7]), "y");
            AssertRejected<ArgumentException>(() => Activations.Tanh<float>(shared.AsSpan(0, 8), shared.AsSpan(2, 8)), "y", shared);
            AssertRejected<ArgumentException>(() => Activations.Relu<float>(x, new float[9]), "y");
            AssertRejected<ArgumentException>(() => Activations.LeakyRelu<float>(shared.AsSpan(4, 8), shared.AsSpan(0, 8), 0.1f), "y", shared);
            AssertRejected<ArgumentException>(() => Activations.Elu<float>(x, new float[7], 1f), "y");
            AssertRejected<ArgumentException>(() => Activations.SigmoidBackward<float>(x, new float[7], dx), "dy", dx);
            AssertRejected<ArgumentException>(() => Activations.TanhBackward<float>(x, y, new float[7]), "dx");
            AssertRejected<ArgumentException>(() => Activations.ReluBackward<float>(shared.AsSpan(0, 8), y, shared.AsSpan(1, 8)), "dx", shared);
            AssertRejected<ArgumentException>(() => Activations.LeakyReluBackward<float>(x, shared.AsSpan(0, 8), shared.AsSpan(3, 8), 0.1f), "dx", shared);
            AssertRejected<ArgumentOutOfRangeException>(() => Activations.EluBackward<float>(x, y, dx, 0f), "alpha", dx);
            AssertRejected<ArgumentException>(() => Activations.BackwardNaive<float>(ActivationKind.Tanh, x, new float[7], y, dx, 0f), "y", dx);
            AssertRejected<ArgumentException>(() => VectorOps.Axpy(1f, x, new float[7]), "y");
            AssertRejected<ArgumentException>(() => VectorOps.Axpy(1f, shared.AsSpan(0, 8), shared.AsSpan(4, 8)), "y", shared);
            AssertRejected<ArgumentException>(() => VectorOps.Scale(1f, x, new float[9]), "destination");
        }
    }
}
