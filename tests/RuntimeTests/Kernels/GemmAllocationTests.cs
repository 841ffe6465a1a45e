using System;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests
{
    /// <summary>Runs alone: the two-thread case measures the whole process's allocations.</summary>
    [CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
    public class AllocationCollection
    {
    }

    [Collection(nameof(AllocationCollection))]
    public class GemmAllocationTests
    {
        [Fact]
        public void SteadyStateBelowThresholdAllocatesNothingOnTheCallingThread()
        {
            const int m = 37, k = 45, n = 29; // m·k·n far below Gemm.ParallelThreshold: the caller does all the work
            Assert.True((long)m * k * n < Gemm.ParallelThreshold);
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            void Step()
            {
                Gemm.Multiply(a, b, c, m, k, n);
                Gemm.MultiplyTransposeB(a, b, c, m, k, n, accumulate: true);
                Gemm.MultiplyTransposeA(new ReadOnlySpan<float>(a), b, c, m, k, n, accumulate: true);
            }

            Step(); // grows this thread's packing buffers once
            AssertSteadyStateAllocatesNothing(Step, steps: 20);
        }

        [Fact]
        public void SteadyStateAboveThresholdAllocatesNothingOnAnyThread()
        {
            const int m = 160, k = 150, n = 140; // above Gemm.ParallelThreshold: the worker thread runs half
            Assert.True((long)m * k * n >= Gemm.ParallelThreshold);
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            void Step()
            {
                Gemm.Multiply(a, b, c, m, k, n);
                Gemm.MultiplyTransposeB(a, b, c, m, k, n, accumulate: true);
                Gemm.MultiplyTransposeA(a, b, c, m, k, n, accumulate: true);
            }

            // Grow this thread's packing buffers for whole products: when another test holds the worker, or the worker is
            // slow to wake and the caller takes part 1 back, the caller runs more than its half (a CI failure: the caller
            // grew its buffers inside the measured window). Then start the worker and grow its buffers.
            foreach (GemmForm form in Enum.GetValues<GemmForm>())
            {
                Gemm.Run<float>(form, a, b, c, m, k, n, accumulate: true, GemmDriver.BestPath, maxThreads: 1);
            }

            Step();
            Step();
            AssertAllocatesNothingOnAnyThread(Step);
        }
    }
}
