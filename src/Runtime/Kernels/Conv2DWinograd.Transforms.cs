using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SymGrad
{
    /// <summary>The input and output transforms of F(2×2, 3×3) (Bᵀ·d·B and Aᵀ·M·A), over vectors of images.</summary>
    internal static unsafe partial class Conv2DWinograd
    {
        /// <summary>
        /// V_ξ[c, t·L + lane] = (Bᵀ d B)_ξ for the 4×4 input block d of tiles firstTile … firstTile + count − 1, every channel:
        /// point ξ starts at v + ξ·<paramref name="pointLength"/>, channel c's row at c·<paramref name="rowLength"/> within it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void TransformInputs<T>(T* padded, in Conv2DShape s, in Plan plan, int firstTile, int count, T* v, long rowLength, long pointLength)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = plan.Lanes;
            nint row = (nint)plan.Wp * lanes;
            long channel = (long)plan.Hp * plan.Wp * lanes;
            for (int c = 0; c < s.Channels; c++)
            {
                int ty = firstTile / plan.TilesW, tx = firstTile % plan.TilesW;
                for (int t = 0; t < count; t++)
                {
                    T* d = padded + (c * channel) + ((((2 * ty) * plan.Wp) + (2 * tx)) * lanes);
                    if (++tx == plan.TilesW)
                    {
                        tx = 0;
                        ty++;
                    }

                    // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3 (each a row of 4 vectors), then the same along each row.
                    Transform4(d, d + row, d + (2 * row), d + (3 * row), lanes, out var r0, out var r1, out var r2, out var r3);
                    T* out0 = v + (c * rowLength) + (t * lanes);
                    StoreTransformed(r0, out0, 0, pointLength);
                    StoreTransformed(r1, out0, 4, pointLength);
                    StoreTransformed(r2, out0, 8, pointLength);
                    StoreTransformed(r3, out0, 12, pointLength);
                }
            }
        }

        /// <summary>Rows Bᵀ·d of a 4×4 block whose rows start at p0…p3 (4 vectors each, <paramref name="lanes"/> apart).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transform4<T>(T* p0, T* p1, T* p2, T* p3, int lanes, out Row4<T> r0, out Row4<T> r1, out Row4<T> r2, out Row4<T> r3)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Row4<T> d0 = Row4<T>.Load(p0, lanes), d1 = Row4<T>.Load(p1, lanes), d2 = Row4<T>.Load(p2, lanes), d3 = Row4<T>.Load(p3, lanes);
            r0 = d0 - d2;
            r1 = d1 + d2;
            r2 = d2 - d1;
            r3 = d1 - d3;
        }

        /// <summary>Stores (r·B)_j = r0 − r2, r1 + r2, r2 − r1, r1 − r3 as transform points first + j.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreTransformed<T>(in Row4<T> r, T* out0, int first, long point)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Vector512.Store(r.V0 - r.V2, out0 + (first * point));
            Vector512.Store(r.V1 + r.V2, out0 + ((first + 1) * point));
            Vector512.Store(r.V2 - r.V1, out0 + ((first + 2) * point));
            Vector512.Store(r.V1 - r.V3, out0 + ((first + 3) * point));
        }

        /// <summary>Y = Aᵀ M A (+ bias) for each tile of the block and filter, scattered to the images' output planes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void TransformOutputs<T>(T* m, in Job job, int firstTile, int count, int g)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            int lanes = plan.Lanes, oh = s.OutHeight, ow = s.OutWidth, ohw = oh * ow;
            int images = Math.Min(lanes, job.Images - (g * lanes));
            long point = (long)plan.Filters4 * plan.BlockRow, imageStride = (long)s.Filters * ohw;
            bool accumulate = job.Accumulate;
            T* bias = (T*)job.Bias;
            T* y0 = (T*)job.Y + (g * lanes * imageStride);

            // Where each tile's 2×2 block starts in an output plane, and whether all four outputs are inside it.
            int* offsets = stackalloc int[TilesPerBlock];
            bool allInside = true;
            for (int t = 0; t < count; t++)
            {
                int tile = firstTile + t, i0 = 2 * (tile / plan.TilesW), j0 = 2 * (tile % plan.TilesW);
                offsets[t] = (i0 * ow) + j0;
                allInside &= i0 + 1 < oh && j0 + 1 < ow;
            }

            if (job.Outputs is not null)
            {
                // Image-innermost outputs: whole vectors now, one transpose per 16 positions afterwards (TransposeOutputs).
                T* outs = (T*)job.Outputs + ((long)g * s.Filters * ohw * lanes);
                for (int f = 0; f < s.Filters; f++)
                {
                    var b = Vector512.Create(bias[f]);
                    T* plane = outs + ((long)f * ohw * lanes);
                    for (int t = 0; t < count; t++)
                    {
                        T* p = m + (f * plan.BlockRow) + (t * lanes), y = plane + ((long)offsets[t] * lanes);
                        var a0 = Fold(p, 0, point, out var b0);
                        var a1 = Fold(p, 4, point, out var b1);
                        var a2 = Fold(p, 8, point, out var b2);
                        var a3 = Fold(p, 12, point, out var b3);
                        if (allInside)
                        {
                            Vector512.Store(a0 + a1 + a2 + b, y);
                            Vector512.Store(b0 + b1 + b2 + b, y + lanes);
                            Vector512.Store(a1 - a2 - a3 + b, y + (ow * lanes));
                            Vector512.Store(b1 - b2 - b3 + b, y + ((ow + 1) * lanes));
                            continue;
                        }

                        int i0 = offsets[t] / ow, j0 = offsets[t] % ow;
                        Vector512.Store(a0 + a1 + a2 + b, y);
                        if (j0 + 1 < ow)
                        {
                            Vector512.Store(b0 + b1 + b2 + b, y + lanes);
                        }

                        if (i0 + 1 < oh)
                        {
                            Vector512.Store(a1 - a2 - a3 + b, y + (ow * lanes));
                            if (j0 + 1 < ow)
                            {
                                Vector512.Store(b1 - b2 - b3 + b, y + ((ow + 1) * lanes));
                            }
                        }
                    }
                }

                return;
            }

            // One filter's results for the whole block, [tile][output k][lane], written as vectors and read per image after.
            T* results = stackalloc T[TilesPerBlock * 4 * Vector512<T>.Count];
            for (int f = 0; f < s.Filters; f++)
            {
                var b = Vector512.Create(bias[f]);
                for (int t = 0; t < count; t++)
                {
                    T* p = m + (f * plan.BlockRow) + (t * lanes), r = results + (t * 4 * lanes);

                    // M·A: per row i, columns m_i0 + m_i1 + m_i2 and m_i1 − m_i2 − m_i3; then Aᵀ·(M·A) the same down the columns.
                    var a0 = Fold(p, 0, point, out var b0);
                    var a1 = Fold(p, 4, point, out var b1);
                    var a2 = Fold(p, 8, point, out var b2);
                    var a3 = Fold(p, 12, point, out var b3);
                    // Stored as pairs per image: (y00, y01) of every lane, then (y10, y11): each image's two outputs of a tile row
                    // are adjacent in its plane, so one pair is one move.
                    Simd.Zip(a0 + a1 + a2 + b, b0 + b1 + b2 + b, r);
                    Simd.Zip(a1 - a2 - a3 + b, b1 - b2 - b3 + b, r + (2 * lanes));
                }

                for (int lane = 0; lane < images; lane++)
                {
                    T* plane = y0 + (lane * imageStride) + (f * ohw);
                    T* r = results + (2 * lane);
                    if (allInside && !accumulate)
                    {
                        for (int t = 0; t < count; t++, r += 4 * lanes)
                        {
                            T* y = plane + offsets[t];
                            CopyPair(r, y);
                            CopyPair(r + (2 * lanes), y + ow);
                        }

                        continue;
                    }

                    if (allInside)
                    {
                        for (int t = 0; t < count; t++, r += 4 * lanes)
                        {
                            T* y = plane + offsets[t];
                            y[0] += r[0];
                            y[1] += r[1];
                            y[ow] += r[2 * lanes];
                            y[ow + 1] += r[(2 * lanes) + 1];
                        }

                        continue;
                    }

                    for (int t = 0; t < count; t++, r += 4 * lanes)
                    {
                        int i0 = offsets[t] / ow, j0 = offsets[t] % ow;
                        for (int k = 0; k < 4; k++)
                        {
                            int di = k >> 1, dj = k & 1;
                            if (i0 + di < oh && j0 + dj < ow)
                            {
                                T* y = plane + offsets[t] + (di * ow) + dj;
                                T value = r[(di * 2 * lanes) + dj];
                                *y = accumulate ? *y + value : value;
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Row i of M·A: m_i0 + m_i1 + m_i2 (returned) and m_i1 − m_i2 − m_i3 (<paramref name="second"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Fold<T>(T* p, int first, long point, out Vector512<T> second)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Vector512<T> m0 = Vector512.Load(p + (first * point)), m1 = Vector512.Load(p + ((first + 1) * point));
            Vector512<T> m2 = Vector512.Load(p + ((first + 2) * point)), m3 = Vector512.Load(p + ((first + 3) * point));
            second = m1 - m2 - m3;
            return m0 + m1 + m2;
        }

        /// <summary>Four vectors: one row of a 4×4 block of inputs, each element a vector over images.</summary>
        private readonly struct Row4<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public readonly Vector512<T> V0, V1, V2, V3;

            private Row4(Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3) => (V0, V1, V2, V3) = (v0, v1, v2, v3);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Row4<T> Load(T* p, int lanes)
                => new(Vector512.Load(p), Vector512.Load(p + lanes), Vector512.Load(p + (2 * lanes)), Vector512.Load(p + (3 * lanes)));

            public static Row4<T> operator +(in Row4<T> a, in Row4<T> b) => new(a.V0 + b.V0, a.V1 + b.V1, a.V2 + b.V2, a.V3 + b.V3);

            public static Row4<T> operator -(in Row4<T> a, in Row4<T> b) => new(a.V0 - b.V0, a.V1 - b.V1, a.V2 - b.V2, a.V3 - b.V3);
        }
    }
}
