using System;
using System.Numerics;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>
    /// The vectorised 2 × 2 / stride 2 max pooling that Nn uses must pick exactly the element the scalar window scan picks
    /// (first maximum on ties, NaN only as the first element) and leave every other dx element untouched, bit for bit.
    /// The oracle is the kernel that records indices with the scalar scan.
    /// </summary>
    public class MaxPool2x2Tests
    {
        public static TheoryData<int, int, int, int> Shapes => new()
        {
            // N, C, H, W
            { 1, 1, 2, 2 },     // one window: every vector reaches past the end, scalar only
            { 2, 3, 28, 28 },   // a row of 14 windows: one vector per row, lanes past it
            { 1, 2, 7, 9 },     // odd height and width: the last row and column belong to no window
            { 2, 2, 6, 70 },    // 35 windows per row: several vectors and a partial one
            { 3, 4, 14, 14 },   // the second Fashion-MNIST pooling
            { 8, 32, 28, 28 },  // above the two-core threshold: planes shared between both cores
            { 4, 8, 41, 70 },   // wide rows (masked read-modify-writes), shared between both cores
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void FloatRoutesLikeTheScalarScan(int n, int c, int h, int w) => RoutesLikeTheScalarScan<float>(new Pool2DShape(n, c, h, w, 2, 2, 2));

        [Theory]
        [MemberData(nameof(Shapes))]
        public void DoubleRoutesLikeTheScalarScan(int n, int c, int h, int w) => RoutesLikeTheScalarScan<double>(new Pool2DShape(n, c, h, w, 2, 2, 2));

        private static void RoutesLikeTheScalarScan<T>(Pool2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var rng = new Random(s.InputLength);

            // Few distinct values, so windows hold ties, plus NaNs in every position of a window.
            T[] x = new T[s.InputLength];
            for (int i = 0; i < x.Length; i++)
            {
                int r = rng.Next(12);
                x[i] = r == 0 ? T.NaN : T.CreateTruncating(r % 4);
            }

            T[] dy = new T[s.OutputLength], dx0 = new T[s.InputLength];
            for (int i = 0; i < dy.Length; i++)
            {
                dy[i] = T.CreateTruncating(rng.NextDouble() - 0.5);
            }

            for (int i = 0; i < dx0.Length; i++)
            {
                dx0[i] = i % 3 == 0 ? T.NegativeZero : T.CreateTruncating(rng.NextDouble());
            }

            T[] expectedY = new T[s.OutputLength], y = new T[s.OutputLength];
            int[] indices = new int[s.OutputLength];
            MaxPool2D.Forward<T>(x, expectedY, indices, s);
            Pool(x, y, s);
            AssertBitwiseEqual(expectedY, y, "forward");

            T[] expectedDx = (T[])dx0.Clone(), dx = (T[])dx0.Clone();
            MaxPool2D.Backward<T>(dy, indices, expectedDx, s);
            PoolBackward(x, y, dy, dx, s);
            AssertBitwiseEqual(expectedDx, dx, "backward");
        }

        private static void Pool<T>(T[] x, T[] y, Pool2DShape s)
        {
            if (typeof(T) == typeof(float))
            {
                Nn.MaxPool2D((float[])(object)x, (float[])(object)y, s);
            }
            else
            {
                Nn.MaxPool2D((double[])(object)x, (double[])(object)y, s);
            }
        }

        private static void PoolBackward<T>(T[] x, T[] y, T[] dy, T[] dx, Pool2DShape s)
        {
            if (typeof(T) == typeof(float))
            {
                Nn.MaxPool2DBackward((float[])(object)x, (float[])(object)y, s, (float[])(object)dy, (float[])(object)dx);
            }
            else
            {
                Nn.MaxPool2DBackward((double[])(object)x, (double[])(object)y, s, (double[])(object)dy, (double[])(object)dx);
            }
        }
    }
}
