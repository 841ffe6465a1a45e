using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SymGrad
{
    /// <summary>
    /// The input gradient of a layer with few input channels (an RGB or grayscale image, whose gradient DeepDream or an
    /// adversarial example needs): its channels are the rows of the tile, and the 4-row tile would compute one to three
    /// rows of zeros for 1–3 channels (a quarter of the work wasted for RGB). Such a layer gets a tile of exactly its
    /// channel count (1–3 rows, 3 for a multiple of 3 that is not one of 4) × <see cref="ChannelVectors"/> vectors.
    /// </summary>
    internal static unsafe partial class Conv2DDirect
    {
        /// <summary>Vectors of outputs per narrow tile: 3 × 8 accumulators, the broadcasts and a load fit the 32 registers.</summary>
        internal const int ChannelVectors = 8;

        /// <summary>Channels per input-gradient tile: the layer's own count up to 3, then 4 (3 when that leaves no rows of zeros and 4 would).</summary>
        internal static int ChannelRows(int channels)
            => channels <= 3 ? channels : channels % Rows != 0 && channels % 3 == 0 ? 3 : Rows;

        /// <summary>
        /// Input gradient of one block of <paramref name="rows"/> channels over all <paramref name="outputs"/> wide outputs:
        /// c[r, q] = Σ_k a[k·rows + r] · src[offsets[k] + q], <paramref name="outputs"/> a multiple of the vector width.
        /// </summary>
        private static void ChannelBlock<T>(int rows, T* a, T* bias, T* src, int* offsets, int depth, T* c, int outputs)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (rows)
            {
                case 1: ChannelBlock<T, OneRow>(a, src, offsets, depth, c, outputs); break;
                case 2: ChannelBlock<T, TwoRows>(a, src, offsets, depth, c, outputs); break;
                case 3: ChannelBlock<T, ThreeRows>(a, src, offsets, depth, c, outputs); break;
                default:
                    int lanes = Vector512<T>.Count;
                    for (int q = 0; q < outputs;)
                    {
                        int step = outputs - q >= Vectors * lanes ? Vectors * lanes : lanes;
                        Tile(step == lanes, a, bias, src + q, offsets, depth, c + q, outputs);
                        q += step;
                    }

                    break;
            }
        }

        private static void ChannelBlock<T, TRows>(T* a, T* src, int* offsets, int depth, T* c, int outputs)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TRows : struct, IRowCount
        {
            int lanes = Vector512<T>.Count;
            for (int q = 0; q < outputs;)
            {
                int step = outputs - q >= ChannelVectors * lanes ? ChannelVectors * lanes : lanes;
                ChannelTile<T, TRows>(step == lanes, a, src + q, offsets, depth, c + q, outputs);
                q += step;
            }
        }

        /// <summary>
        /// TRows (1–3) channels × (<see cref="ChannelVectors"/> vectors, or 1 when <paramref name="single"/>) outputs:
        /// c[r, ·] = Σ_k a[k·TRows + r] · src[offsets[k] + ·]. The row count is a type, so each instantiation keeps only its
        /// own accumulators and FMAs.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ChannelTile<T, TRows>(bool single, T* a, T* src, int* offsets, int depth, T* c, nint ldc)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            nint w = Vector512<T>.Count;
            if (single)
            {
                Vector512<T> s0 = default, s1 = default, s2 = default;
                for (int k = 0; k < depth; k++, a += rows)
                {
                    Vector512<T> b = Vector512.Load(src + offsets[k]);
                    s0 = Simd.Fma(Vector512.Create(a[0]), b, s0);
                    if (rows > 1) s1 = Simd.Fma(Vector512.Create(a[1]), b, s1);
                    if (rows > 2) s2 = Simd.Fma(Vector512.Create(a[2]), b, s2);
                }

                Vector512.Store(s0, c);
                if (rows > 1) Vector512.Store(s1, c + ldc);
                if (rows > 2) Vector512.Store(s2, c + (2 * ldc));
                return;
            }

            Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default, c06 = default, c07 = default;
            Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default;
            Vector512<T> c20 = default, c21 = default, c22 = default, c23 = default, c24 = default, c25 = default, c26 = default, c27 = default;
            for (int k = 0; k < depth; k++, a += rows)
            {
                T* s = src + offsets[k];
                Vector512<T> a0 = Vector512.Create(a[0]);
                Vector512<T> a1 = rows > 1 ? Vector512.Create(a[1]) : default;
                Vector512<T> a2 = rows > 2 ? Vector512.Create(a[2]) : default;
                Vector512<T> b = Vector512.Load(s);
                c00 = Simd.Fma(a0, b, c00);
                if (rows > 1) c10 = Simd.Fma(a1, b, c10);
                if (rows > 2) c20 = Simd.Fma(a2, b, c20);
                b = Vector512.Load(s + w);
                c01 = Simd.Fma(a0, b, c01);
                if (rows > 1) c11 = Simd.Fma(a1, b, c11);
                if (rows > 2) c21 = Simd.Fma(a2, b, c21);
                b = Vector512.Load(s + (2 * w));
                c02 = Simd.Fma(a0, b, c02);
                if (rows > 1) c12 = Simd.Fma(a1, b, c12);
                if (rows > 2) c22 = Simd.Fma(a2, b, c22);
                b = Vector512.Load(s + (3 * w));
                c03 = Simd.Fma(a0, b, c03);
                if (rows > 1) c13 = Simd.Fma(a1, b, c13);
                if (rows > 2) c23 = Simd.Fma(a2, b, c23);
                b = Vector512.Load(s + (4 * w));
                c04 = Simd.Fma(a0, b, c04);
                if (rows > 1) c14 = Simd.Fma(a1, b, c14);
                if (rows > 2) c24 = Simd.Fma(a2, b, c24);
                b = Vector512.Load(s + (5 * w));
                c05 = Simd.Fma(a0, b, c05);
                if (rows > 1) c15 = Simd.Fma(a1, b, c15);
                if (rows > 2) c25 = Simd.Fma(a2, b, c25);
                b = Vector512.Load(s + (6 * w));
                c06 = Simd.Fma(a0, b, c06);
                if (rows > 1) c16 = Simd.Fma(a1, b, c16);
                if (rows > 2) c26 = Simd.Fma(a2, b, c26);
                b = Vector512.Load(s + (7 * w));
                c07 = Simd.Fma(a0, b, c07);
                if (rows > 1) c17 = Simd.Fma(a1, b, c17);
                if (rows > 2) c27 = Simd.Fma(a2, b, c27);
            }

            StoreRow(c, c00, c01, c02, c03);
            StoreRow(c + (4 * w), c04, c05, c06, c07);
            if (rows > 1)
            {
                StoreRow(c + ldc, c10, c11, c12, c13);
                StoreRow(c + ldc + (4 * w), c14, c15, c16, c17);
            }

            if (rows > 2)
            {
                StoreRow(c + (2 * ldc), c20, c21, c22, c23);
                StoreRow(c + (2 * ldc) + (4 * w), c24, c25, c26, c27);
            }
        }

        /// <summary>A tile's row count as a type, so the JIT compiles one kernel per count with the unused rows removed.</summary>
        private interface IRowCount
        {
            static abstract int Count { get; }
        }

        private struct OneRow : IRowCount
        {
            public static int Count => 1;
        }

        private struct TwoRows : IRowCount
        {
            public static int Count => 2;
        }

        private struct ThreeRows : IRowCount
        {
            public static int Count => 3;
        }
    }
}
