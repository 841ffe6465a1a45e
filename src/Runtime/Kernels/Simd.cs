using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymGrad
{
    /// <summary>Vector helpers shared by the hand-written kernels, generic over float/double (the JIT folds the type test).</summary>
    internal static class Simd
    {
        /// <summary><c>a · b + c</c> with one rounding.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        {
#if NET9_0_OR_GREATER
            if (typeof(T) == typeof(float))
            {
                return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            }

            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
#else
            // .NET 8 has no Vector512.FusedMultiplyAdd: the AVX-512 instruction (every Vector512 path runs only where
            // Vector512.IsHardwareAccelerated), or the two 256-bit halves.
            if (Avx512F.IsSupported && typeof(T) == typeof(float))
            {
                return Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            }

            if (Avx512F.IsSupported && typeof(T) == typeof(double))
            {
                return Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
            }

            return Vector512.Create(Fma(a.GetLower(), b.GetLower(), c.GetLower()), Fma(a.GetUpper(), b.GetUpper(), c.GetUpper()));
#endif
        }

        /// <summary>
        /// The vector starting <paramref name="count"/> elements into <paramref name="lo"/>, continued by <paramref name="hi"/>:
        /// what a load one or two elements further on would read, from two loads already made (valignd/valignq). Callers
        /// check <see cref="Avx512F.IsSupported"/>; <paramref name="count"/> is a constant.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector512<T> ShiftIn<T>(Vector512<T> lo, Vector512<T> hi, [ConstantExpected] byte count)
        {
            if (typeof(T) == typeof(float))
            {
                return Avx512F.AlignRight32(hi.AsUInt32(), lo.AsUInt32(), count).As<uint, T>();
            }

            return Avx512F.AlignRight64(hi.AsUInt64(), lo.AsUInt64(), count).As<ulong, T>();
        }

        /// <summary>Stores a[0], b[0], a[1], b[1], … (2 vectors' worth) at <paramref name="destination"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe void Zip<T>(Vector512<T> a, Vector512<T> b, T* destination)
            where T : unmanaged
        {
            if (typeof(T) == typeof(float) && Avx512F.IsSupported)
            {
                Vector512<int> low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
                Vector512<float> fa = a.AsSingle(), fb = b.AsSingle();
                Vector512.Store(Avx512F.PermuteVar16x32x2(fa, low, fb).As<float, T>(), destination);
                Vector512.Store(Avx512F.PermuteVar16x32x2(fa, low + Vector512.Create(8), fb).As<float, T>(), destination + 16);
                return;
            }

            if (typeof(T) == typeof(double) && Avx512F.IsSupported)
            {
                Vector512<long> low = Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11);
                Vector512<double> da = a.AsDouble(), db = b.AsDouble();
                Vector512.Store(Avx512F.PermuteVar8x64x2(da, low, db).As<double, T>(), destination);
                Vector512.Store(Avx512F.PermuteVar8x64x2(da, low + Vector512.Create(4L), db).As<double, T>(), destination + 8);
                return;
            }

            for (int i = 0; i < Vector512<T>.Count; i++)
            {
                destination[2 * i] = a[i];
                destination[(2 * i) + 1] = b[i];
            }
        }

        /// <summary>
        /// dst row i (16 floats at dst + i·dstStride) = column i of the 16 × 16 block whose rows are at src + r·srcStride
        /// (or, with <paramref name="add"/>, dst row i += it): four rounds of in-register shuffles, 64 per block. Only the
        /// first <paramref name="rows"/> rows of dst are written. Callers check <see cref="Avx512F.IsSupported"/>.
        /// </summary>
        internal static unsafe void Transpose16x16(float* src, nint srcStride, float* dst, nint dstStride, int rows, bool add)
        {
            Vector512<float>* columns = stackalloc Vector512<float>[16];
            Transpose16x16(src, srcStride, columns);
            for (int i = 0; i < rows; i++)
            {
                float* d = dst + (i * dstStride);
                Vector512.Store(add ? Vector512.Load(d) + columns[i] : columns[i], d);
            }
        }

        /// <summary>columns[i] = column i of the 16 × 16 block whose rows are at src + r·srcStride.</summary>
        internal static unsafe void Transpose16x16(float* src, nint srcStride, Vector512<float>* columns)
        {
            Vector512<float> r0 = Vector512.Load(src), r1 = Vector512.Load(src + srcStride), r2 = Vector512.Load(src + (2 * srcStride)), r3 = Vector512.Load(src + (3 * srcStride));
            Vector512<float> r4 = Vector512.Load(src + (4 * srcStride)), r5 = Vector512.Load(src + (5 * srcStride)), r6 = Vector512.Load(src + (6 * srcStride)), r7 = Vector512.Load(src + (7 * srcStride));
            Vector512<float> r8 = Vector512.Load(src + (8 * srcStride)), r9 = Vector512.Load(src + (9 * srcStride)), r10 = Vector512.Load(src + (10 * srcStride)), r11 = Vector512.Load(src + (11 * srcStride));
            Vector512<float> r12 = Vector512.Load(src + (12 * srcStride)), r13 = Vector512.Load(src + (13 * srcStride)), r14 = Vector512.Load(src + (14 * srcStride)), r15 = Vector512.Load(src + (15 * srcStride));

            // 1: interleave 32-bit elements of row pairs; 2: 64-bit pairs of those; 3 and 4: 128-bit quarters across registers.
            Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1), t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
            Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5), t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
            Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9), t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
            Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13), t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);

            r0 = Low64(t0, t2); r1 = High64(t0, t2); r2 = Low64(t1, t3); r3 = High64(t1, t3);
            r4 = Low64(t4, t6); r5 = High64(t4, t6); r6 = Low64(t5, t7); r7 = High64(t5, t7);
            r8 = Low64(t8, t10); r9 = High64(t8, t10); r10 = Low64(t9, t11); r11 = High64(t9, t11);
            r12 = Low64(t12, t14); r13 = High64(t12, t14); r14 = Low64(t13, t15); r15 = High64(t13, t15);

            t0 = Avx512F.Shuffle4x128(r0, r4, 0x88); t1 = Avx512F.Shuffle4x128(r1, r5, 0x88); t2 = Avx512F.Shuffle4x128(r2, r6, 0x88); t3 = Avx512F.Shuffle4x128(r3, r7, 0x88);
            t4 = Avx512F.Shuffle4x128(r0, r4, 0xDD); t5 = Avx512F.Shuffle4x128(r1, r5, 0xDD); t6 = Avx512F.Shuffle4x128(r2, r6, 0xDD); t7 = Avx512F.Shuffle4x128(r3, r7, 0xDD);
            t8 = Avx512F.Shuffle4x128(r8, r12, 0x88); t9 = Avx512F.Shuffle4x128(r9, r13, 0x88); t10 = Avx512F.Shuffle4x128(r10, r14, 0x88); t11 = Avx512F.Shuffle4x128(r11, r15, 0x88);
            t12 = Avx512F.Shuffle4x128(r8, r12, 0xDD); t13 = Avx512F.Shuffle4x128(r9, r13, 0xDD); t14 = Avx512F.Shuffle4x128(r10, r14, 0xDD); t15 = Avx512F.Shuffle4x128(r11, r15, 0xDD);

            columns[0] = Avx512F.Shuffle4x128(t0, t8, 0x88); columns[1] = Avx512F.Shuffle4x128(t1, t9, 0x88);
            columns[2] = Avx512F.Shuffle4x128(t2, t10, 0x88); columns[3] = Avx512F.Shuffle4x128(t3, t11, 0x88);
            columns[4] = Avx512F.Shuffle4x128(t4, t12, 0x88); columns[5] = Avx512F.Shuffle4x128(t5, t13, 0x88);
            columns[6] = Avx512F.Shuffle4x128(t6, t14, 0x88); columns[7] = Avx512F.Shuffle4x128(t7, t15, 0x88);
            columns[8] = Avx512F.Shuffle4x128(t0, t8, 0xDD); columns[9] = Avx512F.Shuffle4x128(t1, t9, 0xDD);
            columns[10] = Avx512F.Shuffle4x128(t2, t10, 0xDD); columns[11] = Avx512F.Shuffle4x128(t3, t11, 0xDD);
            columns[12] = Avx512F.Shuffle4x128(t4, t12, 0xDD); columns[13] = Avx512F.Shuffle4x128(t5, t13, 0xDD);
            columns[14] = Avx512F.Shuffle4x128(t6, t14, 0xDD); columns[15] = Avx512F.Shuffle4x128(t7, t15, 0xDD);

            static Vector512<float> Low64(Vector512<float> a, Vector512<float> b) => Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()).AsSingle();

            static Vector512<float> High64(Vector512<float> a, Vector512<float> b) => Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble()).AsSingle();
        }

        /// <summary>The lanes of <paramref name="mask"/> loaded from p, <paramref name="merge"/>'s elsewhere; masked-off lanes are never read (no fault past an array's end).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe Vector512<T> MaskedLoad<T>(T* p, Vector512<T> mask, Vector512<T> merge = default)
            where T : unmanaged
        {
#if NET9_0_OR_GREATER
            return typeof(T) == typeof(float)
                ? Avx512F.MaskLoad((float*)p, mask.AsSingle(), merge.AsSingle()).As<float, T>()
                : Avx512F.MaskLoad((double*)p, mask.AsDouble(), merge.AsDouble()).As<double, T>();
#else
            // .NET 8 exposes no 512-bit masked load: lane by lane (only the last, partial vector of a row comes here).
            Vector512<T> result = merge;
            for (int i = 0; i < Vector512<T>.Count; i++)
            {
                if (LaneSet(mask, i))
                {
                    result = result.WithElement(i, p[i]);
                }
            }

            return result;
#endif
        }

        /// <summary>Writes the lanes of <paramref name="mask"/> to p; the others are left untouched (never written).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe void MaskedStore<T>(T* p, Vector512<T> mask, Vector512<T> value)
            where T : unmanaged
        {
#if NET9_0_OR_GREATER
            if (typeof(T) == typeof(float))
            {
                Avx512F.MaskStore((float*)p, mask.AsSingle(), value.AsSingle());
            }
            else
            {
                Avx512F.MaskStore((double*)p, mask.AsDouble(), value.AsDouble());
            }
#else
            for (int i = 0; i < Vector512<T>.Count; i++)
            {
                if (LaneSet(mask, i))
                {
                    p[i] = value[i];
                }
            }
#endif
        }

