using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymGrad
{
    /// <summary>Which micro-kernel a GEMM uses; the best one the hardware accelerates is chosen at run time.</summary>
    internal enum GemmPath
    {
        Scalar,
        Vector256,
        Vector512,
    }

    /// <summary>How A and B are stored: the three products a dense layer needs.</summary>
    internal enum GemmForm
    {
        /// <summary>C = A·B; A is (m, k), B is (k, n).</summary>
        AB,

        /// <summary>C = A·Bᵀ; A is (m, k), B is (n, k).</summary>
        ABt,

        /// <summary>C = Aᵀ·B; A is (k, m), B is (k, n).</summary>
        AtB,
    }

    /// <summary>One GEMM call, as raw pointers so the worker thread can run part of it (the caller keeps the spans pinned).</summary>
    internal unsafe struct GemmJob
    {
        public void* A;
        public void* B;
        public void* C;
        public int M;
        public int K;
        public int N;
        public GemmForm Form;
        public bool Accumulate;
        public GemmPath Path;

        /// <summary>Split the rows (true) or the columns (false) of C between the two parts.</summary>
        public bool SplitRows;

        /// <summary>First row (or column) of part 1.</summary>
        public int Split;
    }

    /// <summary>
    /// Goto/BLIS-style blocked GEMM: for each NC-column block and KC-deep slice, B is packed into NR-wide panels
    /// (kept in L2/L3), then for each MC-row block A is packed into MR-tall panels (kept in L2), and the micro-kernel
    /// runs over every (MR, NR) tile.
    /// </summary>
    internal static unsafe class GemmDriver
    {
        /// <summary>
        /// Depth of a packed slice. A deeper slice amortises the load and store of each C tile over more FMAs; measured at
        /// 1024³ on this Zen 4 (32 KB L1, 1 MB L2): KC 256 → 88–92, 512 → 97–99 GFLOP/s (the 64 KB B panel is served from L2).
        /// </summary>
        internal const int Kc = 512;

        /// <summary>Micro-panels per packed A block: MC = 12·MR = 96 rows, a 192 KB A block for floats, resident in L2.</summary>
        internal const int McTiles = 12;

        /// <summary>Bytes of one packed B block (KC × NC): 2 MB, a share of L3 per core.</summary>
        private const int PackedBBytes = 2 << 20;

        /// <summary>Depth of one transpose chunk while packing: 64 × 32 floats = 8 KB of panel, written while it sits in L1.</summary>
        private const int PackChunk = 64;

        /// <summary>The fastest path this machine accelerates.</summary>
        internal static readonly GemmPath BestPath =
            Vector512.IsHardwareAccelerated ? GemmPath.Vector512 :
            Vector256.IsHardwareAccelerated ? GemmPath.Vector256 : GemmPath.Scalar;

        internal static int Mr<T>(GemmPath path) => path switch
        {
            GemmPath.Vector512 => GemmMicroKernels.Mr512,
            GemmPath.Vector256 => GemmMicroKernels.Mr256,
            _ => GemmMicroKernels.MrScalar,
        };

        /// <summary>Rows of one packed A block (MC).</summary>
        internal static int Mc<T>(GemmPath path) => Mr<T>(path) * McTiles;

        /// <summary>The widest C (in columns) for which an Aᵀ stored (k, m) is read in place rather than packed: 4 tiles.</summary>
        internal static int InPlaceAColumns<T>(GemmPath path) => 4 * Nr<T>(path);

        internal static int Nr<T>(GemmPath path) => path switch
        {
            GemmPath.Vector512 => 2 * Vector512<T>.Count,
            GemmPath.Vector256 => 2 * Vector256<T>.Count,
            _ => GemmMicroKernels.NrScalar,
        };

        /// <summary>Runs the part (0 or 1) of the job at <paramref name="jobPointer"/> that this thread owns; part -1 is the whole product.</summary>
        internal static void RunPart<T>(void* jobPointer, int part)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly GemmJob job = ref *(GemmJob*)jobPointer;
            int m0 = 0, m1 = job.M, n0 = 0, n1 = job.N;
            if (part >= 0)
            {
                ref int lo = ref job.SplitRows ? ref m0 : ref n0;
                ref int hi = ref job.SplitRows ? ref m1 : ref n1;
                if (part == 0)
                {
                    hi = job.Split;
                }
                else
                {
                    lo = job.Split;
                }
            }

            Run<T>(job, m0, m1, n0, n1);
        }

        /// <summary>Computes rows [m0, m1) × columns [n0, n1) of C.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no slow tier-0 loops or profile-specialized layouts
        private static void Run<T>(in GemmJob job, int m0, int m1, int n0, int n1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (m0 >= m1 || n0 >= n1)
            {
                return;
            }

            // A right edge at most one vector wide goes to the narrow kernel, which reads A in place (see GemmNarrow).
            int edge = GemmNarrow.EdgeColumns<T>(job.Path, n1 - n0);
            if (edge > 0)
            {
                GemmNarrow.Run<T>(job, m0, m1, n1 - edge, n1);
                n1 -= edge;
                if (n0 >= n1)
                {
                    return;
                }
            }

            T* a = (T*)job.A, b = (T*)job.B, c = (T*)job.C;
            int m = job.M, k = job.K, n = job.N;

            // Element (i, p) of the logical A is a[i * rsA + p * csA]; element (p, j) of the logical B is b[p * rsB + j * csB].
            nint rsA = job.Form == GemmForm.AtB ? 1 : k, csA = job.Form == GemmForm.AtB ? m : 1;
            nint rsB = job.Form == GemmForm.ABt ? 1 : n, csB = job.Form == GemmForm.ABt ? k : 1;

            GemmPath path = job.Path;
            int mr = Mr<T>(path), nr = Nr<T>(path);
            int mc = Mc<T>(path);
            int nc = Math.Max(nr, PackedBBytes / (Kc * sizeof(T)) / nr * nr);
            int kcMax = Math.Min(Kc, k);
            int ncMax = Math.Min(nc, RoundUp(n1 - n0, nr));
            int mcMax = Math.Min(mc, RoundUp(m1 - m0, mr));
            T* packA = Buffers<T>.A(mcMax * kcMax);
            T* packB = Buffers<T>.B(ncMax * kcMax);

            // Rows within one A block: each B panel serves that block alone, so copying it costs more than the contiguous
            // reads save (and with the rows split, both threads would copy all of B). A row-major B is then read in
            // place for its full-width tiles; only a partial last tile is packed, zero-padded. 64×1000×100: 10 µs of 150.
            bool bInPlace = csB == 1 && m1 - m0 <= mc;

            // The same for A when it is stored transposed (k, m), its MR elements of one p contiguous, and C has at most 4
            // tile columns to reuse a packed panel: 1000×64×100 (a weight gradient) spent 12% of its time packing A.
            bool aInPlace = rsA == 1 && n1 - n0 <= InPlaceAColumns<T>(path);

            // Partial edge tiles are computed into this scratch tile and then copied out.
            T* tile = stackalloc T[GemmMicroKernels.Mr512 * 2 * 64 / sizeof(T)];

            for (int jc = n0; jc < n1; jc += nc)
            {
                int ncb = Math.Min(nc, n1 - jc);
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);

                    // The first slice overwrites C unless the caller asked to accumulate; later slices add.
                    bool add = job.Accumulate || pc > 0;
                    T* bSlice = b + (pc * rsB) + (jc * csB);
                    int fullWidth = bInPlace ? ncb / nr * nr : 0;
                    PackB(bSlice + (fullWidth * csB), rsB, csB, kc, ncb - fullWidth, nr, packB);
                    for (int ic = m0; ic < m1; ic += mc)
                    {
                        int mcb = Math.Min(mc, m1 - ic);
                        T* aBlock = a + (ic * rsA) + (pc * csA);
                        int fullHeight = aInPlace ? mcb / mr * mr : 0;
                        PackA(aBlock + (fullHeight * rsA), rsA, csA, mcb - fullHeight, kc, mr, packA);
                        for (int jr = 0; jr < ncb; jr += nr)
                        {
                            int nrb = Math.Min(nr, ncb - jr);
                            T* pb = jr < fullWidth ? bSlice + jr : packB + ((jr - fullWidth) * kc);
                            nint ldb = jr < fullWidth ? rsB : nr;
                            for (int ir = 0; ir < mcb; ir += mr)
                            {
                                int mrb = Math.Min(mr, mcb - ir);
                                T* pa = ir < fullHeight ? aBlock + ir : packA + ((ir - fullHeight) * kc);
                                nint lda = ir < fullHeight ? csA : mr;
                                T* pc0 = c + ((nint)(ic + ir) * n) + jc + jr;
                                if (mrb == mr && nrb == nr)
                                {
                                    Kernel(path, kc, pa, lda, pb, ldb, pc0, n, add);
                                }
                                else
                                {
                                    Kernel(path, kc, pa, lda, pb, ldb, tile, nr, false);
                                    for (int i = 0; i < mrb; i++)
                                    {
                                        Span<T> src = new(tile + (i * nr), nrb);
                                        Span<T> dst = new(pc0 + ((nint)i * n), nrb);
                                        if (add)
                                        {
                                            for (int j = 0; j < nrb; j++)
                                            {
                                                dst[j] += src[j];
                                            }
                                        }
                                        else
                                        {
                                            src.CopyTo(dst);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Kernel<T>(GemmPath path, int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool add)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (path)
            {
                case GemmPath.Vector512:
                    GemmMicroKernels.Kernel512(kc, a, lda, b, ldb, c, ldc, add);
                    break;
                case GemmPath.Vector256:
                    GemmMicroKernels.Kernel256(kc, a, lda, b, ldb, c, ldc, add);
                    break;
                default:
                    GemmMicroKernels.KernelScalar(kc, a, lda, b, ldb, c, ldc, add);
                    break;
            }
        }

        /// <summary>Packs an (mc, kc) block of A into MR-tall panels: panel element (i, p) at p·MR + i, rows past mc zero.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no slow tier-0 loops or profile-specialized layouts
        private static void PackA<T>(T* a, nint rs, nint cs, int mc, int kc, int mr, T* dst)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                T* src = a + (ir * rs);
                if (cs == 1)
                {
                    // Row-major A: transpose in chunks of PackChunk columns, so each row is read sequentially and the
                    // chunk of the panel being written (PackChunk · MR elements) stays in L1.
                    for (int p0 = 0; p0 < kc; p0 += PackChunk)
                    {
                        int p1 = Math.Min(p0 + PackChunk, kc);
                        int i = TransposeGroupsOf4(src, rs, dst, mr, rows, p0, p1);

                        for (; i < rows; i++)
                        {
                            T* row = src + (i * rs);
                            T* d = dst + i;
                            for (int p = p0; p < p1; p++)
                            {
                                d[p * mr] = row[p];
                            }
                        }
                    }
                }
                else
                {
                    // Transposed A: the MR elements of one p are contiguous.
                    for (int p = 0; p < kc; p++)
                    {
                        CopyShort(src + (p * cs), dst + (p * mr), rows);
                    }
                }

                if (rows < mr)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        new Span<T>(dst + (p * mr) + rows, mr - rows).Clear();
                    }
                }

                dst += mr * kc;
            }
        }

        /// <summary>
        /// Packs the first whole groups of 4 of <paramref name="count"/> strided lines (rows of A, columns of B), depth
        /// [p0, p1), through 4×4 register transposes (four loads, eight shuffles, four stores); returns how many lines it
        /// packed (the caller packs the rest one by one).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int TransposeGroupsOf4<T>(T* src, nint stride, T* dst, nint ld, int count, int p0, int p1)
            where T : unmanaged
        {
            int i = 0;
            if (typeof(T) == typeof(float) && Sse.IsSupported)
            {
                for (; i + 4 <= count; i += 4)
                {
                    Transpose4x4Blocks((float*)(src + (i * stride)), stride, (float*)(dst + i), ld, p0, p1);
                }
            }
            else if (typeof(T) == typeof(double) && Avx.IsSupported)
            {
                for (; i + 4 <= count; i += 4)
                {
                    Transpose4x4Blocks((double*)(src + (i * stride)), stride, (double*)(dst + i), ld, p0, p1);
                }
            }

            return i;
        }

        private static void Transpose4x4Blocks(float* src, nint rs, float* dst, nint ld, int p0, int p1)
        {
            float* r0 = src, r1 = src + rs, r2 = src + (2 * rs), r3 = src + (3 * rs);
            int p = p0;
            for (; p + 4 <= p1; p += 4)
            {
                Vector128<float> a = Sse.LoadVector128(r0 + p), b = Sse.LoadVector128(r1 + p);
                Vector128<float> c = Sse.LoadVector128(r2 + p), d = Sse.LoadVector128(r3 + p);
                Vector128<float> ab0 = Sse.UnpackLow(a, b), ab1 = Sse.UnpackHigh(a, b); // a0 b0 a1 b1 | a2 b2 a3 b3
                Vector128<float> cd0 = Sse.UnpackLow(c, d), cd1 = Sse.UnpackHigh(c, d);
                float* o = dst + (p * ld);
                Sse.Store(o, Sse.MoveLowToHigh(ab0, cd0));              // a0 b0 c0 d0
                Sse.Store(o + ld, Sse.MoveHighToLow(cd0, ab0));         // a1 b1 c1 d1
                Sse.Store(o + (2 * ld), Sse.MoveLowToHigh(ab1, cd1));   // a2 b2 c2 d2
                Sse.Store(o + (3 * ld), Sse.MoveHighToLow(cd1, ab1));   // a3 b3 c3 d3
            }

            for (; p < p1; p++)
            {
                float* o = dst + (p * ld);
                o[0] = r0[p];
                o[1] = r1[p];
                o[2] = r2[p];
                o[3] = r3[p];
            }
        }

        /// <summary>The double form of <see cref="Transpose4x4Blocks(float*, nint, float*, nint, int, int)"/>, in AVX registers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transpose4x4Blocks(double* src, nint rs, double* dst, nint ld, int p0, int p1)
        {
            double* r0 = src, r1 = src + rs, r2 = src + (2 * rs), r3 = src + (3 * rs);
            int p = p0;
            for (; p + 4 <= p1; p += 4)
            {
                Vector256<double> a = Avx.LoadVector256(r0 + p), b = Avx.LoadVector256(r1 + p);
                Vector256<double> c = Avx.LoadVector256(r2 + p), d = Avx.LoadVector256(r3 + p);
                Vector256<double> ab0 = Avx.UnpackLow(a, b), ab1 = Avx.UnpackHigh(a, b); // a0 b0 a2 b2 | a1 b1 a3 b3
                Vector256<double> cd0 = Avx.UnpackLow(c, d), cd1 = Avx.UnpackHigh(c, d);
                double* o = dst + (p * ld);
                Avx.Store(o, Avx.Permute2x128(ab0, cd0, 0x20));            // a0 b0 c0 d0
                Avx.Store(o + ld, Avx.Permute2x128(ab1, cd1, 0x20));       // a1 b1 c1 d1
                Avx.Store(o + (2 * ld), Avx.Permute2x128(ab0, cd0, 0x31)); // a2 b2 c2 d2
                Avx.Store(o + (3 * ld), Avx.Permute2x128(ab1, cd1, 0x31)); // a3 b3 c3 d3
            }

            for (; p < p1; p++)
            {
                double* o = dst + (p * ld);
                o[0] = r0[p];
                o[1] = r1[p];
                o[2] = r2[p];
                o[3] = r3[p];
            }
        }

        /// <summary>Packs a (kc, nc) block of B into NR-wide panels: panel element (p, j) at p·NR + j, columns past nc zero.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no slow tier-0 loops or profile-specialized layouts
        private static void PackB<T>(T* b, nint rs, nint cs, int kc, int nc, int nr, T* dst)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int jr = 0; jr < nc; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                T* src = b + (jr * cs);
                if (cs == 1)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        CopyShort(src + (p * rs), dst + (p * nr), cols);
                    }
                }
                else
                {
                    // Bᵀ stored (n, k): each logical column is a contiguous row; transposed in chunks as in PackA.
                    // (Reading all NR rows in lock-step, p outer, puts 32 streams 4·k bytes apart into a few L1 sets.)
                    for (int p0 = 0; p0 < kc; p0 += PackChunk)
                    {
                        int p1 = Math.Min(p0 + PackChunk, kc);
                        int j = TransposeGroupsOf4(src, cs, dst, nr, cols, p0, p1);

                        for (; j < cols; j++)
                        {
                            T* col = src + (j * cs);
                            T* d = dst + j;
                            for (int p = p0; p < p1; p++)
                            {
                                d[p * nr] = col[p];
                            }
                        }
                    }
                }

                if (cols < nr)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        new Span<T>(dst + (p * nr) + cols, nr - cols).Clear();
                    }
                }

                dst += nr * kc;
            }
        }

        /// <summary>
        /// Copies a run of at most a few vectors (a panel row: MR or NR elements) with vector loads and stores. Span.CopyTo
        /// is a memmove call per run, which for 48- or 128-byte runs cost as much as the copy (thousands of runs per call).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void CopyShort<T>(T* src, T* dst, int count)
            where T : unmanaged
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + Vector512<T>.Count <= count; i += Vector512<T>.Count)
                {
                    Vector512.Load(src + i).Store(dst + i);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + Vector256<T>.Count <= count; i += Vector256<T>.Count)
                {
                    Vector256.Load(src + i).Store(dst + i);
                }
            }

            if (Vector128.IsHardwareAccelerated)
            {
                for (; i + Vector128<T>.Count <= count; i += Vector128<T>.Count)
                {
                    Vector128.Load(src + i).Store(dst + i);
                }
            }

            for (; i < count; i++)
            {
                dst[i] = src[i];
            }
        }

        private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

        /// <summary>
        /// Per-thread packing buffers, pinned (allocated on the pinned object heap) and 64-byte aligned. They grow to
        /// the largest block a thread has needed and are then reused, so a steady-state call allocates nothing.
        /// <see cref="GemmNarrow"/> packs its B panels into <see cref="B"/> too (a thread runs one product at a time).
        /// </summary>
        internal static class Buffers<T>
            where T : unmanaged
        {
            [ThreadStatic]
            private static T[]? s_a;

            [ThreadStatic]
            private static T[]? s_b;

            internal static T* A(int length) => Get(ref s_a, length);

            internal static T* B(int length) => Get(ref s_b, length);

            private static T* Get(ref T[]? array, int length)
            {
                int padding = 64 / sizeof(T);
                if (array is null || array.Length < length + padding)
                {
                    array = GC.AllocateUninitializedArray<T>(length + padding, pinned: true);
                }

                nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
                return (T*)((address + 63) & ~(nint)63);
            }
        }
    }
}
