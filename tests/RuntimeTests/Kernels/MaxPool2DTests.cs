using System;
using System.Numerics;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests
{
    public class MaxPool2DTests
    {
        public static TheoryData<int, int, int, int, int, int, int, int> Shapes => new()
        {
            // N, C, H, W, PH, PW, stride, padding
            { 1, 1, 1, 1, 1, 1, 1, 0 },
            { 2, 3, 8, 8, 2, 2, 2, 0 },
            { 2, 2, 7, 9, 3, 3, 2, 1 },
            { 1, 16, 28, 28, 2, 2, 2, 0 },
            { 3, 1, 5, 13, 3, 2, 1, 1 }, // overlapping windows: one input can win several
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void FloatMatchesNaive(int n, int c, int h, int w, int ph, int pw, int stride, int padding)
            => MatchesNaive<float>(new Pool2DShape(n, c, h, w, ph, pw, stride, padding));

        [Theory]
        [MemberData(nameof(Shapes))]
        public void DoubleMatchesNaive(int n, int c, int h, int w, int ph, int pw, int stride, int padding)
            => MatchesNaive<double>(new Pool2DShape(n, c, h, w, ph, pw, stride, padding));

        /// <summary>Max is exact, so forward must match bit for bit; the backward is a sum of at most PH·PW routed gradients (within γ).</summary>
        private static void MatchesNaive<T>(Pool2DShape s)
            where T : IFloatingPointIeee754<T>
        {
            T[] x = Random<T>(s.InputLength, 1), expected = new T[s.OutputLength], y = new T[s.OutputLength];
            int[] indices = new int[s.OutputLength];
            MaxPool2D.ForwardNaive<T>(x, expected, s);
            MaxPool2D.Forward<T>(x, y, indices, s);
            Assert.Equal(expected, y);
            for (int t = 0; t < y.Length; t++)
            {
                Assert.Equal(y[t], x[indices[t]]);
            }

            // Backward reference: route each gradient to the first maximum of its window, found by rescanning.
            T[] dy = Random<T>(s.OutputLength, 2), dx0 = Random<T>(s.InputLength, 3);
            T[] dxExpected = (T[])dx0.Clone(), dx = (T[])dx0.Clone();
            int plane = s.OutHeight * s.OutWidth;
            for (int t = 0; t < dy.Length; t++)
            {
                int p = t / plane, i = t % plane / s.OutWidth, j = t % s.OutWidth, best = -1;
                for (int u = 0; u < s.PoolHeight; u++)
                {
                    for (int v = 0; v < s.PoolWidth; v++)
                    {
                        int h = (i * s.Stride) - s.Padding + u, q = (j * s.Stride) - s.Padding + v;
                        int index = (((p * s.Height) + h) * s.Width) + q;
                        if ((uint)h < (uint)s.Height && (uint)q < (uint)s.Width && (best < 0 || x[index] > x[best]))
                        {
                            best = index;
                        }
                    }
                }

                dxExpected[best] += dy[t];
            }

            MaxPool2D.Backward<T>(dy, indices, dx, s);
            double bound = 2 * UnitRoundoff<T>() * ((s.PoolHeight * s.PoolWidth) + 1) * (s.PoolHeight * s.PoolWidth + 1);
            AssertWithin<T>(dxExpected, dx, bound, $"backward {typeof(T).Name} {s}");

            MaxPool2D.Backward<T>(dy, indices, dx, s, accumulate: false);
            T[] routed = new T[s.InputLength];
            for (int t = 0; t < dy.Length; t++)
            {
                routed[indices[t]] += dy[t];
            }

            Assert.Equal(routed, dx);
        }

        [Fact]
        public void ShapeComputesOutputSizeAndRejectsBadGeometry()
        {
            var s = new Pool2DShape(2, 3, 7, 9, 3, 3, 2, 1);
            Assert.Equal((4, 5), (s.OutHeight, s.OutWidth)); // (7 + 2 − 3) / 2 + 1, (9 + 2 − 3) / 2 + 1
            Assert.Equal("poolHeight", Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 1, 4, 4, 0, 2, 2)).ParamName);
            Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 1, 4, 4, 2, 2, 0)).ParamName);
            Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 1, 4, 4, 2, 2, 2, 2)).ParamName);
            Assert.Equal("poolWidth", Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 1, 4, 4, 2, 5, 2)).ParamName);
        }

        [Fact]
        public void RejectsBadArgumentsBeforeWriting()
        {
            var s = new Pool2DShape(1, 2, 4, 4, 2, 2, 2); // x 32, y 8
            float[] x = new float[32], y = new float[8], dx = new float[32];
            int[] indices = new int[8];
            Array.Fill(y, 42f);
            Array.Fill(dx, 42f);
            AssertRejected<ArgumentException>(() => MaxPool2D.Forward<float>(x, y, indices, default), "shape", y);
            AssertRejected<ArgumentException>(() => MaxPool2D.Forward<float>(new float[31], y, indices, s), "x", y);
            AssertRejected<ArgumentException>(() => MaxPool2D.Forward<float>(x, new float[9], indices, s), "y");
            AssertRejected<ArgumentException>(() => MaxPool2D.Forward<float>(x, y, new int[7], s), "indices", y);
            AssertRejected<ArgumentException>(() => MaxPool2D.Forward<float>(x, x.AsSpan(24, 8), indices, s), "y", x);
            AssertRejected<ArgumentException>(() => MaxPool2D.ForwardNaive<float>(x, new float[7], s), "y");
            AssertRejected<ArgumentException>(() => MaxPool2D.Backward<float>(new float[7], indices, dx, s), "dy", dx);
            AssertRejected<ArgumentException>(() => MaxPool2D.Backward<float>(y, indices, new float[33], s), "dx");
            AssertRejected<ArgumentOutOfRangeException>(() => MaxPool2D.Backward<float>(y, new[] { 0, 1, 2, 3, 4, 5, 6, 32 }, dx, s), "indices", dx);
            AssertRejected<ArgumentOutOfRangeException>(() => MaxPool2D.Backward<float>(y, new[] { -1, 1, 2, 3, 4, 5, 6, 7 }, dx, s, accumulate: false), "indices", dx);
            AssertRejected<ArgumentException>(() => MaxPool2D.Backward<float>(dx.AsSpan(0, 8), indices, dx, s), "dx", dx);
        }
    }
}