#if !NET9_0_OR_GREATER
        /// <summary>Whether lane i of a comparison mask is set (its sign bit, as the AVX-512 masked moves read it).</summary>
        private static bool LaneSet<T>(Vector512<T> mask, int i)
            where T : unmanaged
            => Vector512<T>.Count == 16 ? mask.AsInt32()[i] < 0 : mask.AsInt64()[i] < 0;

        /// <summary>0, 1, 2, … : <c>Vector256&lt;int&gt;.Indices</c>, which .NET 8 lacks.</summary>
        internal static Vector256<int> Indices256 => Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

        /// <summary>0, 1, 2, 3: <c>Vector128&lt;int&gt;.Indices</c>, which .NET 8 lacks.</summary>
        internal static Vector128<int> Indices128 => Vector128.Create(0, 1, 2, 3);
#else
        /// <summary>0, 1, 2, … in each lane.</summary>
        internal static Vector256<int> Indices256 => Vector256<int>.Indices;

        /// <summary>0, 1, 2, 3.</summary>
        internal static Vector128<int> Indices128 => Vector128<int>.Indices;
#endif

        /// <summary>0, 1, 2, … in each lane: compared with a count, the mask of a row's last, partial vector.</summary>
        internal static Vector512<T> Indices<T>()
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Span<T> values = stackalloc T[Vector512<T>.Count];
            for (int l = 0; l < values.Length; l++)
            {
                values[l] = T.CreateTruncating(l);
            }

            return Vector512.Create<T>(values);
        }

        /// <summary><c>a · b + c</c> with one rounding.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        {
