using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymGrad
{
    /// <summary>
    /// Max pooling with 2 × 2 windows, stride 2 and no padding (every CNN's), vectorised. A window's two input rows are loaded
    /// as vectors and split into even and odd columns (one two-source permute each), giving x00, x01, x10, x11 for a vector
    /// of windows; they are compared in the scan order of <see cref="MaxPool2D.WindowArgMax{T}"/>, a later element winning only
    /// when strictly greater, so ties go to the first maximum and a NaN wins only as x00: the same element, bit for bit.
    /// The backward scatters dy back through the inverse permute, adding into the two dx rows.
    /// Vectors that would reach past the ends of the tensors fall back to the scalar window scan.
    /// </summary>
    internal static unsafe class MaxPool2x2
    {
        internal static bool Supports(in Pool2DShape s)
            => s.PoolHeight == 2 && s.PoolWidth == 2 && s.Stride == 2 && s.Padding == 0 && Avx512F.IsSupported;

        /// <summary>y = the maximum of each window.</summary>
        internal static void Forward<T>(T* x, T* y, in Pool2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = Vector512<T>.Count, oh = s.OutHeight, ow = s.OutWidth, w = s.Width, hw = s.Height * w;
            T* xEnd = x + s.InputLength, yEnd = y + s.OutputLength;
            for (int plane = 0; plane < s.Batch * s.Channels; plane++)
            {
                T* xp = x + ((long)plane * hw), yp = y + ((long)plane * oh * ow);
                for (int i = 0; i < oh; i++)
                {
                    T* row0 = xp + (2 * i * w), row1 = row0 + w, yRow = yp + (i * ow);
                    int j = 0;

                    // Lanes past the row compute garbage into the next output row, which is written after this one.
                    for (; j < ow && row1 + (2 * (j + lanes)) <= xEnd && yRow + j + lanes <= yEnd; j += lanes)
                    {
                        Window<T> v = Load(row0 + (2 * j), row1 + (2 * j));
                        Vector512.Store(v.Max, yRow + j);
                    }

                    for (; j < ow; j++)
                    {
                        yRow[j] = xp[MaxPool2D.WindowArgMax(new ReadOnlySpan<T>(xp, hw), s, i, j)];
                    }
                }
            }
        }

        /// <summary>dx[arg-max of each window] += dy, the arg-max found from x as the forward finds it.</summary>
        internal static void Backward<T>(T* x, T* dy, T* dx, in Pool2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = Vector512<T>.Count, oh = s.OutHeight, ow = s.OutWidth, w = s.Width, hw = s.Height * w;
            T* xEnd = x + s.InputLength, dyEnd = dy + s.OutputLength;
            Vector512<T> lane = Indices<T>(), neutral = Vector512.Create(T.NegativeZero); // x + (−0) = x for every x, even −0
            for (int plane = 0; plane < s.Batch * s.Channels; plane++)
            {
                long planeOffset = (long)plane * hw;
                T* xp = x + planeOffset, dxp = dx + planeOffset, dyp = dy + ((long)plane * oh * ow);
                for (int i = 0; i < oh; i++)
                {
                    T* row0 = xp + (2 * i * w), row1 = row0 + w, dyRow = dyp + (i * ow);
                    T* dx0 = dxp + (2 * i * w), dx1 = dx0 + w;
                    int j = 0;

                    // Lanes past the row add −0 to whatever follows (each store reads what the previous one wrote): no change.
                    for (; j < ow && row1 + (2 * (j + lanes)) <= xEnd && dyRow + j + lanes <= dyEnd; j += lanes)
                    {
                        Window<T> v = Load(row0 + (2 * j), row1 + (2 * j));
                        Vector512<T> g = Vector512.ConditionalSelect(Vector512.LessThan(lane, Vector512.Create(T.CreateTruncating(ow - j))), Vector512.Load(dyRow + j), neutral);
                        Vector512<T> to00 = Vector512.ConditionalSelect(v.Is00, g, neutral), to01 = Vector512.ConditionalSelect(v.Is01, g, neutral);
                        Vector512<T> to10 = Vector512.ConditionalSelect(v.Is10, g, neutral), to11 = Vector512.ConditionalSelect(v.Is11, g, neutral);
                        AddInterleaved(dx0 + (2 * j), to00, to01);
                        AddInterleaved(dx1 + (2 * j), to10, to11);
                    }

                    for (; j < ow; j++)
                    {
                        dxp[MaxPool2D.WindowArgMax(new ReadOnlySpan<T>(xp, hw), s, i, j)] += dyRow[j];
                    }
                }
            }
        }

        /// <summary>A vector of windows: their maxima and which element won (all-ones lanes), in scan order.</summary>
        private readonly struct Window<T>
            where T : unmanaged
        {
            public Vector512<T> Max { get; init; }

            public Vector512<T> Is00 { get; init; }

            public Vector512<T> Is01 { get; init; }

            public Vector512<T> Is10 { get; init; }

            public Vector512<T> Is11 { get; init; }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Window<T> Load<T>(T* row0, T* row1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = Vector512<T>.Count;
            Vector512<T> a0 = Vector512.Load(row0), a1 = Vector512.Load(row0 + lanes), b0 = Vector512.Load(row1), b1 = Vector512.Load(row1 + lanes);
            Vector512<T> x00 = Evens(a0, a1), x01 = Odds(a0, a1), x10 = Evens(b0, b1), x11 = Odds(b0, b1);

            // max = x00; a later element replaces it only when strictly greater (false for NaN on either side).
            Vector512<T> c1 = Vector512.GreaterThan(x01, x00);
            Vector512<T> max = Vector512.ConditionalSelect(c1, x01, x00);
            Vector512<T> c2 = Vector512.GreaterThan(x10, max);
            max = Vector512.ConditionalSelect(c2, x10, max);
            Vector512<T> c3 = Vector512.GreaterThan(x11, max);
            max = Vector512.ConditionalSelect(c3, x11, max);
            return new Window<T>
            {
                Max = max,
                Is11 = c3,
                Is10 = Vector512.AndNot(c2, c3),
                Is01 = Vector512.AndNot(Vector512.AndNot(c1, c2), c3),
                Is00 = ~(c1 | c2 | c3),
            };
        }

        /// <summary>target[2l] += even[l], target[2l + 1] += odd[l], for the 2·lanes elements at target.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddInterleaved<T>(T* target, Vector512<T> even, Vector512<T> odd)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = Vector512<T>.Count;
            Vector512<T> low, high;
            if (typeof(T) == typeof(float))
            {
                low = Avx512F.PermuteVar16x32x2(even.AsSingle(), Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), odd.AsSingle()).As<float, T>();
                high = Avx512F.PermuteVar16x32x2(even.AsSingle(), Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), odd.AsSingle()).As<float, T>();
            }
            else
            {
                low = Avx512F.PermuteVar8x64x2(even.AsDouble(), Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11), odd.AsDouble()).As<double, T>();
                high = Avx512F.PermuteVar8x64x2(even.AsDouble(), Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15), odd.AsDouble()).As<double, T>();
            }

            Vector512.Store(Vector512.Load(target) + low, target);
            Vector512.Store(Vector512.Load(target + lanes) + high, target + lanes);
        }

        /// <summary>Elements 0, 2, 4, … of the 2·lanes elements a‖b.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Evens<T>(Vector512<T> a, Vector512<T> b)
            where T : unmanaged
            => typeof(T) == typeof(float)
                ? Avx512F.PermuteVar16x32x2(a.AsSingle(), Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b.AsSingle()).As<float, T>()
                : Avx512F.PermuteVar8x64x2(a.AsDouble(), Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14), b.AsDouble()).As<double, T>();

        /// <summary>Elements 1, 3, 5, … of a‖b.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Odds<T>(Vector512<T> a, Vector512<T> b)
            where T : unmanaged
            => typeof(T) == typeof(float)
                ? Avx512F.PermuteVar16x32x2(a.AsSingle(), Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b.AsSingle()).As<float, T>()
                : Avx512F.PermuteVar8x64x2(a.AsDouble(), Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15), b.AsDouble()).As<double, T>();

        /// <summary>0, 1, 2, … in each lane.</summary>
        private static Vector512<T> Indices<T>()
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Span<T> values = stackalloc T[Vector512<T>.Count];
            for (int l = 0; l < values.Length; l++)
            {
                values[l] = T.CreateTruncating(l);
            }

            return Vector512.Create<T>(values);
        }
    }
}
