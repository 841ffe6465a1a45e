using System;
using System.Buffers;
using System.Numerics.Tensors;
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
    /// The backward scatters dy back through the inverse permute, adding into the two dx rows. The last vector of a row is
    /// masked (AVX-512 masked loads and stores touch only the row's own elements), so no lane reads or writes past it.
    /// </summary>
    internal static unsafe class MaxPool2x2
    {
        internal static bool Supports(in Pool2DShape s)
            => s.PoolHeight == 2 && s.PoolWidth == 2 && s.Stride == 2 && s.Padding == 0 && Avx512F.IsSupported;

        /// <summary>
        /// y = the maximum of each window (with <paramref name="relu"/>, max(that, 0)); when <paramref name="ty"/> is not null,
        /// also the tangent ty = tx at the element that won (with <paramref name="relu"/>, 0 where the maximum is not positive,
        /// as the backward routes). Planes are shared between both cores.
        /// </summary>
        internal static void Forward<T>(T* x, T* y, in Pool2DShape s, bool relu = false, T* tx = null, T* ty = null)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var job = new Job { Shape = s, X = x, Y = y, Relu = relu, Tx = tx, Ty = ty };
            RowSplit.Run(&job, s.Batch * s.Channels, (ty is null ? 1L : 2L) * s.InputLength, &ForwardPlanes<T>);
        }

        private static void ForwardPlanes<T>(void* pointer, int p0, int p1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Pool2DShape s = job.Shape;
            int lanes = Vector512<T>.Count, oh = s.OutHeight, ow = s.OutWidth, w = s.Width, hw = s.Height * w;
            Vector512<T> lane = Simd.Indices<T>();
            for (int plane = p0; plane < p1; plane++)
            {
                long xOffset = (long)plane * hw, yOffset = (long)plane * oh * ow;
                T* xp = (T*)job.X + xOffset, yp = (T*)job.Y + yOffset;
                for (int i = 0; i < oh; i++)
                {
                    T* row0 = xp + (2 * i * w), row1 = row0 + w, yRow = yp + (i * ow);
                    for (int j = 0; j < ow; j += lanes)
                    {
                        Masks<T> m = new(lane, ow - j);
                        Window<T> v = Load(row0 + (2 * j), row1 + (2 * j), m);
                        Simd.MaskedStore(yRow + j, m.Windows, job.Relu ? Vector512.Max(v.Max, Vector512<T>.Zero) : v.Max);
                        if (job.Ty is not null)
                        {
                            T* t0 = (T*)job.Tx + xOffset + (2 * i * w) + (2 * j);
                            Vector512<T> t = Winner(t0, t0 + w, v, m);
                            Simd.MaskedStore((T*)job.Ty + yOffset + (i * ow) + j, m.Windows, Gradient(t, v, job.Relu) + Vector512<T>.Zero); // −0 + 0: the scalar path's +0
                        }
                    }
                }
            }
        }

        /// <summary>
        /// dx[arg-max of each window] += dy, the arg-max found from x as the forward finds it; with <paramref name="relu"/>
        /// only where that maximum is positive (the ReLU's gradient). Planes are shared between both cores.
        /// </summary>
        internal static void Backward<T>(T* x, T* dy, T* dx, in Pool2DShape s, bool assign = false, bool relu = false)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            bool wide = s.Width > 2 * Vector512<T>.Count;
            if (assign && wide)
            {
                new Span<T>(dx, s.InputLength).Clear(); // the wide rows route by +=
            }

            var job = new Job { Shape = s, X = x, Dy = dy, Dx = dx, Assign = assign && !wide, Relu = relu };
            delegate*<void*, int, int, void> work = wide ? &BackwardWidePlanes<T> : &BackwardPlanes<T>;
            RowSplit.Run(&job, s.Batch * s.Channels, 2L * s.InputLength, work);
        }

        /// <summary>
        /// A row fits one vector of windows: route a whole plane into scratch with plain stores, each row's spill past its end
        /// overwritten by the next row (or left in the slack), then add the plane to dx in one pass.
        /// </summary>
        private static void BackwardPlanes<T>(void* pointer, int p0, int p1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Pool2DShape s = job.Shape;
            int lanes = Vector512<T>.Count, hw = s.Height * s.Width;
            T[] rented = ArrayPool<T>.Shared.Rent(hw + (2 * lanes));
            fixed (T* routed = rented)
            {
                Masks<T> m = new(Simd.Indices<T>(), s.OutWidth);
                var plane = new Span<T>(routed, hw);
                for (int p = p0; p < p1; p++)
                {
                    long offset = (long)p * hw;
                    RoutePlane((T*)job.X + offset, (T*)job.Dy + ((long)p * s.OutHeight * s.OutWidth), routed, s, m, job.Relu);
                    var target = new Span<T>((T*)job.Dx + offset, hw);
                    if (job.Assign)
                    {
                        TensorPrimitives.Add(plane, T.Zero, target); // −0 (not routed) + 0 = +0: what adding to zeros gives
                    }
                    else
                    {
                        TensorPrimitives.Add(target, plane, target);
                    }
                }
            }

            ArrayPool<T>.Shared.Return(rented);
        }

        /// <summary>
        /// routed = dy at each window's arg-max and −0 everywhere else, for one plane whose rows are at most 2·lanes wide.
        /// Every element of the plane is written (the row stores cover it; an odd last row is filled first), so the scratch
        /// needs no clearing between planes.
        /// </summary>
        private static void RoutePlane<T>(T* x, T* dy, T* routed, in Pool2DShape s, in Masks<T> m, bool relu)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = Vector512<T>.Count, w = s.Width, oh = s.OutHeight, ow = s.OutWidth;
            Vector512<T> neutral = Vector512.Create(T.NegativeZero); // x + (−0) = x for every x, even −0
            if (s.Height > 2 * oh)
            {
                new Span<T>(routed + (2 * oh * w), w).Fill(T.NegativeZero);
            }

            for (int i = 0; i < oh; i++)
            {
                T* row0 = x + (2 * i * w);
                Window<T> v = Load(row0, row0 + w, m);
                Vector512<T> g = Gradient(Simd.MaskedLoad(dy + (i * ow), m.Windows, neutral), v, relu);
                StoreInterleaved(routed + (2 * i * w), Vector512.ConditionalSelect(v.Is00, g, neutral), Vector512.ConditionalSelect(v.Is01, g, neutral));
                StoreInterleaved(routed + (((2 * i) + 1) * w), Vector512.ConditionalSelect(v.Is10, g, neutral), Vector512.ConditionalSelect(v.Is11, g, neutral));
            }
        }

        /// <summary>The backward for rows wider than one vector of windows: masked read-modify-writes of the two dx rows.</summary>
        private static void BackwardWidePlanes<T>(void* pointer, int p0, int p1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Pool2DShape s = job.Shape;
            int lanes = Vector512<T>.Count, oh = s.OutHeight, ow = s.OutWidth, w = s.Width, hw = s.Height * w;
            Vector512<T> lane = Simd.Indices<T>(), neutral = Vector512.Create(T.NegativeZero);
            for (int plane = p0; plane < p1; plane++)
            {
                long planeOffset = (long)plane * hw;
                T* xp = (T*)job.X + planeOffset, dxp = (T*)job.Dx + planeOffset, dyp = (T*)job.Dy + ((long)plane * oh * ow);
                for (int i = 0; i < oh; i++)
                {
                    T* row0 = xp + (2 * i * w), row1 = row0 + w, dyRow = dyp + (i * ow);
                    T* dx0 = dxp + (2 * i * w), dx1 = dx0 + w;
                    for (int j = 0; j < ow; j += lanes)
                    {
                        Masks<T> m = new(lane, ow - j);
                        Window<T> v = Load(row0 + (2 * j), row1 + (2 * j), m);
                        Vector512<T> g = Gradient(Simd.MaskedLoad(dyRow + j, m.Windows, neutral), v, job.Relu);
                        Vector512<T> to00 = Vector512.ConditionalSelect(v.Is00, g, neutral), to01 = Vector512.ConditionalSelect(v.Is01, g, neutral);
                        Vector512<T> to10 = Vector512.ConditionalSelect(v.Is10, g, neutral), to11 = Vector512.ConditionalSelect(v.Is11, g, neutral);
                        AddInterleaved(dx0 + (2 * j), to00, to01, m);
                        AddInterleaved(dx1 + (2 * j), to10, to11, m);
                    }
                }
            }
        }

        /// <summary>dy for a vector of windows, −0 (nothing routed) where the ReLU after the pooling cut the maximum: max ≤ 0 or NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Gradient<T>(Vector512<T> dy, in Window<T> v, bool relu)
            where T : unmanaged, IFloatingPointIeee754<T>
            => relu ? Vector512.ConditionalSelect(Vector512.GreaterThan(v.Max, Vector512<T>.Zero), dy, Vector512.Create(T.NegativeZero)) : dy;

        /// <summary>Which lanes of a vector of windows, and of its two vectors of inputs, lie inside the row.</summary>
        private readonly struct Masks<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public Masks(Vector512<T> lane, int windows)
            {
                int lanes = Vector512<T>.Count;
                Windows = Vector512.LessThan(lane, Vector512.Create(T.CreateTruncating(windows)));
                Low = Vector512.LessThan(lane, Vector512.Create(T.CreateTruncating(2 * windows)));
                High = Vector512.LessThan(lane, Vector512.Create(T.CreateTruncating((2 * windows) - lanes)));
            }

            public Vector512<T> Windows { get; }

            /// <summary>Inputs 0 … lanes − 1 of the two rows' 2·lanes.</summary>
            public Vector512<T> Low { get; }

            /// <summary>Inputs lanes … 2·lanes − 1.</summary>
            public Vector512<T> High { get; }
        }

        /// <summary>For a vector of windows, the element of the two rows of t (x's shape) at the position that won in x.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Winner<T>(T* row0, T* row1, in Window<T> v, in Masks<T> m)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = Vector512<T>.Count;
            (Vector512<T> t00, Vector512<T> t01) = Deinterleave(Simd.MaskedLoad(row0, m.Low, default), Simd.MaskedLoad(row0 + lanes, m.High, default));
            (Vector512<T> t10, Vector512<T> t11) = Deinterleave(Simd.MaskedLoad(row1, m.Low, default), Simd.MaskedLoad(row1 + lanes, m.High, default));
            return Vector512.ConditionalSelect(v.Is00, t00, Vector512.ConditionalSelect(v.Is01, t01, Vector512.ConditionalSelect(v.Is10, t10, t11)));
        }

        /// <summary>One call, as raw pointers so the worker thread can take planes of it (the caller keeps them pinned).</summary>
        private struct Job
        {
            public Pool2DShape Shape;
            public void* X;
            public void* Y;
            public void* Dy;
            public void* Dx;
            public void* Tx;

            /// <summary>The forward's tangent output (null: not wanted).</summary>
            public void* Ty;

            /// <summary>dx = routed dy instead of dx += (narrow planes only; wide ones are cleared first).</summary>
            public bool Assign;

            /// <summary>A ReLU follows the pooling: y = max(window max, 0), and dy reaches only windows whose maximum is positive.</summary>
            public bool Relu;
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
        private static Window<T> Load<T>(T* row0, T* row1, in Masks<T> m)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = Vector512<T>.Count;
            Vector512<T> a0 = Simd.MaskedLoad(row0, m.Low, default), a1 = Simd.MaskedLoad(row0 + lanes, m.High, default), b0 = Simd.MaskedLoad(row1, m.Low, default), b1 = Simd.MaskedLoad(row1 + lanes, m.High, default);
            (Vector512<T> x00, Vector512<T> x01) = Deinterleave(a0, a1);
            (Vector512<T> x10, Vector512<T> x11) = Deinterleave(b0, b1);

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

        /// <summary>target[2l] += even[l], target[2l + 1] += odd[l], for the elements of the 2·lanes at target inside the row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddInterleaved<T>(T* target, Vector512<T> even, Vector512<T> odd, in Masks<T> m)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = Vector512<T>.Count;
            (Vector512<T> low, Vector512<T> high) = Interleave(even, odd);
            Simd.MaskedStore(target, m.Low, Simd.MaskedLoad(target, m.Low, default) + low);
            Simd.MaskedStore(target + lanes, m.High, Simd.MaskedLoad(target + lanes, m.High, default) + high);
        }

        /// <summary>target[2l] = even[l], target[2l + 1] = odd[l], all 2·lanes elements.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreInterleaved<T>(T* target, Vector512<T> even, Vector512<T> odd)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            (Vector512<T> low, Vector512<T> high) = Interleave(even, odd);
            Vector512.Store(low, target);
            Vector512.Store(high, target + Vector512<T>.Count);
        }

        /// <summary>even[0], odd[0], even[1], odd[1], … as two vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector512<T> Low, Vector512<T> High) Interleave<T>(Vector512<T> even, Vector512<T> odd)
            where T : unmanaged
        {
            if (typeof(T) == typeof(float))
            {
                return (Avx512F.PermuteVar16x32x2(even.AsSingle(), Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), odd.AsSingle()).As<float, T>(),
                    Avx512F.PermuteVar16x32x2(even.AsSingle(), Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), odd.AsSingle()).As<float, T>());
            }

            return (Avx512F.PermuteVar8x64x2(even.AsDouble(), Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11), odd.AsDouble()).As<double, T>(),
                Avx512F.PermuteVar8x64x2(even.AsDouble(), Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15), odd.AsDouble()).As<double, T>());
        }

        /// <summary>Elements 0, 2, 4, … and 1, 3, 5, … of the 2·lanes elements a‖b: the inverse of <see cref="Interleave{T}"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector512<T> Even, Vector512<T> Odd) Deinterleave<T>(Vector512<T> a, Vector512<T> b)
            where T : unmanaged
        {
            if (typeof(T) == typeof(float))
            {
                Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                return (Avx512F.PermuteVar16x32x2(a.AsSingle(), even, b.AsSingle()).As<float, T>(),
                    Avx512F.PermuteVar16x32x2(a.AsSingle(), even + Vector512<int>.One, b.AsSingle()).As<float, T>());
            }

            Vector512<long> evenLong = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14);
            return (Avx512F.PermuteVar8x64x2(a.AsDouble(), evenLong, b.AsDouble()).As<double, T>(),
                Avx512F.PermuteVar8x64x2(a.AsDouble(), evenLong + Vector512<long>.One, b.AsDouble()).As<double, T>());
        }
    }
}
