using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymGrad
{
    /// <summary>
    /// The innermost GEMM loops: one register tile of C from one packed A panel and one packed B panel.
    /// A panel element (i, p) is at <c>a[p * lda + i]</c>, B panel element (p, j) at <c>b[p * ldb + j]</c>: packed panels
    /// (<c>lda</c> = MR, <c>ldb</c> = NR, zero-padded to full MR/NR so the kernels never branch on edges; the driver
    /// handles partial C tiles) or, for a full tile, the operand itself where its MR or NR elements are contiguous
    /// (<c>lda</c> or <c>ldb</c> = its row length: Aᵀ stored (k, m), a row-major B).
    /// Generic over float/double: the JIT specialises each instantiation and folds the type tests in <see cref="Simd.Fma{T}(Vector512{T}, Vector512{T}, Vector512{T})"/>.
    /// </summary>
    internal static class GemmMicroKernels
    {
        /// <summary>Rows of the Vector512 tile.</summary>
        internal const int Mr512 = 8;

        /// <summary>Rows of the Vector256 tile.</summary>
        internal const int Mr256 = 6;

        /// <summary>Rows and columns of the scalar tile.</summary>
        internal const int MrScalar = 4, NrScalar = 4;

        /// <summary>
        /// C tile (8, 2·W512) (+)= packed A panel (kc, 8) · B panel (kc, 2·W512): 16 independent FMA chains. This CPU (Zen 4:
        /// a 512-bit FMA runs as two 256-bit halves) retires one 512-bit FMA per cycle, so 16 chains hide the 4-cycle
        /// latency with room to spare; 8 rows rather than 12 leave no row edge on the batch sizes networks use (64 rows: 8 tiles, where 12-row
        /// tiles computed 72), measured 64×1000×100: 176 → 150 µs, 256³ unchanged or faster (327 → 313 µs).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe void Kernel512<T>(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool add)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            nint w = Vector512<T>.Count;

            // Fetch the C tile now so its misses overlap the k loop instead of stalling the final update.
            if (Sse.IsSupported)
            {
                Sse.Prefetch0(c + (0 * ldc));
                Sse.Prefetch0(c + (0 * ldc) + w);
                Sse.Prefetch0(c + (1 * ldc));
                Sse.Prefetch0(c + (1 * ldc) + w);
                Sse.Prefetch0(c + (2 * ldc));
                Sse.Prefetch0(c + (2 * ldc) + w);
                Sse.Prefetch0(c + (3 * ldc));
                Sse.Prefetch0(c + (3 * ldc) + w);
                Sse.Prefetch0(c + (4 * ldc));
                Sse.Prefetch0(c + (4 * ldc) + w);
                Sse.Prefetch0(c + (5 * ldc));
                Sse.Prefetch0(c + (5 * ldc) + w);
                Sse.Prefetch0(c + (6 * ldc));
                Sse.Prefetch0(c + (6 * ldc) + w);
                Sse.Prefetch0(c + (7 * ldc));
                Sse.Prefetch0(c + (7 * ldc) + w);
            }

            Vector512<T> c00 = Vector512<T>.Zero, c01 = Vector512<T>.Zero;
            Vector512<T> c10 = Vector512<T>.Zero, c11 = Vector512<T>.Zero;
            Vector512<T> c20 = Vector512<T>.Zero, c21 = Vector512<T>.Zero;
            Vector512<T> c30 = Vector512<T>.Zero, c31 = Vector512<T>.Zero;
            Vector512<T> c40 = Vector512<T>.Zero, c41 = Vector512<T>.Zero;
            Vector512<T> c50 = Vector512<T>.Zero, c51 = Vector512<T>.Zero;
            Vector512<T> c60 = Vector512<T>.Zero, c61 = Vector512<T>.Zero;
            Vector512<T> c70 = Vector512<T>.Zero, c71 = Vector512<T>.Zero;
            for (int p = 0; p < kc; p++)
            {
                Vector512<T> b0 = Vector512.Load(b);
                Vector512<T> b1 = Vector512.Load(b + w);
                Vector512<T> a0 = Vector512.Create(a[0]);
                c00 = Simd.Fma(a0, b0, c00);
                c01 = Simd.Fma(a0, b1, c01);
                Vector512<T> a1 = Vector512.Create(a[1]);
                c10 = Simd.Fma(a1, b0, c10);
                c11 = Simd.Fma(a1, b1, c11);
                Vector512<T> a2 = Vector512.Create(a[2]);
                c20 = Simd.Fma(a2, b0, c20);
                c21 = Simd.Fma(a2, b1, c21);
                Vector512<T> a3 = Vector512.Create(a[3]);
                c30 = Simd.Fma(a3, b0, c30);
                c31 = Simd.Fma(a3, b1, c31);
                Vector512<T> a4 = Vector512.Create(a[4]);
                c40 = Simd.Fma(a4, b0, c40);
                c41 = Simd.Fma(a4, b1, c41);
                Vector512<T> a5 = Vector512.Create(a[5]);
                c50 = Simd.Fma(a5, b0, c50);
                c51 = Simd.Fma(a5, b1, c51);
                Vector512<T> a6 = Vector512.Create(a[6]);
                c60 = Simd.Fma(a6, b0, c60);
                c61 = Simd.Fma(a6, b1, c61);
                Vector512<T> a7 = Vector512.Create(a[7]);
                c70 = Simd.Fma(a7, b0, c70);
                c71 = Simd.Fma(a7, b1, c71);
                a += lda;
                b += ldb;
            }

            if (add)
            {
                T* r0 = c + (0 * ldc);
                Vector512.Store(Vector512.Load(r0) + c00, r0);
                Vector512.Store(Vector512.Load(r0 + w) + c01, r0 + w);
                T* r1 = c + (1 * ldc);
                Vector512.Store(Vector512.Load(r1) + c10, r1);
                Vector512.Store(Vector512.Load(r1 + w) + c11, r1 + w);
                T* r2 = c + (2 * ldc);
                Vector512.Store(Vector512.Load(r2) + c20, r2);
                Vector512.Store(Vector512.Load(r2 + w) + c21, r2 + w);
                T* r3 = c + (3 * ldc);
                Vector512.Store(Vector512.Load(r3) + c30, r3);
                Vector512.Store(Vector512.Load(r3 + w) + c31, r3 + w);
                T* r4 = c + (4 * ldc);
                Vector512.Store(Vector512.Load(r4) + c40, r4);
                Vector512.Store(Vector512.Load(r4 + w) + c41, r4 + w);
                T* r5 = c + (5 * ldc);
                Vector512.Store(Vector512.Load(r5) + c50, r5);
                Vector512.Store(Vector512.Load(r5 + w) + c51, r5 + w);
                T* r6 = c + (6 * ldc);
                Vector512.Store(Vector512.Load(r6) + c60, r6);
                Vector512.Store(Vector512.Load(r6 + w) + c61, r6 + w);
                T* r7 = c + (7 * ldc);
                Vector512.Store(Vector512.Load(r7) + c70, r7);
                Vector512.Store(Vector512.Load(r7 + w) + c71, r7 + w);
            }
            else
            {
                T* r0 = c + (0 * ldc);
                Vector512.Store(c00, r0);
                Vector512.Store(c01, r0 + w);
                T* r1 = c + (1 * ldc);
                Vector512.Store(c10, r1);
                Vector512.Store(c11, r1 + w);
                T* r2 = c + (2 * ldc);
                Vector512.Store(c20, r2);
                Vector512.Store(c21, r2 + w);
                T* r3 = c + (3 * ldc);
                Vector512.Store(c30, r3);
                Vector512.Store(c31, r3 + w);
                T* r4 = c + (4 * ldc);
                Vector512.Store(c40, r4);
                Vector512.Store(c41, r4 + w);
                T* r5 = c + (5 * ldc);
                Vector512.Store(c50, r5);
                Vector512.Store(c51, r5 + w);
                T* r6 = c + (6 * ldc);
                Vector512.Store(c60, r6);
                Vector512.Store(c61, r6 + w);
                T* r7 = c + (7 * ldc);
                Vector512.Store(c70, r7);
                Vector512.Store(c71, r7 + w);
            }
        }

        /// <summary>C tile (6, 2·W256) (+)= packed A panel (kc, 6) · B panel (kc, 2·W256): 12 accumulators + 2 B vectors + 1 broadcast fit the 16 AVX2 registers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe void Kernel256<T>(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool add)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            nint w = Vector256<T>.Count;
            Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero;
            Vector256<T> c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero;
            Vector256<T> c20 = Vector256<T>.Zero, c21 = Vector256<T>.Zero;
            Vector256<T> c30 = Vector256<T>.Zero, c31 = Vector256<T>.Zero;
            Vector256<T> c40 = Vector256<T>.Zero, c41 = Vector256<T>.Zero;
            Vector256<T> c50 = Vector256<T>.Zero, c51 = Vector256<T>.Zero;
            for (int p = 0; p < kc; p++)
            {
                Vector256<T> b0 = Vector256.Load(b);
                Vector256<T> b1 = Vector256.Load(b + w);
                Vector256<T> a0 = Vector256.Create(a[0]);
                c00 = Simd.Fma(a0, b0, c00);
                c01 = Simd.Fma(a0, b1, c01);
                Vector256<T> a1 = Vector256.Create(a[1]);
                c10 = Simd.Fma(a1, b0, c10);
                c11 = Simd.Fma(a1, b1, c11);
                Vector256<T> a2 = Vector256.Create(a[2]);
                c20 = Simd.Fma(a2, b0, c20);
                c21 = Simd.Fma(a2, b1, c21);
                Vector256<T> a3 = Vector256.Create(a[3]);
                c30 = Simd.Fma(a3, b0, c30);
                c31 = Simd.Fma(a3, b1, c31);
                Vector256<T> a4 = Vector256.Create(a[4]);
                c40 = Simd.Fma(a4, b0, c40);
                c41 = Simd.Fma(a4, b1, c41);
                Vector256<T> a5 = Vector256.Create(a[5]);
                c50 = Simd.Fma(a5, b0, c50);
                c51 = Simd.Fma(a5, b1, c51);
                a += lda;
                b += ldb;
            }

            if (add)
            {
                T* r0 = c + (0 * ldc);
                Vector256.Store(Vector256.Load(r0) + c00, r0);
                Vector256.Store(Vector256.Load(r0 + w) + c01, r0 + w);
                T* r1 = c + (1 * ldc);
                Vector256.Store(Vector256.Load(r1) + c10, r1);
                Vector256.Store(Vector256.Load(r1 + w) + c11, r1 + w);
                T* r2 = c + (2 * ldc);
                Vector256.Store(Vector256.Load(r2) + c20, r2);
                Vector256.Store(Vector256.Load(r2 + w) + c21, r2 + w);
                T* r3 = c + (3 * ldc);
                Vector256.Store(Vector256.Load(r3) + c30, r3);
                Vector256.Store(Vector256.Load(r3 + w) + c31, r3 + w);
                T* r4 = c + (4 * ldc);
                Vector256.Store(Vector256.Load(r4) + c40, r4);
                Vector256.Store(Vector256.Load(r4 + w) + c41, r4 + w);
                T* r5 = c + (5 * ldc);
                Vector256.Store(Vector256.Load(r5) + c50, r5);
                Vector256.Store(Vector256.Load(r5 + w) + c51, r5 + w);
            }
            else
            {
                T* r0 = c + (0 * ldc);
                Vector256.Store(c00, r0);
                Vector256.Store(c01, r0 + w);
                T* r1 = c + (1 * ldc);
                Vector256.Store(c10, r1);
                Vector256.Store(c11, r1 + w);
                T* r2 = c + (2 * ldc);
                Vector256.Store(c20, r2);
                Vector256.Store(c21, r2 + w);
                T* r3 = c + (3 * ldc);
                Vector256.Store(c30, r3);
                Vector256.Store(c31, r3 + w);
                T* r4 = c + (4 * ldc);
                Vector256.Store(c40, r4);
                Vector256.Store(c41, r4 + w);
                T* r5 = c + (5 * ldc);
                Vector256.Store(c50, r5);
                Vector256.Store(c51, r5 + w);
            }
        }

        /// <summary>C tile (4, 4) (+)= packed A (kc, 4) · packed B (kc, 4) with scalar FMAs: the fallback without SIMD.</summary>
        internal static unsafe void KernelScalar<T>(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool add)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            T* acc = stackalloc T[MrScalar * NrScalar];
            for (int t = 0; t < MrScalar * NrScalar; t++)
            {
                acc[t] = T.Zero;
            }

            for (int p = 0; p < kc; p++)
            {
                for (int i = 0; i < MrScalar; i++)
                {
                    T ai = a[i];
                    for (int j = 0; j < NrScalar; j++)
                    {
                        acc[(i * NrScalar) + j] = T.FusedMultiplyAdd(ai, b[j], acc[(i * NrScalar) + j]);
                    }
                }

                a += lda;
                b += ldb;
            }

            for (int i = 0; i < MrScalar; i++)
            {
                for (int j = 0; j < NrScalar; j++)
                {
                    T v = acc[(i * NrScalar) + j];
                    c[(i * ldc) + j] = add ? c[(i * ldc) + j] + v : v;
                }
            }
        }
    }
}
