using System;
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
            if (typeof(T) == typeof(float))
            {
                return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            }

            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
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

        /// <summary><c>a · b + c</c> with one rounding.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        {
            if (typeof(T) == typeof(float))
            {
                return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            }

            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
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