#if NET9_0_OR_GREATER
            if (typeof(T) == typeof(float))
            {
                return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            }

            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
#else
            // .NET 8 has no Vector256.FusedMultiplyAdd: the FMA3 instruction, or one rounding per lane in software.
            if (System.Runtime.Intrinsics.X86.Fma.IsSupported && typeof(T) == typeof(float))
            {
                return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            }

            if (System.Runtime.Intrinsics.X86.Fma.IsSupported && typeof(T) == typeof(double))
            {
                return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
            }

            Vector256<T> result = default;
            for (int i = 0; i < Vector256<T>.Count; i++)
            {
                T lane = typeof(T) == typeof(float)
                    ? (T)(object)MathF.FusedMultiplyAdd((float)(object)a[i]!, (float)(object)b[i]!, (float)(object)c[i]!)
                    : (T)(object)Math.FusedMultiplyAdd((double)(object)a[i]!, (double)(object)b[i]!, (double)(object)c[i]!);
                result = result.WithElement(i, lane);
            }

            return result;
#endif
        }

        /// <summary>
        /// Row r of dst, columns [0, cols), is set to (or, with <paramref name="add"/>, increased by) row r of src: whole vectors,
        /// then, when copying, one last vector ending at the row's end (overlapping the previous one) instead of a scalar tail.
        /// </summary>
        internal static unsafe void CopyRows<T>(T* src, nint srcStride, T* dst, nint dstStride, int rows, int cols, bool add)
            where T : unmanaged, INumber<T>
        {
            int lanes = Vector512<T>.Count;
            for (int r = 0; r < rows; r++, src += srcStride, dst += dstStride)
            {
                int j = 0;
                if (add)
                {
                    for (; j <= cols - lanes; j += lanes)
                    {
                        Vector512.Store(Vector512.Load(dst + j) + Vector512.Load(src + j), dst + j);
                    }

                    for (; j < cols; j++)
                    {
                        dst[j] += src[j];
                    }

                    continue;
                }

                if (cols < lanes)
                {
                    new ReadOnlySpan<T>(src, cols).CopyTo(new Span<T>(dst, cols));
                    continue;
                }

                for (; j <= cols - lanes; j += lanes)
                {
                    Vector512.Store(Vector512.Load(src + j), dst + j);
                }

                if (j < cols)
                {
                    Vector512.Store(Vector512.Load(src + cols - lanes), dst + cols - lanes);
                }
            }
        }
    }
}
