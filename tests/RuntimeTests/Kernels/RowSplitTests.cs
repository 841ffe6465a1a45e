using System;
using System.Linq;
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

                // Unsplit, the caller runs every row; split, the two threads claim blocks, so which runs a row is not fixed.
                bool split = threads == 2 && rows >= 2 && elements >= RowSplit.MinElements;
                Assert.True(split || Array.TrueForAll(threadIds, id => id == Environment.CurrentManagedThreadId));
                Assert.True(threadIds.Distinct().Count() <= (split ? 2 : 1));
            }
        }

        /// <summary>
        /// After a pause the worker is asleep, and the caller usually finishes its own part before the worker wakes: it
        /// then takes part 1 back (PairWorker never waits for a worker that has not started). Either way every row runs
        /// once, and a split product equals the same product computed before, bit for bit.
        /// </summary>
        [Fact]
        public void ALateWorkerIsTakenBackWithoutChangingResults()
        {
            const int m = 64, k = 1000, n = 100, rows = 257;
            float[] a = Random<float>(m * k, 1), b = Random<float>(k * n, 2), expected = new float[m * n], c = new float[m * n];
            Gemm.Run<float>(GemmForm.AB, a, b, expected, m, k, n, false, GemmDriver.BestPath, maxThreads: 1);
            for (int attempt = 0; attempt < 30; attempt++)
            {
                Thread.Sleep(1); // longer than the worker's 100 µs spin: it goes to sleep
                int[] visits = new int[rows], threadIds = new int[rows];
                fixed (int* pv = visits, pt = threadIds)
                {
                    var state = new VisitState { Visits = pv, ThreadIds = pt };
                    RowSplit.Run(&state, rows, RowSplit.MinElements, &Visit);
                }

                Assert.All(visits, v => Assert.Equal(1, v));
                Thread.Sleep(1);
                Gemm.Run<float>(GemmForm.AB, a, b, c, m, k, n, false, GemmDriver.BestPath, maxThreads: 2);
                Assert.Equal(expected, c);
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

        [Theory]
        [InlineData(4095)]
        [InlineData(4097)]
        [InlineData(21845)]  // 3·length just below RowSplit.MinElements: one thread
        [InlineData(21846)]  // just above: split, at a chunk that is not full
        [InlineData(100003)]
        public void LongAxpyMatchesNaiveOnOneAndTwoThreads(int length)
        {
            float[] x = Random<float>(length, length), y0 = Random<float>(length, length + 1), expected = (float[])y0.Clone();
            double[] xd = Random<double>(length, length + 2), yd0 = Random<double>(length, length + 3), expectedD = (double[])yd0.Clone();
            VectorOps.AxpyNaive(0.3f, x, expected);
            VectorOps.AxpyNaive(-0.7, xd, expectedD);
            float[]? first = null;
            foreach (int threads in new[] { 1, 2 })
            {
                float[] y = (float[])y0.Clone();
                double[] yd = (double[])yd0.Clone();
                WithMaxThreads(threads, () =>
                {
                    VectorOps.Axpy(0.3f, x, y);
                    VectorOps.Axpy(-0.7, xd, yd);
                });
                AssertWithin<float>(expected, y, 8 * UnitRoundoff<float>(), $"float axpy length {length}, {threads} thread(s)"); // fused vs mul-then-add
                AssertWithin<double>(expectedD, yd, 8 * UnitRoundoff<double>(), $"double axpy length {length}, {threads} thread(s)");
                if (first is null)
                {
                    first = y;
                }
                else
                {
                    Assert.Equal(first, y); // the split changes no bit
                }

                // y may be x itself: y += α·y.
                float[] self = (float[])x.Clone(), selfExpected = (float[])x.Clone();
                VectorOps.AxpyNaive(0.5f, (float[])x.Clone(), selfExpected);
                WithMaxThreads(threads, () => VectorOps.Axpy(0.5f, self, self));
                AssertWithin<float>(selfExpected, self, 8 * UnitRoundoff<float>(), $"in-place axpy length {length}, {threads} thread(s)");
            }
        }

        [Fact]
        public void SplitCallsAllocateNothingOnAnyThread()
        {
            const int rows = 300, d = 257; // 2·rows·d above RowSplit.MinElements: the worker claims blocks too
            float[] x = Random<float>(rows * d, 1), h = new float[rows * d], dh = Random<float>(rows * d, 2), dx = new float[rows * d];
            float[] z = Random<float>(Activations.SplitLength, 3), r = new float[z.Length], dr = new float[z.Length], dz = new float[z.Length];
            void Step()
            {
                Nn.Relu(z, r);
                Nn.MseLoss(r, z);
                Nn.MseLossBackward(r, z, 1f, dr, default);
                Nn.ReluBackward(z, r, dr, dz);
                Nn.MeanSubtract(x, h, rows, d);
                Nn.MeanSubtractBackward(x, h, rows, d, dh, dx);
                VectorOps.Axpy(-1e-3f, dx, h);
                VectorOps.Clear(dx.AsSpan());
            }

            Step(); // starts the worker
            Step();
            AssertAllocatesNothingOnAnyThread(Step);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(4097)]
        [InlineData(65535)]  // just below RowSplit.MinElements: one thread
        [InlineData(65536)]
        [InlineData(100003)] // split, the last chunk partial
        public void ClearZeroesExactlyTheSpanOnOneAndTwoThreads(int length)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                // Sentinels on both sides: a chunk past the end, or before the start, would show.
                float[] x = Random<float>(length + 2, length);
                double[] xd = Random<double>(length + 2, length + 1);
                x[0] = x[^1] = 42f;
                xd[0] = xd[^1] = 42.0;
                WithMaxThreads(threads, () =>
                {
                    VectorOps.Clear(x.AsSpan(1, length));
                    VectorOps.Clear(xd.AsSpan(1, length));
                });
                Assert.Equal(42f, x[0]);
                Assert.Equal(42f, x[^1]);
                Assert.Equal(42.0, xd[0]);
                Assert.Equal(42.0, xd[^1]);
                Assert.True(Array.TrueForAll(x[1..^1], v => v == 0f), $"float clear, length {length}, {threads} thread(s)");
                Assert.True(Array.TrueForAll(xd[1..^1], v => v == 0.0), $"double clear, length {length}, {threads} thread(s)");
            }
        }

        [Theory]
        [InlineData(0)]
        [InlineData(4097)]
        [InlineData(65536)]
        [InlineData(100003)] // split, the last chunk partial
        public void CopyCopiesExactlyTheSpanOnOneAndTwoThreads(int length)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                float[] source = Random<float>(length, length), target = Random<float>(length + 2, length + 1);
                target[0] = target[^1] = 42f;
                WithMaxThreads(threads, () => VectorOps.Copy<float>(source, target.AsSpan(1, length)));
                Assert.Equal(42f, target[0]);
                Assert.Equal(42f, target[^1]);
                Assert.Equal(source, target[1..^1]);
            }

            float[] untouched = { 1, 2 };
            Assert.Equal("destination", Assert.Throws<ArgumentException>(() => VectorOps.Copy<float>(new float[3], untouched)).ParamName);
            Assert.Equal(new float[] { 1, 2 }, untouched);
        }

        [Theory]
        [InlineData(Activations.SplitLength - 1)] // one thread
        [InlineData(Activations.SplitLength)]
        [InlineData(200003)]                      // the last chunk partial
        [InlineData(32 * 16 * 28 * 28)]           // workload C's convolution output
        public void LongReluAndMseMatchReferenceOnOneAndTwoThreads(int length)
        {
            float[] x = Random<float>(length, length), dy = Random<float>(length, length + 1), dx0 = Random<float>(length, length + 2);
            float[] target = Random<float>(length, length + 3);
            x[5] = 0f; // the kink: sub-gradient 0

            float[] yExpected = new float[length], dxExpected = (float[])dx0.Clone();
            Activations.ForwardNaive(ActivationKind.Relu, x, yExpected, 0f);
            Activations.BackwardNaive(ActivationKind.Relu, x, yExpected, dy, dxExpected, 0f);
            double sse = 0;
            for (int i = 0; i < length; i++)
            {
                sse += ((double)x[i] - target[i]) * ((double)x[i] - target[i]);
            }

            float mseExpected = (float)(sse / length), scale = 2f * 0.5f / length;
            float[]? firstY = null, firstDx = null, firstDp = null;
            float firstMse = 0;
            foreach (int threads in new[] { 1, 2 })
            {
                float[] y = new float[length], dx = (float[])dx0.Clone(), dp = (float[])dx0.Clone(), dt = new float[length];
                float mse = 0;
                WithMaxThreads(threads, () =>
                {
                    Nn.Relu(x, y);
                    Nn.ReluBackward(x, y, dy, dx);
                    mse = Nn.MseLoss(x, target);
                    Nn.MseLossBackward(x, target, 0.5f, dp, dt);
                });

                string label = $"length {length}, {threads} thread(s)";
                Assert.Equal(yExpected, y);   // ReLU is exact
                Assert.Equal(dxExpected, dx); // one exact select and one rounding of dx0 + dy on either side
                AssertWithin<float>(new[] { mseExpected }, new[] { mse }, 1e-6 * Math.Abs(mseExpected), "MseLoss " + label);
                for (int i = 0; i < length; i += 997)
                {
                    float d = x[i] - target[i];
                    Assert.Equal(MathF.FusedMultiplyAdd(d, scale, dx0[i]), dp[i], 6);
                    Assert.Equal(-scale * d, dt[i], 6);
                }

                if (firstY is null)
                {
                    (firstY, firstDx, firstDp, firstMse) = (y, dx, dp, mse);
                }
                else
                {
                    // Fixed chunks, fixed order of the partial sums: the split changes no bit.
                    Assert.Equal(firstY, y);
                    Assert.Equal(firstDx, dx);
                    Assert.Equal(firstDp, dp);
                    Assert.Equal(firstMse, mse);
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
