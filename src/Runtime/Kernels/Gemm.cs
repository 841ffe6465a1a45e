using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace SymGrad
{
    /// <summary>
    /// Dense matrix products over row-major spans, in the three forms a dense layer needs:
    /// forward <c>Y = X·W</c>, input gradient <c>dX = dY·Wᵀ</c>, weight gradient <c>dW = Xᵀ·dY</c>.
    /// Each overwrites C, or adds to it when <c>accumulate</c> is true (gradients accumulate, as in the spec).
    /// Cache-blocked with packed panels and a Vector512 (else Vector256, else scalar) FMA micro-kernel; a narrow C
    /// (n ≤ 2 vectors) takes <see cref="GemmNarrow"/> instead, which packs only B. Products of
    /// at least <see cref="ParallelThreshold"/> multiply-adds are split between the caller and one worker thread.
    /// A steady-state call allocates nothing. Each fast method has a <c>…Naive</c> triple loop next to it, the test oracle.
    /// </summary>
    public static class Gemm
    {
        /// <summary>
        /// The m·k·n from which a product is split over two threads. Measured here (quiet machine): 64³ gains nothing
        /// (19 → 20 µs), 128³ halves (96 → 41 µs), 64×1000×100 gains 30% (244 → 170 µs).
        /// </summary>
        public const long ParallelThreshold = 128L * 128 * 128;

        private static int s_maxThreads = 2;

        /// <summary>
        /// How many threads a large product may use: 2 (the caller and the worker, the default) or 1. Process-wide;
        /// set it before training, not while products run.
        /// </summary>
        public static int MaxThreads
        {
            get => s_maxThreads;
            set => s_maxThreads = value is 1 or 2 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "GEMM runs on 1 or 2 threads.");
        }

        /// <summary>C (+)= A·B. A is (m, k), B is (k, n), C is (m, n).</summary>
        /// <param name="a">A, row-major (m, k).</param>
        /// <param name="b">B, row-major (k, n).</param>
        /// <param name="c">C, row-major (m, n); must not overlap A or B.</param>
        /// <param name="m">Rows of A and C.</param>
        /// <param name="k">Columns of A, rows of B.</param>
        /// <param name="n">Columns of B and C.</param>
        /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
        public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
            => Run(GemmForm.AB, a, b, c, m, k, n, accumulate, GemmDriver.BestPath, MaxThreads);

        /// <inheritdoc cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool)"/>
        public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
            => Run(GemmForm.AB, a, b, c, m, k, n, accumulate, GemmDriver.BestPath, MaxThreads);

        /// <summary>C (+)= A·Bᵀ. A is (m, k), B is (n, k), C is (m, n).</summary>
        /// <param name="a">A, row-major (m, k).</param>
        /// <param name="b">B, row-major (n, k); the product uses its transpose.</param>
        /// <param name="c">C, row-major (m, n); must not overlap A or B.</param>
        /// <param name="m">Rows of A and C.</param>
        /// <param name="k">Columns of A and of B.</param>
        /// <param name="n">Rows of B, columns of C.</param>
        /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
        public static void MultiplyTransposeB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
            => Run(GemmForm.ABt, a, b, c, m, k, n, accumulate, GemmDriver.BestPath, MaxThreads);

        /// <inheritdoc cref="MultiplyTransposeB(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool)"/>
        public static void MultiplyTransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
            => Run(GemmForm.ABt, a, b, c, m, k, n, accumulate, GemmDriver.BestPath, MaxThreads);

        /// <summary>C (+)= Aᵀ·B. A is (k, m), B is (k, n), C is (m, n).</summary>
        /// <param name="a">A, row-major (k, m); the product uses its transpose.</param>
        /// <param name="b">B, row-major (k, n).</param>
        /// <param name="c">C, row-major (m, n); must not overlap A or B.</param>
        /// <param name="m">Columns of A, rows of C.</param>
        /// <param name="k">Rows of A and of B.</param>
        /// <param name="n">Columns of B and C.</param>
        /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
        public static void MultiplyTransposeA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
            => Run(GemmForm.AtB, a, b, c, m, k, n, accumulate, GemmDriver.BestPath, MaxThreads);

        /// <inheritdoc cref="MultiplyTransposeA(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool)"/>
        public static void MultiplyTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
            => Run(GemmForm.AtB, a, b, c, m, k, n, accumulate, GemmDriver.BestPath, MaxThreads);

        /// <summary>Reference for <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool)"/>: the textbook triple loop, summing over p in order.</summary>
        public static void MultiplyNaive<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
            where T : INumber<T>
            => Naive(GemmForm.AB, a, b, c, m, k, n, accumulate);

        /// <summary>Reference for <see cref="MultiplyTransposeB(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool)"/>.</summary>
        public static void MultiplyTransposeBNaive<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
            where T : INumber<T>
            => Naive(GemmForm.ABt, a, b, c, m, k, n, accumulate);

        /// <summary>Reference for <see cref="MultiplyTransposeA(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool)"/>.</summary>
        public static void MultiplyTransposeANaive<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
            where T : INumber<T>
            => Naive(GemmForm.AtB, a, b, c, m, k, n, accumulate);

        /// <summary>The fast product with the path and thread count chosen by the caller (tests force each path and the split).</summary>
        internal static unsafe void Run<T>(GemmForm form, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate, GemmPath path, int maxThreads)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Validate(form, a, b, c, m, k, n);
            fixed (T* pa = a, pb = b, pc = c)
            {
                var job = new GemmJob { A = pa, B = pb, C = pc, M = m, K = k, N = n, Form = form, Accumulate = accumulate, Path = path };
                if (GemmNarrow.Applies<T>(path, n))
                {
                    if (maxThreads > 1 && (long)m * k * n >= ParallelThreshold && GemmNarrow.Split(ref job)
                        && PairWorker.TryRunPair(&job, &GemmNarrow.RunPart<T>))
                    {
                        return;
                    }

                    GemmNarrow.RunPart<T>(&job, -1);
                    return;
                }

                if (maxThreads > 1 && (long)m * k * n >= ParallelThreshold && Split<T>(ref job))
                {
                    if (PairWorker.TryRunPair(&job, &GemmDriver.RunPart<T>))
                    {
                        return;
                    }
                }

                GemmDriver.RunPart<T>(&job, -1);
            }
        }

        /// <summary>
        /// Splits C's rows or columns in two at a tile boundary, whichever leaves the busier half less work counted in
        /// micro-tiles (a narrow right edge, see <see cref="GemmNarrow"/>, costs half a tile column, a quarter when it fits a
        /// Vector256); on a tie, the side that makes both threads pack less of the same operand. 64×100 (the seed MLP)
        /// thus splits its rows: 4 row tiles × 3.25 column tiles each, where its columns split as 64 | 36 would leave one
        /// half 8 × 2 tiles; 64×128 (a dense layer after convolutions: a tie) splits its rows too, each half reading B in
        /// place, where split columns had both threads pack all of A (64 × 3136): ≈ 310 → 270 µs. False if C is a single tile.
        /// </summary>
        internal static bool Split<T>(ref GemmJob job)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int mr = GemmDriver.Mr<T>(job.Path), nr = GemmDriver.Nr<T>(job.Path);
            int rowTiles = (job.M + mr - 1) / mr, colTiles = (job.N + nr - 1) / nr;
            if (rowTiles < 2 && colTiles < 2)
            {
                return false;
            }

            int rowSplit = (rowTiles + 1) / 2 * mr, colSplit = (colTiles + 1) / 2 * nr;
            GemmPath path = job.Path;
            double byRows = rowTiles < 2 ? double.MaxValue : Math.Max(Tiles(rowSplit, job.N), Tiles(job.M - rowSplit, job.N));
            double byCols = colTiles < 2 ? double.MaxValue : Math.Max(Tiles(job.M, colSplit), Tiles(job.M, job.N - colSplit));
            // On a tie: what both halves pack. All of B when the rows are split (nothing when each half's rows fit the one
            // A block that lets the driver read a row-major B in place), all of A when the columns are split (nothing when
            // Aᵀ is read in place, C narrow).
            long packedTwiceByRows = job.Form != GemmForm.ABt && job.M - rowSplit <= GemmDriver.Mc<T>(path) ? 0 : (long)job.K * job.N;
            long packedTwiceByColumns = job.Form == GemmForm.AtB && colSplit <= GemmDriver.InPlaceAColumns<T>(path) ? 0 : (long)job.K * job.M;
            job.SplitRows = byRows < byCols || (byRows == byCols && packedTwiceByRows <= packedTwiceByColumns);
            job.Split = job.SplitRows ? rowSplit : colSplit;
            return true;

            double Tiles(int rows, int cols)
            {
                int edge = GemmNarrow.EdgeColumns<T>(path, cols);
                double columns = ((cols - edge + nr - 1) / nr) + (edge == 0 ? 0 : edge <= Vector256<T>.Count ? 0.25 : 0.5);
                return (rows + mr - 1) / mr * columns;
            }
        }

        private static void Validate<T>(GemmForm form, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        {
            KernelGuard.Positive(m, nameof(m));
            KernelGuard.Positive(k, nameof(k));
            KernelGuard.Positive(n, nameof(n));
            KernelGuard.Length(a.Length, (long)m * k, nameof(a), form == GemmForm.AtB ? "(k, m)" : "(m, k)");
            KernelGuard.Length(b.Length, (long)k * n, nameof(b), form == GemmForm.ABt ? "(n, k)" : "(k, n)");
            KernelGuard.Length(c.Length, (long)m * n, nameof(c), "(m, n)");
            KernelGuard.NoOverlap<T>(a, c, nameof(a), nameof(c));
            KernelGuard.NoOverlap<T>(b, c, nameof(b), nameof(c));
        }

        private static void Naive<T>(GemmForm form, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate)
            where T : INumber<T>
        {
            Validate(form, a, b, c, m, k, n);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    T sum = T.Zero;
                    for (int p = 0; p < k; p++)
                    {
                        T aip = form == GemmForm.AtB ? a[(p * m) + i] : a[(i * k) + p];
                        T bpj = form == GemmForm.ABt ? b[(j * k) + p] : b[(p * n) + j];
                        sum += aip * bpj;
                    }

                    c[(i * n) + j] = accumulate ? c[(i * n) + j] + sum : sum;
                }
            }
        }
    }
}
