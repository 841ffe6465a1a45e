using System;
using System.Numerics;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>
    /// <c>Nn.ReluMaxPool2D</c> is <c>MaxPool2D(Relu(x))</c> in one pass: its forward must equal the two calls bit for bit
    /// (ties, zeros, negative windows, NaNs), its backward the two backwards chained, on the vectorised 2 × 2 path (narrow,
    /// wide and two-core planes) and on the window scan; plus a gradient check and the assigning variant.
    /// </summary>
    public class ReluMaxPoolTests
    {
        public static TheoryData<int, int, int, int, int, int, int> Shapes => new()
        {
            // N, C, H, W, window height, width, stride
            { 1, 1, 2, 2, 2, 2, 2 },      // one window
            { 2, 3, 28, 28, 2, 2, 2 },    // the first Fashion-MNIST pooling's rows
            { 1, 2, 7, 9, 2, 2, 2 },      // odd sides: the last row and column belong to no window
            { 8, 32, 28, 28, 2, 2, 2 },   // planes shared between both cores
            { 4, 8, 41, 70, 2, 2, 2 },    // wide rows (masked read-modify-writes)
            { 2, 2, 7, 7, 3, 3, 2 },      // overlapping windows: the scalar window scan
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void FloatEqualsReluThenMaxPool(int n, int c, int h, int w, int ph, int pw, int stride)
            => EqualsReluThenMaxPool<float>(new Pool2DShape(n, c, h, w, ph, pw, stride));

        [Theory]
        [MemberData(nameof(Shapes))]
        public void DoubleEqualsReluThenMaxPool(int n, int c, int h, int w, int ph, int pw, int stride)
            => EqualsReluThenMaxPool<double>(new Pool2DShape(n, c, h, w, ph, pw, stride));

        [Theory]
        [InlineData(2, 3, 6, 6, 2, 2, 2, 1)]
        [InlineData(2, 2, 7, 5, 3, 3, 2, 2)]
        public void GradientChecks(int n, int c, int h, int w, int ph, int pw, int stride, int seed)
        {
            var s = new Pool2DShape(n, c, h, w, ph, pw, stride);
            var rng = new Random(seed);
            double[] x = Random(rng, s.InputLength, -2, 0.5), y = new double[s.OutputLength], dy = Random(rng, y.Length), dx = new double[x.Length];
            Nn.ReluMaxPool2D(x, y, s);
            Nn.ReluMaxPool2DBackward(x, y, s, dy, dx);
            Assert.Contains(y, v => v == 0); // some windows are all negative: the ReLU's side is exercised
            Verify(() => { Nn.ReluMaxPool2D(x, y, s); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        [Theory]
        [InlineData(2, 3, 8, 6, 2, 2, 2)]    // narrow rows: assigns in place
        [InlineData(1, 2, 6, 40, 2, 2, 2)]   // wide rows: cleared, then routed
        [InlineData(2, 2, 7, 7, 3, 3, 2)]    // window scan
        public void AssigningEqualsAccumulatingIntoZeros(int n, int c, int h, int w, int ph, int pw, int stride)
        {
            var s = new Pool2DShape(n, c, h, w, ph, pw, stride);
            var rng = new Random(3);
            double[] x = Random(rng, s.InputLength), y = new double[s.OutputLength], dy = Random(rng, s.OutputLength);
            Nn.ReluMaxPool2D(x, y, s);
            double[] expected = new double[x.Length], actual = new double[x.Length];
            Array.Fill(actual, double.NaN); // an assigning backward writes every element
            Nn.ReluMaxPool2DBackward(x, y, s, dy, expected);
            Nn.ReluMaxPool2DBackwardAssign(x, y, s, dy, actual);
            Assert.Equal(expected, actual);
        }

        [Fact]
        public void ValidatesBeforeWriting()
        {
            var s = new Pool2DShape(1, 1, 4, 4, 2, 2, 2);
            float[] x = new float[16], shortY = { 7, 7, 7 };
            var error = Assert.Throws<ArgumentException>(() => Nn.ReluMaxPool2D(x, shortY, s));
            Assert.Equal("y", error.ParamName);
            Assert.All(shortY, v => Assert.Equal(7, v));

            float[] y = new float[4], dy = new float[4], shortDx = { 7, 7 };
            var gradient = Assert.Throws<ArgumentException>(() => Nn.ReluMaxPool2DBackward(x, y, s, dy, shortDx));
            Assert.Equal("dx", gradient.ParamName);
            Assert.All(shortDx, v => Assert.Equal(7, v));
        }

        private static void EqualsReluThenMaxPool<T>(Pool2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var rng = new Random(s.InputLength);

            // Few distinct values around zero, so windows hold ties, zeros and only negatives, plus NaNs anywhere.
            T[] x = new T[s.InputLength];
            for (int i = 0; i < x.Length; i++)
            {
                int r = rng.Next(16);
                x[i] = r == 0 ? T.NaN : T.CreateTruncating((r % 5) - 3);
            }

            T[] dy = new T[s.OutputLength], dx0 = new T[s.InputLength];
            for (int i = 0; i < dy.Length; i++)
            {
                dy[i] = T.CreateTruncating(rng.NextDouble() - 0.5);
            }

            for (int i = 0; i < dx0.Length; i++)
            {
                dx0[i] = T.CreateTruncating(rng.NextDouble());
            }

            T[] relu = new T[x.Length], expected = new T[s.OutputLength], fused = new T[s.OutputLength];
            T[] pooledGradient = new T[x.Length], expectedDx = (T[])dx0.Clone(), fusedDx = (T[])dx0.Clone();
            if (typeof(T) == typeof(float))
            {
                Composition((float[])(object)x, (float[])(object)relu, (float[])(object)expected, (float[])(object)dy, (float[])(object)pooledGradient, (float[])(object)expectedDx, s);
                Nn.ReluMaxPool2D((float[])(object)x, (float[])(object)fused, s);
                Nn.ReluMaxPool2DBackward((float[])(object)x, (float[])(object)fused, s, (float[])(object)dy, (float[])(object)fusedDx);
            }
            else
            {
                Composition((double[])(object)x, (double[])(object)relu, (double[])(object)expected, (double[])(object)dy, (double[])(object)pooledGradient, (double[])(object)expectedDx, s);
                Nn.ReluMaxPool2D((double[])(object)x, (double[])(object)fused, s);
                Nn.ReluMaxPool2DBackward((double[])(object)x, (double[])(object)fused, s, (double[])(object)dy, (double[])(object)fusedDx);
            }

            AssertBitwiseEqual(expected, fused, "forward: MaxPool2D(Relu(x)) vs fused");

            // The chain adds x > 0 ? dh : 0·dh, the fused backward adds dy or −0: equal values (a zero's sign may differ).
            // Where overlapping windows share an arg-max, the chain sums their dy before adding to dx, the fused backward
            // adds them one by one: one rounding apart.
            T tolerance = s.Stride < s.PoolHeight ? T.CreateTruncating(typeof(T) == typeof(float) ? 1e-6 : 1e-14) : T.Zero;
            for (int i = 0; i < expectedDx.Length; i++)
            {
                Assert.True(T.Abs(expectedDx[i] - fusedDx[i]) <= tolerance * (T.One + T.Abs(expectedDx[i])), $"backward [{i}]: chained {expectedDx[i]}, fused {fusedDx[i]}");
            }
        }

        private static void Composition(float[] x, float[] relu, float[] y, float[] dy, float[] dRelu, float[] dx, Pool2DShape s)
        {
            Nn.Relu(x, relu);
            Nn.MaxPool2D(relu, y, s);
            Nn.MaxPool2DBackward(relu, y, s, dy, dRelu);
            Nn.ReluBackward(x, relu, dRelu, dx);
        }

        private static void Composition(double[] x, double[] relu, double[] y, double[] dy, double[] dRelu, double[] dx, Pool2DShape s)
        {
            Nn.Relu(x, relu);
            Nn.MaxPool2D(relu, y, s);
            Nn.MaxPool2DBackward(relu, y, s, dy, dRelu);
            Nn.ReluBackward(x, relu, dRelu, dx);
        }
    }
}
