using System;
using System.Numerics;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests
{
    /// <summary>
    /// Tolerance: every output of the three kernels is a sum of products (at most C·KH·KW + 1 terms forward,
    /// F·KH·KW backward to the input, N·OH·OW backward to the weights, plus the value accumulated onto), so by Higham
    /// Thm 3.5 each result is within γ_terms·(the same sum over absolute values) of exact; the naive kernel run on
    /// |x|, |w|, |b|, |dy| computes that sum, and fast and naive may differ by twice the bound.
    /// </summary>
    public class Conv2DTests
    {
        public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes => new()
        {
            // N, C, H, W, F, KH, KW, stride, padding
            { 1, 1, 1, 1, 1, 1, 1, 1, 0 },
            { 2, 3, 7, 9, 4, 3, 3, 1, 1 },
            { 2, 2, 13, 11, 3, 5, 3, 2, 2 },
            { 1, 3, 32, 32, 16, 5, 5, 1, 0 }, // one image of the conv workload (C)
            { 3, 1, 8, 8, 2, 8, 8, 3, 0 },    // kernel covers the whole input
            { 1, 2, 5, 6, 3, 2, 4, 3, 3 },    // padding wider than parts of the kernel: some rows are all padding
            { 3, 8, 96, 96, 4, 3, 3, 1, 1 },  // im2col of one image (663 552) > half the group budget: one image per group
            { 5, 3, 32, 32, 16, 5, 5, 1, 0 }, // odd batch above the two-thread threshold: the direct kernel splits 2 + 3 images
            { 4, 5, 14, 14, 7, 3, 3, 1, 1 },  // rows narrower than a vector; filters and channels not multiples of the 4-row tile
            { 2, 2, 9, 17, 6, 5, 2, 1, 2 },   // padding 2 with a 5 × 2 kernel; wide rows not a multiple of a vector
            { 3, 1, 28, 28, 32, 3, 3, 1, 1 }, // the first Fashion-MNIST layer
            { 2, 32, 14, 14, 9, 3, 3, 1, 1 }, // the second, with fewer filters (Winograd: 3×3, padding 1, ≥ 8 channels and filters)
            { 17, 9, 7, 9, 10, 3, 3, 1, 1 },  // Winograd: odd output sides (partial 2×2 tiles), a partial second group of images
            { 1, 12, 1, 1, 8, 3, 3, 1, 1 },   // Winograd: a 1×1 image, one image in a group of 16 lanes
            { 33, 8, 13, 3, 11, 3, 3, 1, 1 }, // Winograd: three groups, a block of tiles shorter than 8
            { 2, 2, 10, 37, 3, 3, 3, 1, 0 },  // 3×3 without padding: dy read in place, rows of 35 (two vectors and a partial one)
            { 2, 3, 6, 20, 5, 3, 3, 1, 2 },   // 3×3 with padding 2: output rows wider than the input's
            { 2, 6, 9, 10, 5, 3, 3, 1, 0 },   // input gradient in 3-channel tiles (6 channels: no rows of zeros)
            { 2, 2, 10, 30, 3, 3, 3, 1, 1 },  // 2-channel tiles: 20 vectors per channel, 8-vector tiles then single vectors
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void FloatMatchesNaive(int n, int c, int h, int w, int f, int kh, int kw, int stride, int padding)
            => EveryPathMatchesNaive<float>(new Conv2DShape(n, c, h, w, f, kh, kw, stride, padding));

        [Theory]
        [MemberData(nameof(Shapes))]
        public void DoubleMatchesNaive(int n, int c, int h, int w, int f, int kh, int kw, int stride, int padding)
            => EveryPathMatchesNaive<double>(new Conv2DShape(n, c, h, w, f, kh, kw, stride, padding));

        [Fact]
        public void DirectBackwardInChunksMatchesNaive()
        {
            // A tiny chunk budget: every image is its own chunk, and each chunk's partial sums are added separately.
            Conv2DDirect.t_chunkBudget = 1;
            try
            {
                MatchesNaive<float>(new Conv2DShape(3, 2, 9, 11, 5, 3, 3, 1, 1));
                MatchesNaive<double>(new Conv2DShape(3, 2, 9, 11, 5, 3, 3, 1, 1));
            }
            finally
            {
                Conv2DDirect.t_chunkBudget = 0;
            }
        }

        [Fact]
        public void WinogradInChunksMatchesNaive()
        {
            // A tiny chunk budget: every group of images is padded and multiplied as its own chunk.
            Conv2DWinograd.t_chunkBudget = 1;
            try
            {
                // Winograd runs on 512-bit vectors only: elsewhere (an AVX2 host) the shape goes to the direct kernel, which
                // must match all the same.
                Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, Conv2DWinograd.Supports(new Conv2DShape(40, 8, 6, 5, 9, 3, 3, 1, 1)));
                MatchesNaive<float>(new Conv2DShape(40, 8, 6, 5, 9, 3, 3, 1, 1));
                MatchesNaive<double>(new Conv2DShape(20, 9, 5, 6, 8, 3, 3, 1, 1));
            }
            finally
            {
                Conv2DWinograd.t_chunkBudget = 0;
            }
        }

        /// <summary>
        /// The path the shape selects (Winograd for 3×3 padding 1 with ≥ 8 channels and filters, else direct for stride 1 on
        /// this machine), the direct kernel with Winograd turned off, and im2col + GEMM forced.
        /// </summary>
        private static void EveryPathMatchesNaive<T>(Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            MatchesNaive<T>(s);
            if (Conv2DWinograd.Supports(s))
            {
                Conv2DWinograd.t_disable = true;
                try
                {
                    MatchesNaive<T>(s);
                }
                finally
                {
                    Conv2DWinograd.t_disable = false;
                }
            }

            Conv2D.t_forceIm2Col = true;
            try
            {
                MatchesNaive<T>(s);
            }
            finally
            {
                Conv2D.t_forceIm2Col = false;
            }
        }

        [Fact]
        public void ShapeComputesOutputSize()
        {
            var s = new Conv2DShape(32, 3, 32, 32, 16, 5, 5);
            Assert.Equal((28, 28, 32 * 16 * 28 * 28), (s.OutHeight, s.OutWidth, s.OutputLength));
            s = new Conv2DShape(1, 1, 7, 8, 1, 3, 3, stride: 2, padding: 1);
            Assert.Equal((4, 4), (s.OutHeight, s.OutWidth)); // (7 + 2 − 3) / 2 + 1, (8 + 2 − 3) / 2 + 1
            Assert.Contains("OutHeight = 0", default(Conv2DShape).ToString());
        }

        private static void MatchesNaive<T>(Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            T[] x = Random<T>(s.InputLength, 1), w = Random<T>(s.WeightLength, 2), b = Random<T>(s.Filters, 3), dy = Random<T>(s.OutputLength, 4);
            double gamma = 2 * UnitRoundoff<T>();
            string label = $"{typeof(T).Name} {s}";

            T[] expected = new T[s.OutputLength], actual = new T[s.OutputLength];
            Conv2D.ForwardNaive<T>(x, w, b, expected, s);
            Forward(x, w, b, actual, s);
            double[] bound = new double[s.OutputLength];
            Conv2D.ForwardNaive<double>(Abs(x), Abs(w), Abs(b), bound, s);
            bound = Scale(bound, gamma * ((s.Channels * s.KernelHeight * s.KernelWidth) + 1));
            bool winograd = Conv2DWinograd.Supports(s) && !Conv2D.t_forceIm2Col;
            if (winograd)
            {
                Add(bound, WinogradBound(Abs(x), Abs(w), s.Batch, s.Channels, s.Filters, s.OutHeight * s.OutWidth, gamma, filterMajor: true));
            }

            AssertWithin<T>(expected, actual, bound, "forward " + label);

            Conv2D.ForwardNaive<T>(x, w, ReadOnlySpan<T>.Empty, expected, s);
            Forward(x, w, Array.Empty<T>(), actual, s);
            AssertWithin<T>(expected, actual, bound, "forward without bias " + label);

            // Backward to the input, accumulated onto a non-zero dx and overwritten.
            foreach (bool accumulate in new[] { true, false })
            {
                T[] dx0 = Random<T>(s.InputLength, 5), dxExpected = (T[])dx0.Clone(), dx = (T[])dx0.Clone();
                Conv2D.BackwardInputNaive<T>(w, dy, dxExpected, s, accumulate);
                BackwardInput(w, dy, dx, s, accumulate);
                double[] dxBound = accumulate ? Abs(dx0) : new double[s.InputLength];
                Conv2D.BackwardInputNaive<double>(Abs(w), Abs(dy), dxBound, s);
                dxBound = Scale(dxBound, gamma * ((s.Filters * s.KernelHeight * s.KernelWidth) + 1));
                if (winograd)
                {
                    Add(dxBound, WinogradBound(Abs(dy), Abs(w), s.Batch, s.Filters, s.Channels, s.Height * s.Width, gamma, filterMajor: false));
                }

                AssertWithin<T>(dxExpected, dx, dxBound, $"backward input accumulate={accumulate} {label}");

                T[] dw0 = Random<T>(s.WeightLength, 6), db0 = Random<T>(s.Filters, 7);
                T[] dwExpected = (T[])dw0.Clone(), dbExpected = (T[])db0.Clone(), dw = (T[])dw0.Clone(), db = (T[])db0.Clone();
                Conv2D.BackwardWeightsNaive<T>(x, dy, dwExpected, dbExpected, s, accumulate);
                BackwardWeights(x, dy, dw, db, s, accumulate);
                double[] dwBound = accumulate ? Abs(dw0) : new double[s.WeightLength], dbBound = accumulate ? Abs(db0) : new double[s.Filters];
                Conv2D.BackwardWeightsNaive<double>(Abs(x), Abs(dy), dwBound, dbBound, s);
                double terms = (s.Batch * s.OutHeight * s.OutWidth) + 1;
                dwBound = Scale(dwBound, gamma * terms);
                if (winograd)
                {
                    // Entries of A·dY·Aᵀ are at most 4·max|dy|, of Bᵀ·d·B at most 4·max|x|, each dU sums one product per image and
                    // tile, and Gᵀ·dU·G adds at most 4 × 4 entries with weights ≤ 1.
                    double products = s.Batch * ((s.OutHeight + 1) / 2) * ((s.OutWidth + 1) / 2);
                    double extra = gamma * (products + 8) * 16 * 16 * products * Max(Abs(x)) * Max(Abs(dy));
                    for (int i = 0; i < dwBound.Length; i++) dwBound[i] += extra;
                }

                AssertWithin<T>(dwExpected, dw, dwBound, $"backward weights accumulate={accumulate} {label}");
                AssertWithin<T>(dbExpected, db, Scale(dbBound, gamma * terms), $"backward bias accumulate={accumulate} {label}");
            }
        }

        private static void Forward<T>(T[] x, T[] w, T[] b, T[] y, in Conv2DShape s)
        {
            if (typeof(T) == typeof(float))
            {
                Conv2D.Forward((float[])(object)x, (float[])(object)w, (float[])(object)b, (float[])(object)y, s);
            }
            else
            {
                Conv2D.Forward((double[])(object)x, (double[])(object)w, (double[])(object)b, (double[])(object)y, s);
            }
        }

        private static void BackwardInput<T>(T[] w, T[] dy, T[] dx, in Conv2DShape s, bool accumulate)
        {
            if (typeof(T) == typeof(float))
            {
                Conv2D.BackwardInput((float[])(object)w, (float[])(object)dy, (float[])(object)dx, s, accumulate);
            }
            else
            {
                Conv2D.BackwardInput((double[])(object)w, (double[])(object)dy, (double[])(object)dx, s, accumulate);
            }
        }

        private static void BackwardWeights<T>(T[] x, T[] dy, T[] dw, T[] db, in Conv2DShape s, bool accumulate)
        {
            if (typeof(T) == typeof(float))
            {
                Conv2D.BackwardWeights((float[])(object)x, (float[])(object)dy, (float[])(object)dw, (float[])(object)db, s, accumulate);
            }
            else
            {
                Conv2D.BackwardWeights((double[])(object)x, (double[])(object)dy, (double[])(object)dw, (double[])(object)db, s, accumulate);
            }
        }

        private static double[] Abs<T>(T[] values)
            where T : INumberBase<T>
            => Array.ConvertAll(values, v => Math.Abs(double.CreateChecked(v)));

        /// <summary>
        /// Rounding of F(2×2, 3×3) for 3×3 filters: every entry of G·g·Gᵀ is at most Σ|g| (G's entries are 1 or ½), every entry
        /// of Bᵀ·d·B at most 4·max|d|, and each output adds 3 × 3 of the products summed over the input channels, so an output
        /// of filter f (input channel f for the input gradient, read from the flipped filters) is within
        /// γ_(channels + 8) · 36 · max|d| · Σ_(channel, u, v) |g| of exact. Added to the direct sum's bound.
        /// </summary>
        private static double[] WinogradBound(double[] inputs, double[] absW, int batch, int channels, int filters, int outPlane, double gamma, bool filterMajor)
        {
            double max = Max(inputs);
            double[] bound = new double[batch * filters * outPlane];
            for (int f = 0; f < filters; f++)
            {
                double sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    int fw = filterMajor ? f : c, cw = filterMajor ? c : f, cs = filterMajor ? channels : filters;
                    for (int t = 0; t < 9; t++) sum += absW[(((fw * cs) + cw) * 9) + t];
                }

                for (int n = 0; n < batch; n++)
                {
                    Array.Fill(bound, gamma * (channels + 8) * 36 * max * sum, ((n * filters) + f) * outPlane, outPlane);
                }
            }

            return bound;
        }

        private static double Max(double[] values)
        {
            double max = 0;
            foreach (double v in values) max = Math.Max(max, v);
            return max;
        }

        private static void Add(double[] bound, double[] extra)
        {
            for (int i = 0; i < bound.Length; i++) bound[i] += extra[i];
        }

        private static double[] Scale(double[] values, double factor) => Array.ConvertAll(values, v => (v * factor) + double.Epsilon);

        [Fact]
        public void ShapeRejectsBadGeometry()
        {
            Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(0, 1, 1, 1, 1, 1, 1)).ParamName);
            Assert.Equal("channels", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, -1, 1, 1, 1, 1, 1)).ParamName);
            Assert.Equal("filters", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, 1, 1, 1, 0, 1, 1)).ParamName);
            Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, 1, 4, 4, 1, 1, 1, stride: 0)).ParamName);
            Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, 1, 4, 4, 1, 1, 1, padding: -1)).ParamName);
            Assert.Equal("kernelHeight", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, 1, 4, 4, 1, 7, 1, padding: 1)).ParamName);
            Assert.Equal("kernelWidth", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, 1, 4, 4, 1, 1, 5)).ParamName);
        }

        [Fact]
        public void KernelsRejectBadArgumentsBeforeWriting()
        {
            var s = new Conv2DShape(1, 2, 4, 4, 3, 3, 3); // x 32, w 54, y 3·2·2 = 12
            float[] x = new float[32], w = new float[54], b = new float[3], y = new float[12], dx = new float[32], dw = new float[54], db = new float[3];
            foreach (float[] a in new[] { y, dx, dw, db })
            {
                Array.Fill(a, 42f);
            }

            AssertRejected<ArgumentException>(() => Conv2D.Forward(x, w, b, y, default), "shape", y);
            AssertRejected<ArgumentException>(() => Conv2D.Forward(new float[31], w, b, y, s), "x", y);
            AssertRejected<ArgumentException>(() => Conv2D.Forward(x, new float[53], b, y, s), "w", y);
            AssertRejected<ArgumentException>(() => Conv2D.Forward(x, w, new float[2], y, s), "b", y);
            AssertRejected<ArgumentException>(() => Conv2D.Forward(x, w, b, new float[13], s), "y");
            AssertRejected<ArgumentException>(() => Conv2D.ForwardNaive<float>(x, w, b, new float[13], s), "y");
            float[] shared = new float[40];
            Array.Fill(shared, 42f);
            AssertRejected<ArgumentException>(() => Conv2D.Forward(shared.AsSpan(0, 32), w, b, shared.AsSpan(28, 12), s), "y", shared);

            AssertRejected<ArgumentException>(() => Conv2D.BackwardInput(w, new float[11], dx, s), "dy", dx);
            AssertRejected<ArgumentException>(() => Conv2D.BackwardInput(w, y, new float[33], s), "dx");
            AssertRejected<ArgumentException>(() => Conv2D.BackwardInput(w, shared.AsSpan(0, 12), shared.AsSpan(8, 32), s), "dx", shared);
            AssertRejected<ArgumentException>(() => Conv2D.BackwardInputNaive<float>(w, new float[11], dx, s), "dy", dx);

            AssertRejected<ArgumentException>(() => Conv2D.BackwardWeights(x, y, new float[53], db, s), "dw", db);
            AssertRejected<ArgumentException>(() => Conv2D.BackwardWeights(x, y, dw, new float[4], s), "db", dw);
            AssertRejected<ArgumentException>(() => Conv2D.BackwardWeights(shared.AsSpan(0, 32), y, dw, shared.AsSpan(30, 3), s), "db", dw, shared);
            AssertRejected<ArgumentException>(() => Conv2D.BackwardWeights(x, y, dw, dw.AsSpan(0, 3), s), "db", dw);
            AssertRejected<ArgumentException>(() => Conv2D.BackwardWeightsNaive<float>(x, y, dw, db, default), "shape", dw, db);
        }
    }
}
