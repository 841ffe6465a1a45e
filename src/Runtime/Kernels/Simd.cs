using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
