using System;
using System.Numerics;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests
{
    /// <summary>
    /// Tolerances: each exp (TensorPrimitives' vector exp is within a few ulp; we allow 4u), a sum of C terms (γ_C ≈ C·u)
    /// and one division or log give a relative error below (C + 8)·u in a probability; the reference carries the same, so
    /// results may differ by twice it. Log-domain results get that as an absolute error plus u·|value| for the rounding
    /// of the value itself.
    /// </summary>
    public class SoftmaxTests
    {
        public static TheoryData<int, int> Shapes => new()
        {
            { 1, 1 }, { 7, 13 }, { 64, 1000 }, { 257, 129 }, { 3, 16 }, { 2, 17 }, { 5, 257 },
            { 256, 10 }, // B's classifier: short rows, one block of rows per Exp call
            { 600, 7 },  // short rows over two blocks (4096 / 7 = 585 rows per block)
            { 9, 31 }, { 4, 32 }, // either side of the short-row limit
            { 3, 5000 }, // rows longer than a block: one row per block
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void FloatMatchesNaive(int rows, int cols) => MatchesNaive<float>(rows, cols, scale: 4);

        [Theory]
        [MemberData(nameof(Shapes))]
        public void DoubleMatchesNaive(int rows, int cols) => MatchesNaive<double>(rows, cols, scale: 4);

        [Fact]
        public void AccumulatingAHugeCotangentKeepsWhatTheGradientHeld()
        {
            // dz += s·(p − onehot) with s = 2⁵⁰ and p₀ = 1 − ε: s·(p₀ − 1) is moderate, s·p₀ is not; adding s·p₀ and then −s
            // would round the 0.3 already in dz at the size of s (found by the random-program tester).
            double[] logits = { 20, 0 }, p = new double[2], dz = { 0.3, 0.3 };
            Softmax.Forward(logits, p, 1, 2);
            double s = Math.Pow(2, 50);
            Softmax.CrossEntropyBackward<double>(p, new[] { 0 }, dz, 1, 2, s);
            double expected = 0.3 + (s * (p[0] - 1));
            Assert.True(Math.Abs(dz[0] - expected) <= 1e-12 * Math.Abs(expected), $"dz[0] = {dz[0]}, expected {expected}");
        }

        [Fact]
        public void LargeLogitsDoNotOverflow()
        {
            float[] x = { 1000f, 1001f, 999f, -1000f };
            float[] y = new float[4];
            Softmax.Forward<float>(x, y, 1, 4);
            Assert.All(y, v => Assert.True(float.IsFinite(v)));
            Assert.Equal(1f, y[0] + y[1] + y[2] + y[3], 5);
            float[] lse = new float[1];
            Softmax.LogSumExp<float>(x, lse, 1, 4);
            Assert.Equal(1001f + MathF.Log(1 + MathF.Exp(-1) + MathF.Exp(-2)), lse[0], 3);
            Assert.Equal(lse[0] + 1000f, Softmax.CrossEntropyForward<float>(x, new[] { 3 }, 1, 4), 2);
        }

        [Fact]
        public void InPlaceForwardMatchesOutOfPlace()
        {
            float[] x = Random<float>(6 * 33, 5, 3), y = new float[6 * 33], z = (float[])x.Clone();
            Softmax.Forward<float>(x, y, 6, 33);
            Softmax.Forward<float>(z, z, 6, 33);
            Assert.Equal(y, z);
            Softmax.LogForward<float>(x, y, 6, 33);
            x.CopyTo(z, 0);
            Softmax.LogForward<float>(z, z, 6, 33);
            Assert.Equal(y, z);
        }

        private static void MatchesNaive<T>(int rows, int cols, double scale)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double u = UnitRoundoff<T>();
            int n = rows * cols;
            T[] x = Random<T>(n, rows * 31 + cols, scale);
            string shape = $"{typeof(T).Name} ({rows}, {cols})";

            T[] expected = new T[n], actual = new T[n];
            Softmax.ForwardNaive<T>(x, expected, rows, cols);
            Softmax.Forward<T>(x, actual, rows, cols);
            double[] bound = Array.ConvertAll(expected, e => (2 * (cols + 8) * u * Math.Abs(double.CreateChecked(e))) + double.Epsilon);
            AssertWithin<T>(expected, actual, bound, "softmax " + shape);
            T[] p = (T[])expected.Clone();

            Softmax.LogForwardNaive<T>(x, expected, rows, cols);
            Softmax.LogForward<T>(x, actual, rows, cols);
            bound = Array.ConvertAll(expected, e => 2 * u * (cols + 8 + Math.Abs(double.CreateChecked(e))));
            AssertWithin<T>(expected, actual, bound, "log-softmax " + shape);
            T[] logP = (T[])actual.Clone();

            T[] lseExpected = new T[rows], lse = new T[rows];
            Softmax.LogSumExpNaive<T>(x, lseExpected, rows, cols);
            Softmax.LogSumExp<T>(x, lse, rows, cols);
            bound = Array.ConvertAll(lseExpected, e => 2 * u * (cols + 8 + Math.Abs(double.CreateChecked(e))));
            AssertWithin<T>(lseExpected, lse, bound, "log-sum-exp " + shape);

            // Cross-entropy: mean over rows adds γ_rows of the summed terms.
            int[] labels = new int[rows];
            var rng = new Random(rows + cols);
            for (int i = 0; i < rows; i++)
            {
                labels[i] = rng.Next(cols);
            }

            T[] probabilities = new T[n];
            T loss = Softmax.CrossEntropyForward<T>(x, labels, rows, cols, probabilities);
            T lossExpected = Softmax.CrossEntropyNaive<T>(x, labels, rows, cols);
            double lossBound = 2 * u * (cols + rows + 8) * (1 + Math.Abs(double.CreateChecked(lossExpected)));
            AssertWithin<T>(new[] { lossExpected }, new[] { loss }, lossBound, "cross-entropy " + shape);
            Assert.Equal(loss, Softmax.CrossEntropyForward<T>(x, labels, rows, cols)); // probabilities are optional
            bound = Array.ConvertAll(p, e => (2 * (cols + 8) * u * Math.Abs(double.CreateChecked(e))) + double.Epsilon);
            AssertWithin<T>(p, probabilities, bound, "cross-entropy probabilities " + shape);

            // Backward: dz = dLoss·(p − onehot)/N, accumulated onto existing gradients.
            T dLoss = T.CreateChecked(0.75);
            T[] dz = Random<T>(n, 7), dzExpected = (T[])dz.Clone();
            for (int i = 0; i < n; i++)
            {
                T onehot = labels[i / cols] == i % cols ? T.One : T.Zero;
                dzExpected[i] += dLoss * (probabilities[i] - onehot) / T.CreateChecked(rows);
            }

            Softmax.CrossEntropyBackward<T>(probabilities, labels, dz, rows, cols, dLoss);
            AssertWithin<T>(dzExpected, dz, 8 * u, "cross-entropy backward " + shape); // a few roundings of values ≤ 2
            Softmax.CrossEntropyBackward<T>(probabilities, labels, dz, rows, cols, dLoss, accumulate: false);
            for (int i = 0; i < n; i++)
            {
                dzExpected[i] = dLoss * (probabilities[i] - (labels[i / cols] == i % cols ? T.One : T.Zero)) / T.CreateChecked(rows);
            }

            AssertWithin<T>(dzExpected, dz, 8 * u, "cross-entropy backward (overwrite) " + shape);

            // Softmax and log-softmax backward against their formulas, evaluated in double.
            T[] dy = Random<T>(n, 11), dx = Random<T>(n, 12), dxLog = (T[])dx.Clone();
            double[] dxExpected = new double[n], dxLogExpected = new double[n];
            for (int i = 0; i < rows; i++)
            {
                double dot = 0, sum = 0;
                for (int j = 0; j < cols; j++)
                {
                    dot += double.CreateChecked(dy[(i * cols) + j]) * double.CreateChecked(p[(i * cols) + j]);
                    sum += double.CreateChecked(dy[(i * cols) + j]);
                }

                for (int j = 0; j < cols; j++)
                {
                    int t = (i * cols) + j;
                    dxExpected[t] = double.CreateChecked(dx[t]) + (double.CreateChecked(p[t]) * (double.CreateChecked(dy[t]) - dot));
                    dxLogExpected[t] = double.CreateChecked(dx[t]) + double.CreateChecked(dy[t]) - (Math.Exp(double.CreateChecked(logP[t])) * sum);
                }
            }

            Softmax.Backward<T>(p, dy, dx, rows, cols);
            Softmax.LogBackward<T>(logP, dy, dxLog, rows, cols);
            AssertWithin<T>(Array.ConvertAll(dxExpected, T.CreateChecked), dx, 2 * u * (cols + 8) * 4, "softmax backward " + shape);
            AssertWithin<T>(Array.ConvertAll(dxLogExpected, T.CreateChecked), dxLog, 2 * u * (cols + 8) * 4, "log-softmax backward " + shape);
        }

        [Fact]
        public void RejectsBadArgumentsBeforeWriting()
        {
            float[] x = new float[6], y = new float[6], r = new float[2], p = new float[6];
            Array.Fill(y, 42f);
            Array.Fill(r, 42f);
            Array.Fill(p, 42f);
            AssertRejected<ArgumentOutOfRangeException>(() => Softmax.Forward<float>(x, y, 0, 3), "rows", y);
            AssertRejected<ArgumentOutOfRangeException>(() => Softmax.LogForward<float>(x, y, 2, -3), "cols", y);
            AssertRejected<ArgumentException>(() => Softmax.Forward<float>(new float[5], y, 2, 3), "x", y);
            AssertRejected<ArgumentException>(() => Softmax.LogForward<float>(x, new float[7], 2, 3), "y");
            AssertRejected<ArgumentException>(() => Softmax.ForwardNaive<float>(x, new float[7], 2, 3), "y");
            float[] shared = new float[7];
            Array.Fill(shared, 42f);
            AssertRejected<ArgumentException>(() => Softmax.Forward<float>(shared.AsSpan(0, 6), shared.AsSpan(1, 6), 2, 3), "y", shared);
            AssertRejected<ArgumentException>(() => Softmax.LogSumExp<float>(x, new float[3], 2, 3), "result");
            AssertRejected<ArgumentException>(() => Softmax.LogSumExp<float>(shared.AsSpan(0, 6), shared.AsSpan(5, 2), 2, 3), "result", shared);
            AssertRejected<ArgumentException>(() => Softmax.Backward<float>(x, new float[5], y, 2, 3), "dy", y);
            AssertRejected<ArgumentException>(() => Softmax.LogBackward<float>(x, x, x, 2, 3), "dx");

            AssertRejected<ArgumentOutOfRangeException>(() => Softmax.CrossEntropyForward<float>(x, new[] { 0, 3 }, 2, 3, p), "labels", p);
            AssertRejected<ArgumentOutOfRangeException>(() => Softmax.CrossEntropyForward<float>(x, new[] { -1, 0 }, 2, 3, p), "labels", p);
            AssertRejected<ArgumentException>(() => Softmax.CrossEntropyForward<float>(x, new[] { 0 }, 2, 3, p), "labels", p);
            AssertRejected<ArgumentOutOfRangeException>(() => Softmax.CrossEntropyForward<float>(x, new[] { 0, 1 }, 2, 0, p), "classes", p);
            AssertRejected<ArgumentException>(() => Softmax.CrossEntropyForward<float>(x, new[] { 0, 1 }, 2, 3, new float[5]), "probabilities");
            AssertRejected<ArgumentException>(() => Softmax.CrossEntropyBackward<float>(x, new[] { 0, 1 }, new float[5], 2, 3, 1f), "dLogits");
            AssertRejected<ArgumentException>(() => Softmax.CrossEntropyBackward<float>(shared.AsSpan(0, 6), new[] { 0, 1 }, shared.AsSpan(1, 6), 2, 3, 1f), "dLogits", shared);
            AssertRejected<ArgumentOutOfRangeException>(() => Softmax.CrossEntropyBackward<float>(x, new[] { 0, 9 }, p, 2, 3, 1f), "labels", p);
        }
    }
}
