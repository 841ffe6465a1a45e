using System;
using System.Numerics;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests
{
    public class GemmTests
    {
        public static TheoryData<int, int, int> Shapes => new()
        {
            { 1, 1, 1 },
            { 7, 13, 5 },
            { 64, 1000, 100 }, // the seed MLP's first layer; above the two-thread threshold, split by rows; a 4-column narrow edge
            { 257, 129, 65 },  // every tile edge; above the threshold, split by rows; a 1-column narrow edge
            { 11, 2000, 100 }, // one partial row tile, above the threshold: split by columns, the narrow edge in part 1
            { 256, 256, 10 },  // B's classifier layer: a narrow C (GemmNarrow on Vector512), one thread
            { 300, 700, 32 },  // narrow at its float limit (two panels), above the threshold: rows split in two
            { 19, 37, 17 },    // narrow float with a one-column second panel; double: two panels, the second one column
            { 15, 9, 33 },     // one column past the float narrow limit: the blocked driver
            { 8, 3, 8 },       // exactly one 8-row block, nothing left for the one-row remainder
            { 40, 70, 90 },    // B read in place (one A block) beside a packed partial last tile of 26 (double: 10) columns
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void FloatMatchesNaiveOnEveryPathAndForm(int m, int k, int n) => MatchesNaive<float>(m, k, n);

        [Theory]
        [MemberData(nameof(Shapes))]
        public void DoubleMatchesNaiveOnEveryPathAndForm(int m, int k, int n) => MatchesNaive<double>(m, k, n);

        [Fact]
        public void PublicOverloadsMatchNaive()
        {
            const int m = 33, k = 517, n = 47; // k > KC, so the k loop accumulates across slices
            float[] a = Random<float>(m * k, 1), b = Random<float>(k * n, 2);
            float[] expected = new float[m * n], actual = new float[m * n];
            double[] bound = Bound<float>(a, b, new float[m * n], GemmForm.AB, m, k, n);

            Gemm.MultiplyNaive<float>(a, b, expected, m, k, n);
            Gemm.Multiply(a, b, actual, m, k, n);
            AssertWithin<float>(expected, actual, bound, "Multiply");

            Gemm.MultiplyTransposeBNaive<float>(a, b, expected, m, k, n);
            Gemm.MultiplyTransposeB(a, b, actual, m, k, n);
            AssertWithin<float>(expected, actual, Bound<float>(a, b, new float[m * n], GemmForm.ABt, m, k, n), "MultiplyTransposeB");

            Gemm.MultiplyTransposeANaive<float>(a, b, expected, m, k, n);
            Gemm.MultiplyTransposeA(a, b, actual, m, k, n);
            AssertWithin<float>(expected, actual, Bound<float>(a, b, new float[m * n], GemmForm.AtB, m, k, n), "MultiplyTransposeA");

            double[] ad = Random<double>(m * k, 1), bd = Random<double>(k * n, 2);
            double[] ed = new double[m * n], od = Random<double>(m * n, 3);
            double[] boundD = Bound<double>(ad, bd, od, GemmForm.AB, m, k, n);
            od.CopyTo(ed, 0);
            Gemm.MultiplyNaive<double>(ad, bd, ed, m, k, n, accumulate: true);
            Gemm.Multiply(ad, bd, od, m, k, n, accumulate: true);
            AssertWithin<double>(ed, od, boundD, "Multiply(double, accumulate)");
        }

        /// <summary>
        /// Checks each path × form × overwrite/accumulate against the triple loop. Tolerance (Higham, Accuracy and
        /// Stability, Thm 3.5): a length-k dot product added to c has |error| ≤ γ_{k+1}·(|c| + Σ|a||b|), γ_j ≈ j·u;
        /// both results carry that error, so they may differ by twice it.
        /// </summary>
        private static void MatchesNaive<T>(int m, int k, int n)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            T[] a = Random<T>(m * k, 10 + m), b = Random<T>(k * n, 20 + n), c0 = Random<T>(m * n, 30 + k);
            foreach (GemmForm form in Enum.GetValues<GemmForm>())
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    T[] expected = (T[])c0.Clone();
                    Naive(form, a, b, expected, m, k, n, accumulate);
                    double[] bound = Bound(a, b, accumulate ? c0 : new T[m * n], form, m, k, n);
                    foreach (GemmPath path in Enum.GetValues<GemmPath>())
                    {
                        T[] actual = (T[])c0.Clone();
                        Gemm.Run<T>(form, a, b, actual, m, k, n, accumulate, path, maxThreads: 2);
                        AssertWithin<T>(expected, actual, bound, $"{typeof(T).Name} {form} {path} accumulate={accumulate} ({m}, {k}, {n})");
                    }
                }
            }
        }

        private static void Naive<T>(GemmForm form, T[] a, T[] b, T[] c, int m, int k, int n, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (form)
            {
                case GemmForm.AB: Gemm.MultiplyNaive<T>(a, b, c, m, k, n, accumulate); break;
                case GemmForm.ABt: Gemm.MultiplyTransposeBNaive<T>(a, b, c, m, k, n, accumulate); break;
                default: Gemm.MultiplyTransposeANaive<T>(a, b, c, m, k, n, accumulate); break;
            }
        }

        /// <summary>2·γ_{k+1}·(|c| + |A|·|B|) element-wise, |A|·|B| computed in double.</summary>
        private static double[] Bound<T>(T[] a, T[] b, T[] c, GemmForm form, int m, int k, int n)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double[] absA = Array.ConvertAll(a, v => Math.Abs(double.CreateChecked(v)));
            double[] absB = Array.ConvertAll(b, v => Math.Abs(double.CreateChecked(v)));
            double[] bound = Array.ConvertAll(c, v => Math.Abs(double.CreateChecked(v)));
            Naive(form, absA, absB, bound, m, k, n, accumulate: true);
            double gamma = 2 * (k + 1) * UnitRoundoff<T>();
            for (int i = 0; i < bound.Length; i++)
            {
                bound[i] = (gamma * bound[i]) + double.Epsilon;
            }

            return bound;
        }

        private static void Naive(GemmForm form, double[] a, double[] b, double[] c, int m, int k, int n, bool accumulate)
        {
            switch (form)
            {
                case GemmForm.AB: Gemm.MultiplyNaive<double>(a, b, c, m, k, n, accumulate); break;
                case GemmForm.ABt: Gemm.MultiplyTransposeBNaive<double>(a, b, c, m, k, n, accumulate); break;
                default: Gemm.MultiplyTransposeANaive<double>(a, b, c, m, k, n, accumulate); break;
            }
        }

        public static TheoryData<string> Entries => new() { "Multiply", "MultiplyTransposeB", "MultiplyTransposeA", "MultiplyNaive" };

        private static void Call(string entry, float[] a, float[] b, Span<float> c, int m, int k, int n, int aLength = -1, int aStart = 0)
        {
            ReadOnlySpan<float> sa = a.AsSpan(aStart, aLength < 0 ? a.Length - aStart : aLength);
            switch (entry)
            {
                case "Multiply": Gemm.Multiply(sa, b, c, m, k, n); break;
                case "MultiplyTransposeB": Gemm.MultiplyTransposeB(sa, b, c, m, k, n); break;
                case "MultiplyTransposeA": Gemm.MultiplyTransposeA(sa, b, c, m, k, n); break;
                default: Gemm.MultiplyNaive(sa, b, c, m, k, n); break;
            }
        }

        [Theory]
        [MemberData(nameof(Entries))]
        public void RejectsBadArgumentsBeforeWriting(string entry)
        {
            float[] a = new float[6], b = new float[12], c = new float[8]; // (m, k, n) = (2, 3, 4)
            Array.Fill(c, 42f);
            AssertRejected<ArgumentOutOfRangeException>(() => Call(entry, a, b, c, 0, 3, 4), "m", c);
            AssertRejected<ArgumentOutOfRangeException>(() => Call(entry, a, b, c, 2, -1, 4), "k", c);
            AssertRejected<ArgumentOutOfRangeException>(() => Call(entry, a, b, c, 2, 3, 0), "n", c);
            AssertRejected<ArgumentException>(() => Call(entry, a, b, c, 2, 3, 4, aLength: 5), "a", c);
            AssertRejected<ArgumentException>(() => Call(entry, a, new float[11], c, 2, 3, 4), "b", c);
            AssertRejected<ArgumentException>(() => Call(entry, a, b, new float[9], 2, 3, 4), "c", c);

            // C shares its first element with A's last: a blocked kernel would read A after writing C.
            float[] shared = new float[13];
            Array.Fill(shared, 42f);
            AssertRejected<ArgumentException>(() => Call(entry, shared, b, shared.AsSpan(5, 8), 2, 3, 4, aLength: 6), "c", shared);
        }

        [Fact]
        public void RejectsCOverlappingB()
        {
            float[] a = new float[6], shared = new float[16];
            Array.Fill(shared, 7f);
            AssertRejected<ArgumentException>(() => Gemm.Multiply(a, shared.AsSpan(0, 12), shared.AsSpan(8, 8), 2, 3, 4), "c", shared);
            AssertRejected<ArgumentException>(() => Gemm.Multiply(new double[6], new double[12], new double[7], 2, 3, 4), "c");
        }
    }
}
