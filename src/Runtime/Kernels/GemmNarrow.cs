using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SymGrad
{
    /// <summary>
    /// GEMM for a narrow C (n ≤ 2 vectors: 32 floats, 16 doubles), such as a classifier layer's 10 outputs. The blocked
    /// driver would pad n to a 32-wide micro-tile and, for row-major A, transpose all of A into panels: for n = 10 that
    /// is two thirds of the FMAs wasted and a packing pass that costs as much as the product. Here only B (k·n elements)
    /// is copied, into zero-padded one-vector panels; A is read in place, 8 rows at a time (one broadcast per element),
    /// and the 8 accumulators of a row block stay in registers over the whole depth k, so C is written once. A last panel
    /// of at most 8 floats (4 doubles) is a Vector256 one (see <see cref="Run{T}"/>).
    /// </summary>
    internal static unsafe class GemmNarrow
    {
        /// <summary>Rows of C computed together: 8 independent FMA chains hide the 4-cycle latency at one FMA per cycle.</summary>
        private const int Rows = 8;

        /// <summary>Whether <paramref name="n"/> is narrow enough for this path on <paramref name="path"/> (Vector512 only).</summary>
        internal static bool Applies<T>(GemmPath path, int n)
            where T : unmanaged
            => path == GemmPath.Vector512 && n <= 2 * Vector512<T>.Count;

        /// <summary>
        /// Columns at the right edge of [n0, n1) that the blocked driver leaves to this path: the part past the last full
        /// NR-wide tile when it is at most one vector wide (0 when there is none, or off the Vector512 path).
        /// </summary>
        internal static int EdgeColumns<T>(GemmPath path, int width)
            where T : unmanaged
        {
            int rest = width % (2 * Vector512<T>.Count);
            return path == GemmPath.Vector512 && rest <= Vector512<T>.Count ? rest : 0;
        }

        /// <summary>Runs the part (0 or 1) of <paramref name="jobPointer"/> that this thread owns (split by rows); -1 is the whole product.</summary>
        internal static void RunPart<T>(void* jobPointer, int part)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly GemmJob job = ref *(GemmJob*)jobPointer;
            int m0 = part == 1 ? job.Split : 0;
            int m1 = part == 0 ? job.Split : job.M;
            Run<T>(job, m0, m1, 0, job.N);
        }

        /// <summary>Splits the rows of C in two at a multiple of the row block; false if there is only one block.</summary>
        internal static bool Split(ref GemmJob job)
        {
            int blocks = (job.M + Rows - 1) / Rows;
            job.SplitRows = true;
            job.Split = (blocks + 1) / 2 * Rows;
            return blocks > 1;
        }

        /// <summary>
        /// Computes rows [m0, m1) × columns [n0, n1) of C. Besides a narrow C, the blocked driver sends here the last
        /// columns of a wider C when they fill at most one vector (100 = 3·32 + 4): a 32-wide tile for them would cost
        /// twice the FMAs (two vectors per row instead of one), plus its rows' padding to a multiple of 12.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void Run<T>(in GemmJob job, int m0, int m1, int n0, int n1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (m0 >= m1 || n0 >= n1)
            {
                return;
            }

            T* a = (T*)job.A, b = (T*)job.B, c = (T*)job.C;
            int m = job.M, k = job.K, n = job.N;

            // Element (i, p) of the logical A is a[i * rsA + p * csA]; element (p, j) of the logical B is b[p * rsB + j * csB].
            nint rsA = job.Form == GemmForm.AtB ? 1 : k, csA = job.Form == GemmForm.AtB ? m : 1;
            nint rsB = job.Form == GemmForm.ABt ? 1 : n, csB = job.Form == GemmForm.ABt ? k : 1;

            // One Vector512 per row and panel, except a last chunk that fits a Vector256: this CPU runs 512-bit FMAs at half
            // the rate of 256-bit ones (two 256-bit halves), so 4 columns cost half as much in a Vector256 (100 = 96 + 4).
            for (int j0 = n0; j0 < n1;)
            {
                int cols = n1 - j0;
                if (cols <= Vector256<T>.Count)
                {
                    Columns<T, Vector256<T>, Lanes256<T>>(a, rsA, csA, b + (j0 * csB), rsB, csB, k, c + j0, n, m0, m1, cols, job.Accumulate);
                    break;
                }

                cols = Math.Min(cols, Vector512<T>.Count);
                Columns<T, Vector512<T>, Lanes512<T>>(a, rsA, csA, b + (j0 * csB), rsB, csB, k, c + j0, n, m0, m1, cols, job.Accumulate);
                j0 += cols;
            }
        }

        /// <summary>Rows [m0, m1) of C's columns [0, cols) (cols ≤ one <typeparamref name="TV"/>): B's columns packed into one zero-padded panel, then 8 rows at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Columns<T, TV, TL>(T* a, nint rsA, nint csA, T* b, nint rsB, nint csB, int k, T* c, nint ldc, int m0, int m1, int cols, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TL : struct, ILanes<T, TV>
        {
            int w = TL.Count;
            T* panel = GemmDriver.Buffers<T>.B(k * w);
            PackPanel(b, rsB, csB, k, cols, w, panel);
            for (int i = m0; i < m1; i += Rows)
            {
                EightRows<T, TV, TL>(a + (i * rsA), rsA, csA, panel, k, c + ((nint)i * ldc), ldc, Math.Min(Rows, m1 - i), cols, accumulate);
            }
        }

        /// <summary>Copies columns [0, cols) of the (k, ·) block of B into a (k, w) panel, the columns past cols zero.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static void PackPanel<T>(T* b, nint rs, nint cs, int k, int cols, int w, T* panel)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            new Span<T>(panel, k * w).Clear();
            for (int j = 0; j < cols; j++)
            {
                T* src = b + (j * cs);
                T* dst = panel + j;
                for (int p = 0; p < k; p++)
                {
                    dst[p * w] = src[p * rs];
                }
            }
        }

        /// <summary>
        /// C rows [0, rows) × panel columns (+)= A rows [0, rows) · panel, A element (r, p) at a[r·rs + p·cs], rows ≤ 8.
        /// A short block (the m mod 8 remainder) recomputes its first row in the missing rows' lanes and stores only its
        /// own: every element of C is then the same FMA chain over p wherever its row falls, so splitting the rows
        /// between threads changes no bit.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void EightRows<T, TV, TL>(T* a, nint rs, nint cs, T* panel, int k, T* c, nint ldc, int rows, int cols, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TL : struct, ILanes<T, TV>
        {
            T* a0 = a;
            T* a1 = rows > 1 ? a + rs : a, a2 = rows > 2 ? a + (2 * rs) : a, a3 = rows > 3 ? a + (3 * rs) : a;
            T* a4 = rows > 4 ? a + (4 * rs) : a, a5 = rows > 5 ? a + (5 * rs) : a, a6 = rows > 6 ? a + (6 * rs) : a, a7 = rows > 7 ? a + (7 * rs) : a;
            TV c0 = TL.Zero, c1 = TL.Zero, c2 = TL.Zero, c3 = TL.Zero;
            TV c4 = TL.Zero, c5 = TL.Zero, c6 = TL.Zero, c7 = TL.Zero;
            nint w = TL.Count, offset = 0;
            T* bp = panel;
            for (int p = 0; p < k; p++)
            {
                TV bv = TL.Load(bp);
                c0 = TL.Fma(TL.Broadcast(a0[offset]), bv, c0);
                c1 = TL.Fma(TL.Broadcast(a1[offset]), bv, c1);
                c2 = TL.Fma(TL.Broadcast(a2[offset]), bv, c2);
                c3 = TL.Fma(TL.Broadcast(a3[offset]), bv, c3);
                c4 = TL.Fma(TL.Broadcast(a4[offset]), bv, c4);
                c5 = TL.Fma(TL.Broadcast(a5[offset]), bv, c5);
                c6 = TL.Fma(TL.Broadcast(a6[offset]), bv, c6);
                c7 = TL.Fma(TL.Broadcast(a7[offset]), bv, c7);
                offset += cs;
                bp += w;
            }

            // No call may follow the loop while the accumulators are live: the vector registers are caller-saved, and
            // the JIT then spills all eight inside the loop. A partial block goes through a stack tile first.
            if (cols == w && rows == Rows)
            {
                Store<T, TV, TL>(c, c0, accumulate);
                Store<T, TV, TL>(c + ldc, c1, accumulate);
                Store<T, TV, TL>(c + (2 * ldc), c2, accumulate);
                Store<T, TV, TL>(c + (3 * ldc), c3, accumulate);
                Store<T, TV, TL>(c + (4 * ldc), c4, accumulate);
                Store<T, TV, TL>(c + (5 * ldc), c5, accumulate);
                Store<T, TV, TL>(c + (6 * ldc), c6, accumulate);
                Store<T, TV, TL>(c + (7 * ldc), c7, accumulate);
                return;
            }

            T* tile = stackalloc T[Rows * Vector512<T>.Count];
            TL.Store(c0, tile);
            TL.Store(c1, tile + w);
            TL.Store(c2, tile + (2 * w));
            TL.Store(c3, tile + (3 * w));
            TL.Store(c4, tile + (4 * w));
            TL.Store(c5, tile + (5 * w));
            TL.Store(c6, tile + (6 * w));
            TL.Store(c7, tile + (7 * w));
            CopyOut(tile, (int)w, rows, c, ldc, cols, accumulate);
        }

        /// <summary>Writes (or adds) a whole vector to a row of C.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store<T, TV, TL>(T* c, TV v, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TL : struct, ILanes<T, TV>
            => TL.Store(accumulate ? TL.Add(TL.Load(c), v) : v, c);

        /// <summary>
        /// Writes (or adds) the first <paramref name="cols"/> lanes of each of <paramref name="rows"/> vectors of a stack
        /// tile to rows of C: a partial row cannot be stored whole, as C's next row starts right after it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static void CopyOut<T>(T* tile, int w, int rows, T* c, nint ldc, int cols, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int r = 0; r < rows; r++)
            {
                T* src = tile + (r * w), dst = c + (r * ldc);
                int j = 0;
                for (; j + Vector128<T>.Count <= cols; j += Vector128<T>.Count)
                {
                    Vector128<T> v = Vector128.Load(src + j);
                    (accumulate ? Vector128.Load(dst + j) + v : v).Store(dst + j);
                }

                for (; j < cols; j++)
                {
                    dst[j] = accumulate ? dst[j] + src[j] : src[j];
                }
            }
        }
    }
}
