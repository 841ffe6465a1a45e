using System;
using System.Numerics;
using System.Threading;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests
{
    /// <summary>
    /// <see cref="RowSplit"/> and the Nn calls that use it. In the allocation collection, which runs alone: the tests
    /// switch <see cref="Gemm.MaxThreads"/>, which is process-wide.
    /// </summary>
    [Collection(nameof(AllocationCollection))]
    public unsafe class RowSplitTests
    {
        [Theory]
        [InlineData(1, RowSplit.MinElements)]
        [InlineData(2, RowSplit.MinElements)]
        [InlineData(3, RowSplit.MinElements)]
        [InlineData(257, RowSplit.MinElements - 1)]
        [InlineData(257, RowSplit.MinElements)]
        public void EveryRowRunsOnceOnOneThreadOrOnTwo(int rows, long elements)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                int[] visits = new int[rows], threadIds = new int[rows];
                WithMaxThreads(threads, () =>
                {
                    fixed (int* pv = visits, pt = threadIds)
                    {
                        var state = new VisitState { Visits = pv, ThreadIds = pt };
                        RowSplit.Run(&state, rows, elements, &Visit);
                    }
                });

                Assert.All(visits, v => Assert.Equal(1, v));
                int caller = Environment.CurrentManagedThreadId;
                bool split = threads == 2 && rows >= 2 && elements >= RowSplit.MinElements;
                for (int r = 0; r < rows; r++)
                {
                    // The caller takes the first half; the worker (another thread) the second half when the call splits.
                    if (!split || r < rows / 2)
                    {
                        Assert.Equal(caller, threadIds[r]);
                    }
                    else
                    {
                        Assert.NotEqual(caller, threadIds[r]);
                    }
                }
            }
        }

        public static TheoryData<int, int> MeanSubtractShapes => new()
        {
            { 1, 1 }, { 3, 7 }, { 5, 257 }, { 256, 255 }, // below the split threshold
            { 300, 257 }, { 4096, 17 }, { 1, 70000 }, { 70000, 1 }, // above it (2·rows·d ≥ 2¹⁶), odd rows and widths
        };

        [Theory]
        [MemberData(nameof(MeanSubtractShapes))]
        public void FloatMeanSubtractMatchesReferenceOnOneAndTwoThreads(int rows, int d) => MeanSubtractMatches<float>(rows, d);

        [Theory]
        [MemberData(nameof(MeanSubtractShapes))]
        public void DoubleMeanSubtractMatchesReferenceOnOneAndTwoThreads(int rows, int d) => MeanSubtractMatches<double>(rows, d);

        private static void MeanSubtractMatches<T>(int rows, int d)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            T[] x = Random<T>(rows * d, rows + d, 3), dh = Random<T>(rows * d, rows + d + 1, 3), dx0 = Random<T>(rows * d, rows + d + 2);

            // Reference in double: h = x − mean(x) per row, dx = dx0 + dh − mean(dh). Bound: a d-term sum (γ_d) plus the
            // subtraction's and the accumulation's roundings, relative to the magnitudes involved (|values| ≤ 3).
            double[] hExpected = new double[x.Length], dxExpected = new double[x.Length];
            for (int r = 0; r < rows; r++)
            {
                double sx = 0, sdh = 0;
                for (int j = 0; j < d; j++)
                {
                    sx += double.CreateChecked(x[(r * d) + j]);
                    sdh += double.CreateChecked(dh[(r * d) + j]);
                }

                for (int j = 0; j < d; j++)
                {
                    int i = (r * d) + j;
                    hExpected[i] = double.CreateChecked(x[i]) - (sx / d);
                    dxExpected[i] = double.CreateChecked(dx0[i]) + double.CreateChecked(dh[i]) - (sdh / d);
                }
            }

            double bound = (d + 4) * UnitRoundoff<T>() * 3 * 3;
            T[]? hOne = null, dxOne = null;
            foreach (int threads in new[] { 1, 2 })
            {
                T[] h = new T[x.Length], dx = (T[])dx0.Clone();
                WithMaxThreads(threads, () =>
                {
                    if (typeof(T) == typeof(float))
                    {
                        Nn.MeanSubtract((float[])(object)x, (float[])(object)h, rows, d);
                        Nn.MeanSubtractBackward((float[])(object)x, (float[])(object)h, rows, d, (float[])(object)dh, (float[])(object)dx);
                    }
                    else
                    {
                        Nn.MeanSubtract((double[])(object)x, (double[])(object)h, rows, d);
                        Nn.MeanSubtractBackward((double[])(object)x, (double[])(object)h, rows, d, (double[])(object)dh, (double[])(object)dx);
                    }
                });

                string label = $"{typeof(T).Name} ({rows}, {d}) on {threads} thread(s)";
                AssertWithin<double>(hExpected, Array.ConvertAll(h, v => double.CreateChecked(v)), bound, "MeanSubtract " + label);
                AssertWithin<double>(dxExpected, Array.ConvertAll(dx, v => double.CreateChecked(v)), bound, "MeanSubtractBackward " + label);

                // Each row is computed the same way on either thread: the split changes no bit.
                if (hOne is null)
                {
                    hOne = h;
                    dxOne = dx;
                }
                else
                {
                    Assert.Equal(hOne, h);
                    Assert.Equal(dxOne, dx);
                }
            }
        }

        private static void WithMaxThreads(int threads, Action action)
        {
            int saved = Gemm.MaxThreads;
            Gemm.MaxThreads = threads;
            try
            {
                action();
            }
            finally
            {
                Gemm.MaxThreads = saved;
            }
        }

        private struct VisitState
        {
            public int* Visits;
            public int* ThreadIds;
        }

        private static void Visit(void* statePointer, int r0, int r1)
        {
            ref VisitState state = ref *(VisitState*)statePointer;
            for (int r = r0; r < r1; r++)
            {
                Interlocked.Increment(ref state.Visits[r]);
                state.ThreadIds[r] = Environment.CurrentManagedThreadId;
            }
        }
    }
}
